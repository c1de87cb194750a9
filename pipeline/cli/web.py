"""`jparchive serve`: the web app over the built tables."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.common import data_option, expected_errors, main


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
@click.option(
    "--workers",
    type=click.IntRange(1, 32),
    default=2,
    show_default=True,
    help="Processes serving the pages (Python runs one thread at a time in each: one "
    "per core). Datasette's pages under /data/ run in one more, at the lowest CPU "
    "priority, so that no query there slows the pages.",
)
@expected_errors
def serve(data: Path, host: str, port: int, workers: int) -> None:
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
    make_datasette(data)  # a missing database is a one-line error before listening
    serve_app(data, host, port, workers)
