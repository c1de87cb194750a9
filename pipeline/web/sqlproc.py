"""Datasette's own pages (`/data/`: tables, facets, CSV and JSON, the SQL page) served by
a child process of their own, at a lower CPU priority, and forwarded to by the process
that serves the researchers' pages. A query on the SQL page runs for up to its second
with SQLite calling back into Python every thousand steps; in the same process three
of them took the interpreter's lock from `/activity/<id>` for as long (p95 over a
second under load). Apart and niced, they get the CPU only when the pages leave it.

    with SqlProcess(Path("data")) as sql:     # started, and listening
        app = asgi_app(ds, sql)                # forwards /data/ to it (sql.forward)

The child is `python -m pipeline.web.sqlproc DATA SOCKET`: the same Datasette, hooks and
bounds as before (pipeline.web.app), on a Unix socket in a private folder. It ends when
its parent does (it watches), and one that dies is started again at the next request,
which meanwhile gets a 503 page. It imports the web app (to serve) and httpx (to
forward); only the app and the tests' server import it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

NICE = 10  # the child's CPU priority below the pages' (0): it gets what they leave
STARTUP = 30.0  # seconds the first request waits for the child to listen
MAX_BODY = 1024 * 1024  # a request body forwarded (Datasette's pages take none)
# hop-by-hop headers, and those the serving process writes itself
_DROPPED = {b"connection", b"keep-alive", b"transfer-encoding", b"te", b"upgrade",
            b"proxy-connection", b"date", b"server"}  # fmt: skip
Failure = Callable[[dict[str, Any], Any, Any, int], Awaitable[None]]


class SqlProcess:
    def __init__(self, data: Path) -> None:
        self.data = data
        self.folder = Path(tempfile.mkdtemp(prefix="jparchive-sql-"))
        self.socket = self.folder / "datasette.sock"
        self.proc: subprocess.Popen[bytes] | None = None
        self.started = 0.0
        self.up = False  # the child listens
        self.client: httpx.AsyncClient | None = None
        self.lock = threading.Lock()  # a start at a time (the tests' servers share one)

    def start(self) -> None:
        with self.lock:
            if self.proc is not None and self.proc.poll() is None:
                return
            self.socket.unlink(missing_ok=True)
            self.up = False
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "pipeline.web.sqlproc", str(self.data), str(self.socket)],
                stdin=subprocess.DEVNULL,
            )
            self.started = time.monotonic()

    def stop(self) -> None:
        """End the child (at most half a second of grace) and remove its folder."""
        proc = self.proc
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(0.5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> SqlProcess:
        """Start the child and wait until it listens (a second or two of imports), so
        that the first `/data/` page is as quick as the next."""
        self.start()
        deadline = self.started + STARTUP
        while time.monotonic() < deadline and self.proc is not None and self.proc.poll() is None:
            if listening(self.socket):
                self.up = True
                break
            time.sleep(0.05)
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        self.stop()

    async def _ready(self) -> bool:
        """Whether the child listens (waiting for it while it starts); one that died is
        started again."""
        if self.proc is None or self.proc.poll() is not None:
            if time.monotonic() - self.started < 2.0:  # it died at once: not in a loop
                return False
            self.start()
        deadline = self.started + STARTUP
        while not self.up and time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                return False
            self.up = listening(self.socket)
            if not self.up:
                await asyncio.sleep(0.05)
        return self.up

    def _client(self) -> httpx.AsyncClient:
        if self.client is None:
            transport = httpx.AsyncHTTPTransport(uds=str(self.socket))
            timeout = httpx.Timeout(30.0, read=120.0)  # a CSV of every row streams a while
            self.client = httpx.AsyncClient(transport=transport, timeout=timeout)
        return self.client

    async def aclose(self) -> None:
        """Close the connections to the child (the serving loop's last act)."""
        if self.client is not None:
            await self.client.aclose()
            self.client = None

    async def forward(self, scope: dict[str, Any], receive: Any, send: Any,
                      failed: Failure) -> None:  # fmt: skip
        """Answer an HTTP request under `/data/` with the child's answer, streamed;
        `failed(scope, receive, send, status)` answers when there is none (413: the
        body is too big; 503: the child is not running or did not answer)."""
        body = await _body(receive)
        if body is None:
            await failed(scope, receive, send, 413)
            return
        if not await self._ready():
            await failed(scope, receive, send, 503)
            return
        query = scope.get("query_string", b"")
        target = scope.get("raw_path") or scope["path"].encode()
        url = b"http://jparchive-sql" + target + (b"?" + query if query else b"")
        headers = [(k, v) for k, v in scope["headers"] if k.lower() not in _DROPPED]
        client = self._client()
        request = client.build_request(scope["method"], url.decode("latin-1"),
                                       headers=headers, content=body)  # fmt: skip
        try:
            response = await client.send(request, stream=True)
        except httpx.TransportError:
            await failed(scope, receive, send, 503)
            return
        try:
            kept = [(k, v) for k, v in response.headers.raw if k.lower() not in _DROPPED]
            await send({"type": "http.response.start", "status": response.status_code,
                        "headers": kept})  # fmt: skip
            async for chunk in response.aiter_raw():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
        except httpx.TransportError:  # the child went away mid-answer: the answer ends
            await send({"type": "http.response.body", "body": b""})
        finally:
            await response.aclose()


async def _body(receive: Any) -> bytes | None:
    parts: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(parts)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return None
        parts.append(chunk)
        if not message.get("more_body"):
            return b"".join(parts)


def _watch_parent(parent: int) -> None:
    """End this process when the one that started it is gone (even killed)."""
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(0)


def main(data: str, path: str) -> None:
    import uvicorn

    from pipeline.errors import ConfigError
    from pipeline.web.app import asgi_app, make_datasette

    with contextlib.suppress(OSError):
        os.nice(NICE)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    try:
        ds = make_datasette(Path(data))
    except ConfigError as exc:  # the server says it too, with a 503 page per request
        print(f"jparchive: Datasette's pages (/data/) cannot start: {exc}", file=sys.stderr)
        sys.exit(2)
    config = uvicorn.Config(asgi_app(ds), uds=path, log_level="warning", lifespan="off",
                            timeout_graceful_shutdown=0)  # fmt: skip
    server = uvicorn.Server(config)
    server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign,assignment]
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))  # nothing to finish: it reads
    server.run()


def listening(path: Path) -> bool:
    with socket.socket(socket.AF_UNIX) as probe:
        try:
            probe.connect(str(path))
        except OSError:
            return False
    return True


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
