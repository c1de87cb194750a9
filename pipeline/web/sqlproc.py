"""The processes `jparchive serve` runs, and the forwarding between them. Datasette's own
pages (`/data/`: tables, facets, CSV and JSON, the SQL page) are served by a child of
their own at the lowest CPU priority; the researchers' pages by worker processes that
share the listening socket, and forward `/data/` to that child over a Unix socket. A
query on the SQL page runs for up to its second with SQLite calling back into Python
every thousand steps: in the pages' process three of them took the interpreter's lock
from `/activity/<id>` for as long (p95 over a second under load). Apart and niced, they
get the CPU only when the pages leave it.

    with Child(sql_command(data, sock), sock) as sql:       # started, and listening
        app = asgi_app(ds, Forwarder(sock))                   # /data/ goes to it

A child ends when its parent does (it watches); `serve` starts one that died again.
This module imports httpx (to forward) and, in a child only, the web app; the app, the
serve command and the tests' server import it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where used: a child starts by `as_child`, before any import
    import httpx

NICE = 19  # the SQL pages' CPU priority, the lowest: they get what the pages leave
STARTUP = 30.0  # seconds a child may take to listen
MAX_BODY = 1024 * 1024  # a request body forwarded (Datasette's pages take none)
# hop-by-hop headers, and those the serving process writes itself
_DROPPED = {b"connection", b"keep-alive", b"transfer-encoding", b"te", b"upgrade",
            b"proxy-connection", b"date", b"server"}  # fmt: skip
Failure = Callable[[dict[str, Any], Any, Any, int], Awaitable[None]]


def sql_command(data: Path, path: Path) -> list[str]:
    return [sys.executable, "-m", "pipeline.web.sqlproc", str(data), str(path), str(os.getpid())]


class Child:
    """A process of `serve`'s: started, watched, started again, ended."""

    def __init__(self, command: Sequence[str], listens: Path | None = None,
                 pass_fds: Sequence[int] = ()) -> None:  # fmt: skip
        self.command, self.listens = list(command), listens
        self.pass_fds = tuple(pass_fds)
        self.proc: subprocess.Popen[bytes] | None = None
        self.started = 0.0

    def start(self) -> None:
        if self.listens is not None:
            self.listens.unlink(missing_ok=True)
        self.proc = subprocess.Popen(self.command, stdin=subprocess.DEVNULL,
                                     pass_fds=self.pass_fds)  # fmt: skip
        self.started = time.monotonic()

    def wait_listening(self) -> bool:
        """Wait until the child listens on its socket (a second or two of imports)."""
        deadline = self.started + STARTUP
        while self.running() and time.monotonic() < deadline:
            if self.listens is None or listening(self.listens):
                return True
            time.sleep(0.05)
        return False

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def mind(self) -> None:
        """Start it again if it ended (not more than once in two seconds)."""
        if not self.running() and time.monotonic() - self.started > 2.0:
            self.start()

    def stop(self) -> None:
        stop_all([self])

    def __enter__(self) -> Child:
        self.start()
        self.wait_listening()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        self.stop()


def stop_all(children: Sequence[Child]) -> None:
    """End the children, all at once: half a second of grace, then SIGKILL."""
    running = [c.proc for c in children if c.proc is not None and c.proc.poll() is None]
    for proc in running:
        proc.terminate()
    deadline = time.monotonic() + 0.5
    for proc in running:
        try:
            proc.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Forwarder:
    """Answers a request under `/data/` with what the SQL pages' process answers."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.client: httpx.AsyncClient | None = None

    def _client(self) -> httpx.AsyncClient:
        import httpx

        if self.client is None:
            transport = httpx.AsyncHTTPTransport(uds=str(self.path))
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
        """The child's answer, streamed; `failed(scope, receive, send, status)` answers
        when there is none (413: the body is too big; 503: no answer)."""
        import httpx

        body = await _body(receive)
        if body is None:
            await failed(scope, receive, send, 413)
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
        except httpx.TransportError:  # not running: `serve` starts it again
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


def listening(path: Path) -> bool:
    with socket.socket(socket.AF_UNIX) as probe:
        try:
            probe.connect(str(path))
        except OSError:
            return False
    return True


def as_child(parent: int) -> None:
    """What every child of `serve` does first: Ctrl-C is the parent's to handle (it ends
    its children), SIGTERM ends it at once (it writes nothing), and it ends when its
    `parent` (the pid it was given, not its parent now: that may be gone already) is
    gone, even killed."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def run_uvicorn(app: Any, **where: Any) -> None:
    """uvicorn without its signal handling (`as_child` has set it)."""
    import uvicorn

    sockets = where.pop("sockets", None)
    config = uvicorn.Config(app, log_level="warning", lifespan="on", **where)
    server = uvicorn.Server(config)
    server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign,assignment]
    server.run(sockets=sockets)


def main(data: str, path: str, parent: str) -> None:
    """The SQL pages' process: Datasette (with our hooks and bounds) on a Unix socket."""
    as_child(int(parent))
    from pipeline.errors import ConfigError
    from pipeline.web.app import asgi_app, make_datasette

    with contextlib.suppress(OSError):
        os.nice(NICE)
    try:
        ds = make_datasette(Path(data))
    except ConfigError as exc:  # the pages answer 503 for /data/ meanwhile
        print(f"jparchive: Datasette's pages (/data/) cannot start: {exc}", file=sys.stderr)
        sys.exit(2)
    run_uvicorn(asgi_app(ds), uds=path, timeout_graceful_shutdown=0)


if __name__ == "__main__":
    main(*sys.argv[1:4])
