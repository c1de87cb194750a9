"""`jparchive serve`: the web app over the built tables."""

from __future__ import annotations

import socket
from pathlib import Path

import click

from pipeline.cli.common import data_option, expected_errors, main
from pipeline.errors import ConfigError


@main.command()
@data_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Only this machine can reach the default; give 0.0.0.0 to "
    "let others on your network in (the app is read-only either way).",
)
@click.option("--port", type=click.IntRange(1, 65535), default=8001, show_default=True)
@expected_errors
def serve(data: Path, host: str, port: int) -> None:
    """Browse, search and cite the archive in a web browser (Datasette and our pages).

    Pages: / (what the archive holds, a search box), /search?q=&country=&programme=&from=&to=,
    /activity/<id> (the record, its provenance, its documents, the archived page as it
    looked), /capture/<id> (the archived bytes, with no script and no outside request),
    /replay/<time>/<url> (a page with its archived stylesheets and images),
    /document/<id> (a document's archived bytes, as a download), /programme/<code>,
    /country/<code>; Datasette's tables, facets, CSV/JSON export and SQL page under
    /data/. Read-only: the database is opened immutable and SQL stops after a second.
    Reads DATA/jparchive.db, which `jparchive build` writes.

    \b
    Example:
      jparchive serve --data data        # then open http://127.0.0.1:8001/
    """
    from pipeline import stopping
    from pipeline.web.app import make_datasette, serve_app

    stopping.on_stop_say("the web app stopped (it writes nothing: there is nothing to resume)")
    ds = make_datasette(data)  # a missing database is a one-line error before listening
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        raise ConfigError(f"serve: cannot listen on {host}:{port}: {exc.strerror}") from exc
    serve_app(ds, data, host, port)
