"""The web app on 127.0.0.1 for the tests: `jparchive serve`'s app in a thread, its
Datasette pages (`/data/`) in their own process, as `jparchive serve` runs them."""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from pipeline.web.app import asgi_app, make_datasette
from pipeline.web.sqlproc import Child, Forwarder, sql_command
from tests.servers import free_port


@contextmanager
def web_app(data: Path) -> Iterator[str]:
    """Serve the web app over `data` on a free port; yields its base URL."""
    port = free_port()
    ds = make_datasette(data)
    with tempfile.TemporaryDirectory(prefix="jparchive-test-") as folder:
        sock = Path(folder) / "datasette.sock"
        with Child(sql_command(data, sock), listens=sock):
            config = uvicorn.Config(asgi_app(ds, Forwarder(sock)), host="127.0.0.1", port=port,
                                    log_level="warning", lifespan="on")  # fmt: skip
            server = uvicorn.Server(config)
            thread = threading.Thread(target=server.run, daemon=True)
            thread.start()
            try:
                deadline = time.monotonic() + 20
                while not server.started:
                    if time.monotonic() > deadline or not thread.is_alive():
                        raise RuntimeError("the web app did not start")
                    time.sleep(0.02)
                yield f"http://127.0.0.1:{port}"
            finally:
                server.should_exit = True
                thread.join(10)
