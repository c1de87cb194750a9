"""`sql` and `search` can read the built tables and nothing else, write nothing, install
nothing; empty queries are usage errors; JSON is valid for every DuckDB type."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from pipeline.query import render, run_sql
from tests.conftest import JPARCHIVE, run_cli


@pytest.mark.parametrize(
    "query",
    [
        "COPY (SELECT 'x') TO '{parquet}/activities.parquet'",
        "COPY activities TO '/tmp/jparchive-leak.csv'",
        "SELECT * FROM read_text('/etc/passwd')",
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM glob('/root/*')",
        "SELECT * FROM read_parquet('{parquet}/activities.parquet')",
        "ATTACH '/tmp/jparchive-other.db' AS other",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SET enable_external_access = true",
        "EXPORT DATABASE '/tmp/jparchive-export'",
    ],
)
def test_sql_cannot_reach_outside_the_tables(archive: Path, query: str) -> None:
    parquet = (archive / "parquet").resolve()
    before = {p.name: p.read_bytes() for p in parquet.iterdir()}
    result = run_cli("sql", query.format(parquet=parquet), "--data", str(archive))
    assert result.returncode == 2, result.stdout
    assert result.stderr.startswith("Error: QueryError: sql: ") and result.stderr.count("\n") == 1
    assert {p.name: p.read_bytes() for p in parquet.iterdir()} == before
    assert not Path("/tmp/jparchive-leak.csv").exists()


@pytest.mark.parametrize("query", ["", " ", ";", " ;; ", "/* nothing */ ;", "\n;\n"])
def test_an_empty_query_is_a_usage_error(archive: Path, query: str) -> None:
    result = run_cli("sql", query, "--data", str(archive))
    assert result.returncode == 2
    assert result.stderr.startswith("Error: QueryError: sql: the query is empty")


def test_json_is_valid_for_every_duckdb_type(archive: Path) -> None:
    query = (
        "SELECT 1.5::DECIMAL(10,2) AS d, 12345678901234567890.123::DECIMAL(38,3) AS big, "
        "INTERVAL 1 DAY + INTERVAL 90 MINUTE AS i, '\\x00\\xff'::BLOB AS b, "
        "'4ac7a9e9-607c-4c8a-84f3-843f0191e3fd'::UUID AS u, TIME '10:30:00' AS t, "
        "'nan'::DOUBLE AS n, 'inf'::DOUBLE AS inf, [1, 2] AS l, {'a': DATE '2007-03-19'} AS s, "
        "TIMESTAMPTZ '2007-03-19 10:00:00+00' AS ts, NULL AS nothing"
    )
    result = run_sql(archive, query)
    [row] = json.loads(render(result, "json"))
    assert row["d"] == 1.5 and row["big"] == "12345678901234567890.123"
    assert row["i"] == "P1DT1H30M0S" and row["u"] == "4ac7a9e9-607c-4c8a-84f3-843f0191e3fd"
    assert row["t"] == "10:30:00" and row["n"] is None and row["inf"] is None
    assert row["l"] == [1, 2] and row["s"] == {"a": "2007-03-19"} and row["nothing"] is None
    assert isinstance(row["b"], str) and row["ts"].startswith("2007-03-19T10:00:00")
    lines = render(result, "jsonl").splitlines()
    assert [json.loads(line) for line in lines] == [row]


def test_a_query_from_a_file_or_standard_input(archive: Path, tmp_path: Path) -> None:
    query = "SELECT COUNT(*) AS n FROM activities"
    (tmp_path / "q.sql").write_text(query)
    from_file = run_cli("sql", "--file", str(tmp_path / "q.sql"), "--data", str(archive),
                        "--format", "jsonl")  # fmt: skip
    piped = subprocess.run([str(JPARCHIVE), "sql", "-", "--data", str(archive), "--format",
                            "jsonl"], input=query, capture_output=True, text=True)  # fmt: skip
    assert from_file.stdout == piped.stdout == '{"n": 41}\n'
    both = run_cli("sql", query, "--file", str(tmp_path / "q.sql"), "--data", str(archive))
    assert (both.returncode, both.stderr) == (
        2,
        "Error: ConfigError: sql: give the query or --file, not both\n",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2009", "--to", "2007"], "search: --from 2009 is after --to 2007; swap them"),
        (["--country", "QQ"], "search: --country 'QQ' is no ISO 3166-1 alpha-2 code"),
        (["--country", "Serbia"], "search: --country 'Serbia' is no ISO 3166-1 alpha-2 code"),
    ],
)
def test_search_refuses_reversed_years_and_unknown_countries(
    archive: Path, args: list[str], message: str
) -> None:
    result = run_cli("search", "cybercrime", *args, "--data", str(archive))
    assert result.returncode == 2 and result.stderr.startswith(f"Error: ConfigError: {message}")


def test_search_takes_the_historic_codes(archive: Path) -> None:
    result = run_cli("search", "cybercrime", "--country", "xk", "--data", str(archive))
    assert result.returncode == 0, result.stderr


def test_a_query_of_comments_alone_is_empty_too(archive: Path) -> None:
    from pipeline.query import QueryError

    with pytest.raises(QueryError, match="the query is empty"):
        run_sql(archive, "-- nothing here\n;")
