"""Read the built tables back: `load("data")` → {table name: pandas DataFrame}.

Dictionary-encoded codes come back as pandas categories, `date32` columns as
`datetime.date` objects, capture times as UTC timestamps.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from pipeline.build.schemas import TABLES
from pipeline.errors import ConfigError


def parquet_dir(data: str | Path) -> Path:
    path = Path(data) / "parquet"
    if not (path / "activities.parquet").exists():
        raise ConfigError(f"no tables in {path}: run `jparchive build --data {data}` first")
    missing = [name for name in TABLES if not (path / f"{name}.parquet").exists()]
    if missing:
        raise ConfigError(
            f"the tables in {path} were built by an older jparchive (no {missing[0]}.parquet): "
            f"run `jparchive build --data {data}` again"
        )
    return path


def load_tables(data: str | Path = "data") -> dict[str, pd.DataFrame]:
    """Every table of the dataset under `data`, as DataFrames with real dtypes."""
    root = parquet_dir(data)
    return {name: pq.read_table(root / f"{name}.parquet").to_pandas() for name in TABLES}
