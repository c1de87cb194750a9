"""jparchive's I/O side: fetching, the WARC archive and its index, the build, the CLI.

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
