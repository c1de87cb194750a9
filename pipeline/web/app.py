"""`jparchive serve`: Datasette over `DATA/jparchive.db`, with this package as its plugin.

    ds = make_datasette(Path("data"))      # a Datasette instance; ds.app() is the ASGI app
    serve_app(ds, Path("data"), "127.0.0.1", 8001)  # runs it with uvicorn until Ctrl-C

Datasette gives the table pages, facets, sorting, JSON and CSV export and the SQL page,
under `/data/`; the plugin adds the researchers' pages at the root (`pages`). The
database is opened immutable (read-only, no locks), SQL stops after about a second, and
nothing of Datasette that writes is turned on.
"""

from __future__ import annotations

import sys
from pathlib import Path

from datasette import handle_exception as datasette_errors
from datasette.app import Datasette
from datasette.plugins import pm

from pipeline.build.sqlite import DB_NAME
from pipeline.errors import ConfigError
from pipeline.web import hooks
from pipeline.web.capture import CaptureStore
from pipeline.web.metadata import metadata
from pipeline.web.pool import PagePool
from pipeline.web.searching import Facts

HERE = Path(__file__).resolve().parent
BASE_URL = "/data/"
SETTINGS = {
    "base_url": BASE_URL,
    "sql_time_limit_ms": 1000,  # the same spirit as `jparchive sql`: a query stops
    "facet_time_limit_ms": 500,
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
    ds._jparchive_captures = CaptureStore(data)
    ds._jparchive_facts = Facts()  # what the search filters and counts by, read once
    ds._jparchive_pool = PagePool(db)  # the researchers' pages' own threads
    return ds


def serve_app(ds: Datasette, data: Path, host: str, port: int) -> None:
    """Run the app until interrupted; prints where to open it."""
    import uvicorn

    url = f"http://{host}:{port}/"
    print(
        f"jparchive: serving {data / DB_NAME} at {url} (Datasette's pages: {url}data/)",
        file=sys.stderr,
        flush=True,
    )
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning")
