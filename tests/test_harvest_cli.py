"""Harvest through the real CLI: discovery, failures and exit codes, reports, progress."""

from __future__ import annotations

import io
import json
import sqlite3
from collections import Counter
from pathlib import Path

from pipeline.fetch.policy import FetchPolicy
from pipeline.fixtures.assets import ASSETS
from pipeline.fixtures.logframes import logframe_specs
from pipeline.fixtures.server import FixtureServer
from pipeline.fixtures.spec import ACTIVITIES
from pipeline.harvest import HarvestConfig, harvest
from pipeline.progress import Progress
from tests.conftest import run_cli
from tests.servers import Fail, FaultServer
from tests.warcs import read_all


def test_discover_finds_every_activity_and_logframe_once(
    tmp_path: Path, fixture_server: FixtureServer
) -> None:
    result = run_cli(
        "harvest",
        "--base-url",
        fixture_server.url,
        "--discover",
        "--rate",
        "0",
        "--concurrency",
        "4",
        "--data",
        str(tmp_path),
        "--no-progress",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    db = sqlite3.connect(tmp_path / "raw" / "index.sqlite3")
    kinds = Counter(kind for (kind,) in db.execute("SELECT kind FROM captures"))
    per_activity = Counter(
        a for (a,) in db.execute("SELECT activity_id FROM captures WHERE kind = 'activity'")
    )
    urls = [u for (u,) in db.execute("SELECT url FROM captures WHERE kind = 'activity'")]
    logframes = {u for (u,) in db.execute("SELECT url FROM captures WHERE kind LIKE 'logframe%'")}
    db.close()
    # listings link activities as Countries.asp?ID=n and ...&ActSyn=True: each form (the
    # variants) fetched once
    assert per_activity == Counter({a.record.activity_id: 2 for a in ACTIVITIES})
    assert len(set(urls)) == len(urls)
    assert sum(u.endswith("&ActSyn=True") for u in urls) == len(ACTIVITIES)
    # every view: the programmes, their purposes and their results, each once
    views = {s.record.url for s in logframe_specs() if not s.print_view}
    assert {u.split("/CEAD/", 1)[1] for u in logframes} == {
        u.split("/CEAD/", 1)[1] for u in views if u
    }
    assert sum(u.endswith("TransID=112") for u in logframes) == 1
    assert kinds["listing"] >= 20
    assert len(read_all(tmp_path / "raw")) == 2 * sum(kinds.values()) + 1  # warcinfo, then pairs
    report = json.loads(next((tmp_path / "reports").glob("harvest-*.json")).read_text())
    assert report["discovered"]["activities"] == len(ACTIVITIES)
    assert report["discovered"]["logframes"] == len(views)


def test_failures_exit_1_are_listed_and_reported(tmp_path: Path) -> None:
    with FaultServer({2: Fail(status=503, times=99)}) as server:
        result = run_cli(
            "harvest",
            "--base-url",
            server.url,
            "--ids",
            "1-3",
            "--rate",
            "0",
            "--retries",
            "1",
            "--no-variants",  # one URL per ID: ID 2 fails once, not under both its URLs
            "--data",
            str(tmp_path),
            "--no-progress",
        )
        url = f"{server.url}/CEAD/Countries.asp?ID=2&ActSyn=True"
    assert result.returncode == 1
    assert f"  failed: {url}: HTTP 503 after 2 attempts\n" in result.stdout
    report = json.loads(next((tmp_path / "reports").glob("harvest-*.json")).read_text())
    assert (report["done"], report["failed"], report["exit_code"], report["retries"]) == (
        2,
        1,
        1,
        1,
    )
    assert report["by_status"] == {"200": 3 + len(ASSETS), "503": 2}  # and what pages load
    assert report["failures"] == [
        {"url": url, "status": 503, "attempts": 2, "error": "HTTP 503 after 2 attempts"}
    ]
    assert report["bytes"] > 0 and report["duration_s"] > 0
    assert report["policy"]["retries"] == 1 and report["command_line"].startswith(
        "jparchive harvest"
    )
    assert [
        r.http_status for r in read_all(tmp_path / "raw") if r.uri == url and r.type == "response"
    ] == [503, 503]


def test_progress_log_lines_when_not_a_terminal() -> None:
    stream = io.StringIO()
    with Progress(4, "harvest", bar=False, stream=stream, every=0) as progress:
        for ok in (True, False, True, True):
            progress.advance(ok)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 4
    assert lines[-1].startswith("harvest: 4/4 done, 1 errors, ")
    assert "ETA" in lines[-1]


def test_progress_bar_on_a_terminal() -> None:
    stream = io.StringIO()
    with Progress(2, "build", bar=True, stream=stream, failed="not activities") as progress:
        progress.advance(True)
        progress.advance(False)
    out = stream.getvalue()
    assert "build" in out and "2/2" in out and "not activities 1" in out


def test_report_counts_only_the_crawl_of_this_base_url(tmp_path: Path) -> None:
    # Two crawls of the site under two addresses in one data root: each run's report
    # counts its own queue, and the first crawl's failures are not the second's.
    policy = FetchPolicy(rate=0, concurrency=4, retries=0, contact="tests@localhost")
    with FaultServer({3: Fail(status=503, times=99)}) as first:
        report = harvest(
            HarvestConfig(
                base_url=first.url,
                data=tmp_path,
                policy=policy,
                ids=(1, 2, 3),
                progress=False,
                variants=False,  # one queue item per ID
            )
        )
    assert (report.queued, report.done, report.failed) == (3, 2, 1)
    with FaultServer() as second:
        report = harvest(
            HarvestConfig(
                base_url=second.url,
                data=tmp_path,
                policy=policy,
                ids=(1, 2),
                progress=False,
                variants=False,
            )
        )
    assert (report.queued, report.done, report.failed) == (2, 2, 0)
    assert report.failures == [] and report.exit_code == 0
