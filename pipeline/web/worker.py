"""A worker of `jparchive serve`: the researchers' pages, served on the listening socket
its parent opened (every worker accepts on it; the kernel hands each connection to
one), with `/data/` forwarded to the SQL pages' process (`sqlproc`). Python runs one
thread at a time in a process, so one worker a core lets the pages use every core.

    python -m pipeline.web.worker DATA SQL_SOCKET FD PARENT_PID

It imports the web app; only `serve` starts it.
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

from pipeline.web.sqlproc import Forwarder, as_child, run_uvicorn


def command(data: Path, sql_socket: Path, fd: int) -> list[str]:
    return [sys.executable, "-m", "pipeline.web.worker", str(data), str(sql_socket), str(fd),
            str(os.getpid())]  # fmt: skip


def main(data: str, sql_socket: str, fd: str, parent: str) -> None:
    as_child(int(parent))  # before the imports (a second or two): a Ctrl-C meanwhile
    from pipeline.web.app import asgi_app, make_datasette

    ds = make_datasette(Path(data))
    listener = socket.socket(fileno=int(fd))
    run_uvicorn(asgi_app(ds, Forwarder(Path(sql_socket))), sockets=[listener])


if __name__ == "__main__":
    main(*sys.argv[1:5])
