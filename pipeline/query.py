"""Questions to the built tables: DuckDB SQL over them as views, and a text search.

    >>> result = run_sql("data", "SELECT COUNT(*) AS n FROM activities")
    >>> result.rows
    [(41,)]

`search` binds every value the user gives as a parameter; nothing typed is pasted into
SQL. A term matches when it occurs (case-insensitively) in the title, description,
objectives, results or follow-up; several terms must all match.
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

from pipeline.errors import ConfigError
from pipeline.schemas import TABLES
from pipeline.tables import parquet_dir

TEXT_COLUMNS = ("title", "description", "objectives", "results", "follow_up")


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


def search_sql(
    terms: list[str],
    country: str | None,
    programme: str | None,
    year_from: int | None,
    year_to: int | None,
    limit: int,
) -> tuple[str, list[Any]]:
    """The search's SQL and its bound parameters (the SQL holds no user text)."""
    if not any(t.strip() for t in terms):
        raise ConfigError("search: give at least one word to look for")
    where: list[str] = []
    params: list[Any] = []
    for term in (t for t in terms if t.strip()):
        ors = " OR ".join(f"strpos(lower(coalesce(a.{c}, '')), lower(?)) > 0" for c in TEXT_COLUMNS)
        where.append(f"({ors})")
        params += [term] * len(TEXT_COLUMNS)
    if country:
        where.append(
            "EXISTS (SELECT 1 FROM activity_countries c "
            "WHERE c.activity_id = a.activity_id AND c.country_code = ?)"
        )
        params.append(country.upper())
    if programme:
        where.append("lower(a.programme_code) = lower(?)")
        params.append(programme)
    if year_from is not None:
        where.append("year(coalesce(a.end_date, a.start_date)) >= ?")
        params.append(year_from)
    if year_to is not None:
        where.append("year(coalesce(a.start_date, a.end_date)) <= ?")
        params.append(year_to)
    sql = (
        "SELECT a.activity_id, a.start_date, a.end_date, a.programme_code, a.location, a.title "
        f"FROM activities a WHERE {' AND '.join(where)} "
        "ORDER BY a.start_date NULLS LAST, a.activity_id LIMIT ?"
    )
    return sql, [*params, limit]


def search(
    data: str | Path,
    terms: list[str],
    *,
    country: str | None = None,
    programme: str | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    limit: int = 100,
) -> Result:
    """Activities whose texts contain every term, filtered by country, programme, years."""
    sql, params = search_sql(terms, country, programme, year_from, year_to, limit)
    return run_sql(data, sql, params)


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
