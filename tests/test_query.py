"""`jparchive sql` and `search` over a built dataset, and several captures of one page."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.archive import Exchange, WarcStore
from pipeline.archive.index import Index
from pipeline.build import BuildConfig, build
from pipeline.fixtures.render import render_missing
from tests.conftest import run_cli
from tests.servers import activity_page


def test_search_example_from_the_help(archive: Path) -> None:
    result = run_cli(
        "search",
        "cybercrime",
        "--country",
        "RS",
        "--from",
        "2007",
        "--to",
        "2007",
        "--data",
        str(archive),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[2:] == [
        "18356        2007-03-19  2007-03-21  PACO-Serbia     Belgrade, Serbia  Regional Conference on Cybercrime             page",
        "18420        2007-10-04  2007-10-04  PACO-Serbia     Belgrade, Serbia  Workshop on cybercrime legislation in Serbia  page",
        "(2 rows)",
    ]


def test_a_search_cut_by_its_limit_says_how_many_matched(archive: Path) -> None:
    every = run_cli("search", "cybercrime", "--limit", "1000", "--data", str(archive))
    total = int(every.stdout.splitlines()[-1].strip("()").split()[0])
    assert total > 3
    cut = run_cli("search", "cybercrime", "--limit", "2", "--data", str(archive))
    assert cut.stdout.splitlines()[-1] == f"(2 of {total} matches; --limit N shows more)"
    as_csv = run_cli(
        "search", "cybercrime", "--limit", "2", "--format", "csv", "--data", str(archive)
    )
    assert len(as_csv.stdout.splitlines()) == 3  # the header and two rows: the data stays clean
    assert as_csv.stderr == f"search: 2 of {total} matches; --limit N shows more\n"


def test_sql_formats(archive: Path) -> None:
    query = "SELECT activity_id, start_date, programme_code FROM activities WHERE activity_id IN (18356, 42827) ORDER BY 1"
    as_json = run_cli("sql", query, "--format", "json", "--data", str(archive))
    assert json.loads(as_json.stdout) == [
        {"activity_id": 18356, "start_date": "2007-03-19", "programme_code": "PACO-Serbia"},
        {"activity_id": 42827, "start_date": "2017-05-01", "programme_code": "Tur-JudEthics"},
    ]
    as_csv = run_cli("sql", query, "--format", "csv", "--data", str(archive))
    assert (
        as_csv.stdout
        == "activity_id,start_date,programme_code\n18356,2007-03-19,PACO-Serbia\n42827,2017-05-01,Tur-JudEthics\n"
    )


def test_researcher_question_experts_on_cybercrime_in_serbia_2007(archive: Path) -> None:
    query = (
        "SELECT a.activity_id, string_agg(p.name, ', ' ORDER BY p.name) AS experts FROM activities a "
        "LEFT JOIN activity_people p ON p.activity_id = a.activity_id AND p.role = 'expert' "
        "WHERE a.activity_id IN (SELECT activity_id FROM activity_countries WHERE country_code = 'RS') "
        "AND year(a.start_date) = 2007 AND a.title ILIKE '%cybercrime%' GROUP BY ALL ORDER BY 1"
    )
    result = run_cli("sql", query, "--format", "json", "--data", str(archive))
    assert json.loads(result.stdout) == [
        {"activity_id": 18356, "experts": "C. Schulman, H. Lamb, I. Albani, M. Gercke, V. Stanca"},
        {"activity_id": 18420, "experts": "M. Gercke, Z. Zlatković"},
    ]


@pytest.mark.parametrize("text", ["'; DROP VIEW activities; --", "%", "_"])
def test_search_text_is_bound_not_pasted(archive: Path, text: str) -> None:
    result = run_cli("search", text, "--data", str(archive), "--format", "json")
    assert result.returncode == 0 and json.loads(result.stdout) == []
    assert (
        run_cli("sql", "SELECT COUNT(*) AS n FROM activities", "--data", str(archive)).returncode
        == 0
    )


def test_search_filters_by_programme_and_years(archive: Path) -> None:
    result = run_cli(
        "search", "training", "--programme", "ukr-tejsu", "--format", "json", "--data", str(archive)
    )
    assert [r["activity_id"] for r in json.loads(result.stdout)] == [31005]
    later = run_cli(
        "search", "conference", "--from", "2016", "--format", "json", "--data", str(archive)
    )
    assert [r["activity_id"] for r in json.loads(later.stdout)] == [43011]


def test_query_errors_are_one_line(archive: Path, tmp_path: Path) -> None:
    bad = run_cli("sql", "SELEC 1", "--data", str(archive))
    assert (bad.returncode, bad.stderr) == (
        2,
        'Error: QueryError: sql: Parser Error: syntax error at or near "SELEC"\n',
    )
    empty = run_cli("search", " ", "--data", str(archive))
    assert (empty.returncode, empty.stderr) == (
        2,
        "Error: ConfigError: search: give at least one word to look for "
        "(or --treaty N, or --person NAME)\n",
    )
    none = run_cli("sql", "SELECT 1", "--data", str(tmp_path))
    assert (none.returncode, none.stderr) == (
        2,
        f"Error: ConfigError: no tables in {tmp_path / 'parquet'}: run `jparchive build --data {tmp_path}` first\n",
    )


def test_latest_capture_that_parses_wins_and_captures_keep_all(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    url = "http://www.jp.coe.int/CEAD/Countries.asp?ID={}&ActSyn=True"

    def exchange(aid: int, body: bytes, year: int) -> Exchange:
        return Exchange(
            url=url.format(aid),
            status=200,
            reason="OK",
            response_headers=[("Content-Type", "text/html")],
            body=body,
            fetched_at=datetime(year, 1, 1, tzinfo=UTC),
        )

    old5 = activity_page(5).replace(b"</html>", b"<!-- 2015 -->\n</html>")
    with Index(raw / "index.sqlite3") as index, WarcStore(raw, index, {}) as store:
        store.write(exchange(5, old5, 2015), activity_id=5, kind="activity")
        store.write(exchange(5, activity_page(5), 2019), activity_id=5, kind="activity")
        store.write(exchange(6, activity_page(6), 2015), activity_id=6, kind="activity")
        store.write(
            exchange(6, render_missing(6), 2020), activity_id=6, kind="activity"
        )  # emptied later
    report = build(BuildConfig(data=tmp_path, progress=False))
    assert report.activities == 2
    rows = {
        r["activity_id"]: r
        for r in pq.read_table(tmp_path / "parquet" / "activities.parquet").to_pylist()
    }
    assert rows[5]["captured_at"].year == 2019
    assert (
        rows[6]["captured_at"].year == 2015
    )  # the 2020 capture holds no fields: the 2015 one stands
    captures = pq.read_table(tmp_path / "parquet" / "captures.parquet").to_pylist()
    assert sorted((c["activity_id"], c["captured_at"].year) for c in captures) == [
        (5, 2015),
        (5, 2019),
        (6, 2015),
        (6, 2020),
    ]
