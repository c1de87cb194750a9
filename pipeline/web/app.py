"""`jparchive serve`: Datasette over `DATA/jparchive.db`, with this package as its plugin.

    ds = make_datasette(Path("data"))      # a Datasette instance; asgi_app(ds) serves it
    serve_app(Path("data"), "127.0.0.1", 8001)  # worker processes, until Ctrl-C

Datasette gives the table pages, facets, sorting, JSON and CSV export and the SQL page,
under `/data/`; the plugin adds the researchers' pages at the root (`pages`). The
database is opened immutable (read-only, no locks), SQL stops after about a second, and
nothing of Datasette that writes is turned on. `serve_app` runs our pages in worker
processes (`worker`) and Datasette's in a process of their own (`sqlproc`), so that no
query there slows ours.
"""

from __future__ import annotations

import os
import socket
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from datasette import handle_exception as datasette_errors
from datasette.app import Datasette
from datasette.database import Database
from datasette.plugins import pm

from pipeline.build.sqlite import DB_NAME
from pipeline.errors import ConfigError
from pipeline.web import hooks
from pipeline.web.access import patch_templates
from pipeline.web.capture import CaptureStore
from pipeline.web.metadata import DATABASE, metadata
from pipeline.web.pool import PagePool
from pipeline.web.searching import Facts
from pipeline.web.sqlproc import Child, Forwarder, sql_command, stop_all

HERE = Path(__file__).resolve().parent
BASE_URL = "/data/"
SETTINGS = {
    "base_url": BASE_URL,
    "sql_time_limit_ms": 1000,  # the same spirit as `jparchive sql`: a query stops
    "facet_time_limit_ms": 500,
    "num_sql_threads": 2,  # the SQL page's: at most two queries at once; ours are apart
    "default_page_size": 50,
    "max_returned_rows": 5000,
    "allow_download": True,  # the whole database file: it is the public dataset
    "suggest_facets": False,
}


def make_datasette(data: Path) -> Datasette:
    """Datasette over `data/jparchive.db` with our pages; the file must exist (built)."""
    db = data / DB_NAME
    if not db.exists():
        raise ConfigError(
            f"no {db}: run `jparchive build --data {data}` first (it writes the web app's copy)"
        )
    if not pm.is_registered(hooks):
        pm.register(hooks, name="jparchive")
    # Datasette's default handler prints every exception, a 404 included, with all its
    # local variables when `rich` is installed; a 500 still prints its traceback.
    datasette_errors.rich = None
    ds = Datasette(
        immutables=[str(db.resolve())],
        metadata=metadata(str(data)),
        settings=SETTINGS,
        template_dir=str(HERE / "templates"),
        static_mounts=[("jparchive-static", str(HERE / "static"))],
    )
    patch_templates(ds.jinja_env)  # Datasette's pages: html lang, named filter controls
    ds._jparchive_captures = CaptureStore(data)
    ds._jparchive_facts = Facts()  # what the search filters and counts by, read once
    ds._jparchive_pool = PagePool(db)  # the researchers' pages' own threads
    ds._jparchive_db = db
    ds._jparchive_target = db.resolve()
    return ds


def follow_rebuilds(ds: Datasette) -> None:
    """After a rebuild while serving (`DATA/jparchive.db` now names the new build's
    copy, the old one deleted), serve the new one: Datasette's database and what the
    search reads once are replaced; the pages' own connections reopen by themselves."""
    target = ds._jparchive_db.resolve()
    if target == ds._jparchive_target or not target.exists():
        return
    ds.remove_database(DATABASE)
    ds.add_database(Database(ds, path=str(target), is_mutable=False), name=DATABASE)
    ds._jparchive_facts = Facts()
    ds._jparchive_target = target


_DOUBLED = (BASE_URL + BASE_URL.strip("/") + "/").encode()  # b"/data/data/"
_REWRITTEN = (b"text/html", b"application/json")
# Datasette's introspection pages (/-/threads, /-/messages, /-/allow-debug,
# /-/databases.json with the database's absolute path, ...): none is for the public;
# its static files stay
_DEBUG, _STATIC = BASE_URL + "-/", BASE_URL + "-/static"
ASGI = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


async def _lifespan(ds: Datasette, receive: Any, send: Any, sql: Forwarder | None) -> None:
    """Start-up is Datasette's (its plugins' start-up hooks) and, in a process of our
    pages, reading what the search needs; shut-down closes the connections to `sql`."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await ds.invoke_startup()
            if sql is not None:  # a process of our pages: the search's arrays read now,
                # before it takes a request (a second at 30,000 activities)
                await ds._jparchive_pool.run(ds._jparchive_facts.load)
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            if sql is not None:
                await sql.aclose()
            await send({"type": "lifespan.shutdown.complete"})
            return


def asgi_app(ds: Datasette, sql: Forwarder | None = None) -> ASGI:
    """`ds.app()`; with `sql` (a Forwarder to the SQL pages' process), the pages under
    `/data/` are answered by Datasette in its own process (pipeline.web.sqlproc). And with the links
    Datasette 0.65 writes on its own pages under a `base_url` made right: it writes
    `/data/data/jparchive/...` for its sort, facet, JSON and CSV links (the prefix
    twice); the pages it answers under `/data/` have those links put back to
    `/data/...` (HTML and JSON only, whose bodies it sends whole; a CSV holds no
    links)."""
    inner = ds.app()

    async def failed(scope: dict[str, Any], receive: Any, send: Any, status: int) -> None:
        """The page of a /data/ request the SQL pages' process could not answer."""
        path = f"/-/jparchive-failed/{status}"
        await inner({**scope, "path": path, "raw_path": path.encode(), "query_string": b""},
                    receive, send)  # fmt: skip

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(ds, receive, send, sql)
            return
        if scope["type"] == "http":
            follow_rebuilds(ds)
        if scope["type"] != "http" or not scope["path"].startswith(BASE_URL):
            await inner(scope, receive, send)
            return
        if sql is not None:
            await sql.forward(scope, receive, send, failed)
            return
        if scope["path"].startswith(_DEBUG) and not scope["path"].startswith(_STATIC):
            scope = {**scope, "path": "/-/jparchive-not-here", "raw_path": b"/-/jparchive-not-here",
                     "query_string": b""}  # fmt: skip
        start: dict[str, Any] | None = None
        parts: list[bytes] = []

        async def rewrite(message: dict[str, Any]) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                kind = dict(message.get("headers", ())).get(b"content-type", b"")
                if kind.startswith(_REWRITTEN):
                    start = message
                    return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            parts.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(parts).replace(_DOUBLED, BASE_URL.encode())
            headers = [(k, str(len(body)).encode() if k.lower() == b"content-length" else v)
                       for k, v in start.get("headers", ())]  # fmt: skip
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await inner(scope, receive, rewrite)

    return app


def serve_app(data: Path, host: str, port: int, workers: int = 2) -> None:
    """Serve until interrupted: `workers` processes of the researchers' pages on one
    listening socket, and Datasette's pages in a process of their own (sqlproc); a
    process that ends is started again. Prints where to open it."""
    from pipeline.web import worker

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        listener = socket.create_server((host, port), family=family, backlog=1024)
    except OSError as exc:  # the address is taken, or not this machine's
        why = os.strerror(exc.errno) if exc.errno else str(exc)  # not the bind's long echo
        raise ConfigError(f"serve: cannot listen on {host}:{port}: {why}") from exc
    with listener, tempfile.TemporaryDirectory(prefix="jparchive-serve-") as folder:
        path = Path(folder) / "datasette.sock"
        fd = listener.fileno()
        children = [Child(sql_command(data, path), listens=path)]
        children += [Child(worker.command(data, path, fd), pass_fds=[fd]) for _ in range(workers)]
        try:
            for child in children:
                child.start()
            url = f"http://{host}:{port}/"
            said = f"(Datasette's pages: {url}data/; {workers} worker processes)"
            print(f"jparchive: serving {data / DB_NAME} at {url} {said}", file=sys.stderr,
                  flush=True)  # fmt: skip
            while True:  # a signal ends it (pipeline.stopping), and the children with it
                for child in children:
                    child.mind()
                time.sleep(0.2)
        finally:
            stop_all(children)
