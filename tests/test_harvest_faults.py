"""The harvester against a server that misbehaves on purpose: right outcome, nothing lost.

Every test ends by reading all the WARC files it produced with digest checks.
"""

from __future__ import annotations

import itertools
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pipeline.build import BuildConfig, build
from pipeline.fetch.policy import FetchPolicy
from pipeline.fixtures.assets import ASSETS
from pipeline.harvest import (
    EXIT_FAILURES,
    EXIT_OK,
    EXIT_RATE_LIMITED,
    HarvestConfig,
    HarvestReport,
    harvest,
)
from tests.servers import Body, Drop, Fail, FaultServer, Redirect, Slow, activity_page
from tests.warcs import read_all, responses


def run(server: FaultServer, data: Path, ids: list[int], **policy: Any) -> HarvestReport:
    settings: dict[str, Any] = {
        "rate": 0,
        "concurrency": 2,
        "backoff": 0.05,
        "max_backoff": 5.0,
        "retries": 2,
        "read_timeout": 5.0,
        "contact": "tests@localhost",
        **policy,
    }
    config = HarvestConfig(
        base_url=server.url,
        data=data,
        policy=FetchPolicy(**settings),
        ids=tuple(ids),
        progress=False,
        command_line="pytest",
        variants=False,  # each ID's second URL would double every count these tests make
    )
    return harvest(config)


def captures(data: Path, activity_id: int) -> list[sqlite3.Row]:
    db = sqlite3.connect(data / "raw" / "index.sqlite3")
    db.row_factory = sqlite3.Row
    try:
        return db.execute(
            "SELECT * FROM captures WHERE activity_id = ? ORDER BY capture_id", (activity_id,)
        ).fetchall()
    finally:
        db.close()


def test_slow_response_times_out_and_is_reported(tmp_path: Path) -> None:
    with FaultServer({1: Slow(delay=3.0, times=99)}) as server:
        report = run(server, tmp_path, [1, 2], read_timeout=0.4, retries=1)
    assert report.exit_code == EXIT_FAILURES
    assert (report.done, report.failed) == (1, 1)
    assert report.failures == [
        {
            "url": f"{server.url}/CEAD/Countries.asp?ID=1&ActSyn=True",
            "status": None,
            "attempts": 2,
            "error": "timeout error after 2 attempts",
        }
    ]
    assert report.by_error == {"timeout": 2}
    assert len(responses(read_all(tmp_path / "raw"), "ID=2&")) == 1


def test_connection_dropped_mid_body_is_retried(tmp_path: Path) -> None:
    with FaultServer({2: Drop(times=1)}) as server:
        report = run(server, tmp_path, [2])
        page = server.page(2)
    assert report.exit_code == EXIT_OK
    assert report.retries == 1 and report.by_error == {"read": 1}
    [record] = responses(read_all(tmp_path / "raw"), "ID=2&")  # the half body is not kept as a page
    assert record.payload == page


def test_500s_that_recover_keep_every_response(tmp_path: Path) -> None:
    with FaultServer({3: Fail(status=500, times=2)}) as server:
        report = run(server, tmp_path, [3])
    assert report.exit_code == EXIT_OK
    # robots.txt, the page and what it loads; two 500s
    assert report.by_status == {"200": 2 + len(ASSETS), "500": 2}
    assert [c["status"] for c in captures(tmp_path, 3)] == [500, 500, 200]
    assert [r.http_status for r in responses(read_all(tmp_path / "raw"), "ID=3&")] == [
        500,
        500,
        200,
    ]


@pytest.mark.parametrize("kind", ["seconds", "date"])
def test_429_retry_after_is_honoured(tmp_path: Path, kind: str) -> None:
    with FaultServer({4: Fail(status=429, times=1, retry_after=f"{kind}:2")}) as server:
        report = run(server, tmp_path, [4])
        first, second = server.requests_for(4)
    assert report.exit_code == EXIT_OK
    # an HTTP date has one-second resolution, so a date two seconds ahead means at least one
    assert second.start - first.start >= (1.95 if kind == "seconds" else 1.0)


def test_sustained_429s_stop_the_run_resumably(tmp_path: Path) -> None:
    ids = list(range(10, 20))
    with FaultServer({i: Fail(status=429, times=1) for i in ids}) as server:
        report = run(server, tmp_path, ids, max_throttled=4, retries=0, concurrency=1)
        assert report.exit_code == EXIT_RATE_LIMITED
        assert (
            report.stopped
            and "429/503" in report.stopped
            and "rerun later to resume" in report.stopped
        )
        assert report.done < len(ids)
        server.behaviours.clear()  # the server has recovered
        again = run(server, tmp_path, ids, max_throttled=4, retries=0, concurrency=1)
    assert again.exit_code == EXIT_OK
    assert again.done == len(ids)


def test_redirect_loop_is_cut_and_recorded(tmp_path: Path) -> None:
    with FaultServer() as server:
        # ...ID=6&ActSyn=True -> ...&x=1 -> ...&x=1&x=1 ...: never ends, cut after 3 hops
        server.behaviours[6] = Redirect(location="/CEAD/Countries.asp?ID=6&ActSyn=True&x=1")
        report = run(server, tmp_path, [6], max_redirects=3)
    assert report.exit_code == EXIT_FAILURES
    assert "redirect loop" in report.failures[0]["error"]
    assert all(r.http_status == 302 for r in responses(read_all(tmp_path / "raw"), "ID=6&"))


def test_offsite_redirect_is_not_followed(tmp_path: Path) -> None:
    with FaultServer({7: Redirect(location="http://elsewhere.invalid/page")}) as server:
        report = run(server, tmp_path, [7])
    assert report.exit_code == EXIT_FAILURES
    assert report.failures[0]["error"] == (
        "redirect to http://elsewhere.invalid/page not followed: elsewhere.invalid is not an allowed host"
    )
    [record] = responses(read_all(tmp_path / "raw"), "ID=7&")
    assert record.http_status == 302


def test_oversized_body_is_cut_and_marked_truncated(tmp_path: Path) -> None:
    big = b"<html><body>" + b"x" * 300_000 + b"</body></html>"
    with FaultServer({8: Body(body=big)}) as server:
        report = run(server, tmp_path, [8], max_body=65_536)
    assert report.exit_code == EXIT_OK
    assert report.truncated == [f"{server.url}/CEAD/Countries.asp?ID=8&ActSyn=True"]
    [record] = responses(read_all(tmp_path / "raw"), "ID=8&")
    assert record.headers["WARC-Truncated"] == "length"
    assert record.payload == big[:65_536]
    assert captures(tmp_path, 8)[0]["truncated"] == 1


def test_wrong_charset_bytes_are_kept_and_parsed_right(tmp_path: Path) -> None:
    page = activity_page(9).replace(
        b"</body>", "<p>Conseil supérieur</p></body>".encode("windows-1252")
    )
    with FaultServer({9: Body(body=page, content_type="text/html; charset=utf-8")}) as server:
        report = run(server, tmp_path, [9])
    assert report.exit_code == EXIT_OK
    [record] = responses(read_all(tmp_path / "raw"), "ID=9&")
    assert record.payload == page  # the bytes as sent, whatever the header claims
    built = build(BuildConfig(data=tmp_path, progress=False))
    assert built.activities == 1
    import pyarrow.parquet as pq

    table = pq.read_table(tmp_path / "parquet" / "parse_issues.parquet").to_pylist()
    assert [i["field"] for i in table] == ["encoding"]


def test_robots_disallow_and_crawl_delay(tmp_path: Path) -> None:
    robots = "User-agent: *\nDisallow: /CEAD/Countries.asp?ID=21&\nCrawl-delay: 0.3\n"
    with FaultServer(robots=robots) as server:
        report = run(server, tmp_path, [20, 21, 22, 23], concurrency=2)
        starts = sorted(r.start for r in server.log)
        requested = {r.activity_id for r in server.log}
    assert report.exit_code == EXIT_OK
    assert (report.done, report.skipped) == (3, 1)
    assert 21 not in requested
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert min(gaps) >= 0.29  # robots.txt, then three pages, each 0.3 s apart


def test_ignore_robots_is_recorded_in_the_warcinfo(tmp_path: Path) -> None:
    robots = "User-agent: *\nDisallow: /\n"
    with FaultServer(robots=robots) as server:
        report = run(server, tmp_path, [30], obey_robots=False)
    assert report.done == 1
    info = next(r for r in read_all(tmp_path / "raw") if r.type == "warcinfo")
    assert b"robots: ignore (--ignore-robots)" in info.payload
    assert b"operator: tests@localhost" in info.payload


def test_identical_payload_becomes_a_revisit(tmp_path: Path) -> None:
    same = activity_page(40)
    with FaultServer({40: Body(body=same), 41: Body(body=same)}) as server:
        report = run(server, tmp_path, [40, 41], concurrency=1)
    assert report.exit_code == EXIT_OK
    records = read_all(tmp_path / "raw")
    [original] = responses(records, "ID=40&")
    [revisit] = responses(records, "ID=41&")
    assert (original.type, revisit.type) == ("response", "revisit")
    assert (
        revisit.headers["WARC-Profile"]
        == "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
    )
    assert revisit.headers["WARC-Refers-To-Target-URI"] == original.uri
    assert revisit.headers["WARC-Refers-To-Date"] == original.headers["WARC-Date"]
    assert revisit.headers["WARC-Payload-Digest"] == original.headers["WARC-Payload-Digest"]
    built = build(BuildConfig(data=tmp_path, progress=False))
    # the revisit's payload is read from the original: it is page 40's, filed under 41,
    # so it gives no second row with 40's key (one activity, one row)
    assert built.activities == 1
    assert [(p["url"].endswith("ID=41&ActSyn=True"), p["page_says"])
            for p in built.other_activity_pages] == [(True, 40)]  # fmt: skip


def test_every_request_record_points_at_its_response(tmp_path: Path) -> None:
    with FaultServer() as server:
        run(server, tmp_path, [50, 51])
    records = read_all(tmp_path / "raw")
    ids = {r.headers["WARC-Record-ID"] for r in records if r.type in ("response", "revisit")}
    requests = [r for r in records if r.type == "request"]
    pages = [r for r in requests if r.uri and "/CEAD/Countries.asp" in r.uri]
    assert len(requests) == 3 + len(ASSETS) and len(pages) == 2  # robots.txt, what they load
    assert all(r.headers["WARC-Concurrent-To"] in ids for r in requests)
    assert records[0].type == "warcinfo" and b"jparchive/" in records[0].payload


def test_failed_pages_are_retried_on_rerun_and_done_ones_are_not(tmp_path: Path) -> None:
    with FaultServer({61: Fail(status=503, times=2)}) as server:
        first = run(server, tmp_path, [60, 61], retries=0)
        assert (first.done, first.failed) == (1, 1)
        second = run(server, tmp_path, [60, 61], retries=0)
        third = run(server, tmp_path, [60, 61], retries=0)
        assert len(server.requests_for(60)) == 1
    assert (second.failed, third.failed, third.exit_code) == (1, 0, EXIT_OK)


def test_warcio_check_passes_on_the_archive(tmp_path: Path) -> None:
    with FaultServer({70: Fail(status=500, times=1), 71: Drop(times=1)}) as server:
        run(server, tmp_path, [70, 71, 72])
    warcio = Path(sys.executable).parent / "warcio"
    files = sorted(str(p) for p in (tmp_path / "raw").glob("*.warc.gz"))
    result = subprocess.run([str(warcio), "check", *files], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
