"""The thin pipeline through the real CLI: harvest the fixture server, build, read back."""

from __future__ import annotations

import re
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.fixtures.server import SITE, FixtureServer
from pipeline.fixtures.spec import ACTIVITIES, MISSING_ID
from tests.conftest import JPARCHIVE, run_cli
from tests.warcs import read_all, responses


@pytest.fixture(scope="module")
def harvested(tmp_path_factory: pytest.TempPathFactory, fixture_server: FixtureServer) -> Path:
    data = tmp_path_factory.mktemp("e2e") / "data"
    result = run_cli(
        "harvest",
        "--base-url",
        fixture_server.url,
        "--ids",
        f"@{SITE / 'ids.txt'}",
        "--rate",
        "100",
        "--concurrency",
        "4",
        "--data",
        str(data),
        "--no-progress",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # each ID under both its URLs (the variants): with the synopsis and as listings link it
    assert f"{2 * (len(ACTIVITIES) + 1)} done, 0 failed" in result.stdout
    result = run_cli("build", "--data", str(data), "--no-progress")
    assert result.returncode == 0, result.stderr
    assert f"{len(ACTIVITIES)} activities, 1 non-activity page" in result.stdout
    return data


def test_activities_parquet_has_one_row_per_fixture_activity(harvested: Path) -> None:
    table = pq.read_table(harvested / "parquet" / "activities.parquet")
    ids = table.column("activity_id").to_pylist()
    assert ids == sorted(a.record.activity_id or 0 for a in ACTIVITIES)
    assert MISSING_ID not in ids


def test_activities_columns_have_real_types(harvested: Path) -> None:
    schema = pq.read_schema(harvested / "parquet" / "activities.parquet")
    assert schema.field("activity_id").type == pa.int64()
    assert schema.field("start_date").type == pa.date32()
    assert schema.field("end_date").type == pa.date32()
    assert pa.types.is_dictionary(schema.field("programme_code").type)
    for name in ("title", "status", "location", "source_url"):
        assert name in schema.names


def test_rows_match_the_fixture_records(harvested: Path) -> None:
    rows = {
        r["activity_id"]: r
        for r in pq.read_table(harvested / "parquet" / "activities.parquet").to_pylist()
    }
    for spec in ACTIVITIES:
        row, record = rows[spec.record.activity_id], spec.record
        assert (
            row["title"],
            row["status"],
            row["start_date"],
            row["end_date"],
            row["location"],
            row["programme_code"],
        ) == (
            record.title,
            record.status,
            record.start_date,
            record.end_date,
            record.location,
            record.programme_code,
        )
        assert row["source_url"].endswith(
            f"/CEAD/Countries.asp?ID={record.activity_id}&ActSyn=True"
        )


def test_every_warc_reads_back_with_right_digests(harvested: Path) -> None:
    records = read_all(harvested / "raw")
    assert len(responses(records, "Countries.asp")) == 2 * (len(ACTIVITIES) + 1)


def test_rerun_fetches_nothing_new(harvested: Path, fixture_server: FixtureServer) -> None:
    result = run_cli(
        "harvest",
        "--base-url",
        fixture_server.url,
        "--ids",
        "18356",
        "--rate",
        "100",
        "--data",
        str(harvested),
        "--no-progress",
    )
    assert result.returncode == 0
    assert "0 requests" in result.stdout  # the activity is done already: not even robots.txt


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["harvest", "--ids", "5-1"],
            "Error: ConfigError: --ids: range '5-1' runs backwards; write 1-5\n",
        ),
        (
            ["harvest", "--ids", "abc"],
            "Error: ConfigError: --ids: 'abc' is not an ID, a range like 15000-15100 or @file\n",
        ),
        (["harvest"], "Error: ConfigError: nothing to harvest: give --ids SPEC or --discover\n"),
        (
            ["harvest", "--ids", "1", "--rate", "-1"],
            "Error: ConfigError: fetch policy: rate=-1.0 must be 0 (no limit) or more requests per second\n",
        ),
        (
            ["harvest", "--ids", "1", "--base-url", "ftp://x"],
            "Error: ConfigError: --base-url 'ftp://x' is not an http(s) URL with a host\n",
        ),
        (
            ["harvest", "--ids", "@/no/such/file"],
            "Error: ConfigError: --ids: cannot read /no/such/file: No such file or directory\n",
        ),
    ],
)
def test_bad_flags_give_one_line_errors_and_exit_2(
    tmp_path: Path, args: list[str], message: str
) -> None:
    result = run_cli(*args, "--data", str(tmp_path / "data"))
    assert (result.returncode, result.stderr) == (2, message)
    assert not (tmp_path / "data" / "raw").exists()


def test_build_without_archive_says_what_to_do(tmp_path: Path) -> None:
    result = run_cli("build", "--data", str(tmp_path))
    assert result.returncode == 2  # a configuration error, as for `sql` on a missing dataset
    assert result.stderr == (
        f"Error: ConfigError: no archive at {tmp_path / 'raw'}: run `jparchive harvest --data {tmp_path}` first\n"
    )


def test_help_explains_every_command_with_an_example() -> None:
    for command in ("harvest", "build", "parse", "serve-fixtures"):
        result = run_cli(command, "--help")
        assert result.returncode == 0
        assert "Example" in result.stdout, command
    for args in (["--help"], ["harvest", "--help"]):
        assert (
            "3  stopped by rate limiting; rerun the same command to resume" in run_cli(*args).stdout
        )


def test_serve_fixtures_serves_the_site_until_stopped() -> None:
    proc = subprocess.Popen(
        [str(JPARCHIVE), "serve-fixtures", "--port", "0"], stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        m = re.match(
            r"serving the fixture site at (http://127\.0\.0\.1:\d+)/CEAD/Default\.asp \(Ctrl-C to stop\)",
            line,
        )
        assert m, line
        page = httpx.get(f"{m.group(1)}/CEAD/Countries.asp?ID=18356&ActSyn=True")
        assert page.status_code == 200 and b"Regional Conference on Cybercrime" in page.content
    finally:
        proc.send_signal(signal.SIGINT)
        sent = time.monotonic()
        _, err = proc.communicate(timeout=10)
        took = time.monotonic() - sent
    assert proc.returncode == 130 and took < 2.0, (took, err)  # as every command stops
    assert "interrupted (SIGINT): the fixture site stopped" in err


def test_sql_help_names_every_table() -> None:
    from pipeline.build.schemas import TABLES

    out = run_cli("sql", "--help")
    text = " ".join(out.stdout.split())
    assert all(name in text for name in TABLES), [n for n in TABLES if n not in text]
