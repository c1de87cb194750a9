"""DuckDB SQL over the built tables (each a view of its name), and results rendered.

>>> result = run_sql("data", "SELECT COUNT(*) AS n FROM activities")
>>> result.rows
[(41,)]
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from pipeline.build.schemas import TABLES
from pipeline.errors import ConfigError
from pipeline.query.tables import parquet_dir


class QueryError(ConfigError):
    """The SQL could not run (a mistake in the query: exit code 2)."""


@dataclass(frozen=True, slots=True)
class Result:
    columns: list[str]
    rows: list[tuple[Any, ...]]


def connect(data: str | Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with one view per table of the dataset under `data`."""
    root = parquet_dir(data)
    con = duckdb.connect()
    for name in TABLES:
        path = str((root / f"{name}.parquet").resolve()).replace("'", "''")
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')")
    return con


def run_sql(data: str | Path, query: str, params: list[Any] | None = None) -> Result:
    with connect(data) as con:
        try:
            cursor = con.execute(query, params or [])
        except duckdb.Error as exc:
            first_line = str(exc).strip().splitlines()[0]
            raise QueryError(f"sql: {first_line}") from exc
        columns = [d[0] for d in cursor.description or []]
        return Result(columns, cursor.fetchall())


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def render(result: Result, fmt: str) -> str:
    """The result as an aligned text table, CSV or JSON (a list of objects)."""
    if fmt == "json":
        records = [
            {c: _plain(v) for c, v in zip(result.columns, row, strict=True)} for row in result.rows
        ]
        return json.dumps(records, ensure_ascii=False, indent=1)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows([[_plain(v) for v in row] for row in result.rows])
        return out.getvalue().rstrip("\n")
    cells = [[("" if v is None else str(_plain(v))) for v in row] for row in result.rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(result.columns)]

    def line(values: list[str]) -> str:
        return "  ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()

    body = [line(result.columns), line(["-" * w for w in widths]), *(line(r) for r in cells)]
    return "\n".join([*body, f"({len(cells)} rows)"])
