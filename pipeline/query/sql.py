"""DuckDB SQL over the built tables (each a table of its name), read-only, and results
rendered.

>>> result = run_sql("data", "SELECT COUNT(*) AS n FROM activities")
>>> result.rows
[(41,)]

A query sees the built tables and nothing else. They are read into an in-memory
database; then file access is switched off (no `COPY ... TO`, `read_text`, `glob`,
`ATTACH`, `INSTALL` or `LOAD`: a query that tries gets a one-line error) and the
configuration is locked, so no query can switch it back on. Nothing a query does reaches
the disk or the network.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import math
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from pipeline.build.schemas import TABLES
from pipeline.errors import ConfigError
from pipeline.query.tables import parquet_dir

# Comments and semicolons: a query made only of these is no query.
_NOTHING = re.compile(r"(?:\s|;|--[^\n]*(?:\n|$)|/\*.*?\*/)*", re.S)


class QueryError(ConfigError):
    """The SQL could not run (a mistake in the query, or one that reaches outside the
    tables: exit code 2)."""


@dataclass(frozen=True, slots=True)
class Result:
    columns: list[str]
    rows: list[tuple[Any, ...]]
    total: int | None = None  # rows that matched, when `rows` holds only the first of them

    @property
    def cut(self) -> str | None:
        """ "100 of 2,990 matches" when the rows are not all that matched."""
        if self.total is None or self.total <= len(self.rows):
            return None
        return f"{len(self.rows):,} of {self.total:,} matches"


def connect(data: str | Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB holding the dataset under `data`, sealed (see above)."""
    root = parquet_dir(data)
    con = duckdb.connect(
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    for name, schema in TABLES.items():
        file = root / f"{name}.parquet"
        if not file.exists():  # a table newer than the build: empty until the next build
            empty = pa.Table.from_pylist([], schema=schema)  # noqa: F841 (DuckDB reads it by name)
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM empty")
            continue
        path = str(file.resolve()).replace("'", "''")
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_parquet('{path}')")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def run_sql(data: str | Path, query: str, params: list[Any] | None = None) -> Result:
    if _NOTHING.fullmatch(query):
        raise QueryError("sql: the query is empty; give one, e.g. SELECT COUNT(*) FROM activities")
    with connect(data) as con:
        try:
            cursor = con.execute(query, params or [])
            columns = [d[0] for d in cursor.description or []]
            rows = cursor.fetchall() if cursor.description else []
        except duckdb.Error as exc:
            first_line = str(exc).strip().splitlines()[0]
            raise QueryError(f"sql: {first_line}") from exc
        return Result(columns, rows)


def _plain(value: Any) -> Any:
    """A value as JSON can hold it: every DuckDB type has a form, NaN and infinities
    (which JSON lacks) are null."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        exact = value.is_finite() and Decimal(repr(float(value))) == value
        return float(value) if exact else (str(value) if value.is_finite() else None)
    if isinstance(value, timedelta):
        return _duration(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def _duration(value: timedelta) -> str:
    """An ISO 8601 duration: P1DT2H3M4.5S."""
    sign = "-" if value < timedelta(0) else ""
    value = abs(value)
    seconds = value.seconds + value.microseconds / 1e6
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}P{value.days}DT{int(hours)}H{int(minutes)}M{secs:g}S"


def _cell(value: Any) -> Any:
    """A value for a text table or CSV: dates as ISO 8601, the rest as Python writes it."""
    return value.isoformat() if isinstance(value, date | datetime | time) else value


def render(result: Result, fmt: str) -> str:
    """The result as an aligned text table, CSV, JSON (a list of objects) or JSON Lines
    (one object a line). JSON is valid for every DuckDB type (see `_plain`)."""
    if fmt in ("json", "jsonl"):
        records = [
            {c: _plain(v) for c, v in zip(result.columns, row, strict=True)} for row in result.rows
        ]
        if fmt == "jsonl":
            return "\n".join(json.dumps(r, ensure_ascii=False, allow_nan=False) for r in records)
        return json.dumps(records, ensure_ascii=False, indent=1, allow_nan=False)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows([[_cell(v) for v in row] for row in result.rows])
        return out.getvalue().rstrip("\n")
    cells = [[("" if v is None else str(_cell(v))) for v in row] for row in result.rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(result.columns)]

    def line(values: list[str]) -> str:
        return "  ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()

    body = [line(result.columns), line(["-" * w for w in widths]), *(line(r) for r in cells)]
    count = f"({result.cut}; --limit N shows more)" if result.cut else f"({len(cells)} rows)"
    return "\n".join([*body, count])
