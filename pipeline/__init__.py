"""jparchive's I/O side, in the order of the work (docs/architecture.md draws it):

    sources/  where pages come from (site, wayback, warcfile), each a `Source`
    fetch/    polite HTTP: the policy, its pure decisions, the fetcher
    harvest/  the job: a source's items taken by a few workers into the archive, a report
    archive/  WARC files and the SQLite index that is also the crawl state
    build/    the archive parsed (with `parsers`) into Parquet tables and a data package
    query/    SQL, search and DataFrames over the built tables
    cli/      the `jparchive` command: flags → config → one call → exit code

Imports go down that list's dependencies only: sources and harvest may use fetch and
archive; build reads archive; query reads only the built tables; nothing imports cli.
Shared by all: `errors`, `urls` (the site's URL scheme), `progress`, `reports`.

>>> from pipeline import load
>>> tables = load("data")          # every Parquet table as a pandas DataFrame
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from pathlib import Path


def load(data: str | Path = "data") -> Any:
    """Every table under `data/parquet/` as pandas DataFrames (see `pipeline.query.tables`)."""
    from pipeline.query.tables import load_tables

    return load_tables(data)
