"""The Wayback Machine as it really behaves, each habit a switch of the fake, each tested
through the real CLI: original headers under a prefix, nearest-capture redirects,
unplayable captures, CDX digests of other bytes, repeated rows, 504s on broad queries,
429s without Retry-After, its limits; and `--list`, `--max-pages`."""

from __future__ import annotations

import asyncio
import itertools
import json
from pathlib import Path
from typing import Any

import httpx
import pyarrow.parquet as pq
import pytest
from warcio.archiveiterator import ArchiveIterator

from pipeline.archive import Exchange
from pipeline.fetch import Fetcher, FetchPolicy, HostLimiter
from tests.servers import Capture, FakeWayback
from tests.test_wayback import ORIGIN, harvest, page
from tests.warcs import read_all

P18356 = page("/CEAD/Countries.asp?ID=18356&ActSyn=True")
P16939 = page("/CEAD/Countries.asp?ID=16939&ActSyn=True")
URL = f"{ORIGIN}/Countries.asp?ID=18356&ActSyn=True"


def two_pages() -> list[Capture]:
    older = P18356.replace(b"</html>", b"<!-- 2007 -->\n</html>")
    return [
        Capture("20070405101010", URL, older),
        Capture("20090101000000", URL, P18356),
        Capture("20080303030303", f"{ORIGIN}/Countries.asp?ID=16939&ActSyn=True", P16939),
    ]


def report_of(out: str) -> dict[str, object]:
    line = next(x for x in out.splitlines() if x.startswith("report: "))
    return json.loads(Path(line.split(": ", 1)[1]).read_text())  # type: ignore[no-any-return]


def responses_of(data: Path) -> dict[str, Any]:
    return {r.uri or "": r for r in read_all(data / "raw") if r.type == "response"}


def http_headers_of(data: Path, uri: str) -> Any:
    """The HTTP headers of the response record for `uri`, read by warcio."""
    for path in sorted((data / "raw").glob("*.warc.gz")):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                target = record.rec_headers.get_header("WARC-Target-URI")
                if record.rec_type == "response" and target == uri:
                    return record.http_headers
    raise AssertionError(f"no response record for {uri}")


def test_the_warc_record_has_the_sites_headers_and_the_served_time(tmp_path: Path) -> None:
    with FakeWayback(captures=two_pages(), real_headers=True, page_size=10) as server:
        code, out = harvest(server, tmp_path)
    assert code == 0, out
    record = responses_of(tmp_path)[URL]
    headers = http_headers_of(tmp_path, URL)
    assert headers.get_header("Server") == "Microsoft-IIS/6.0"  # the site's, not nginx
    assert headers.get_header("X-Archive-Server") == "nginx"
    assert headers.get_header("Set-Cookie") == "ASPSESSIONIDQQ=ABC; path=/"
    assert headers.get_header("Content-Length") == str(len(P18356))
    assert headers.get_header("X-Archive-Orig-content-length") == str(len(P18356) + 17)
    warc = record.headers
    assert warc["WARC-Date"] == "2009-01-01T00:00:00Z"
    assert warc["WARC-Wayback-Source-File"].startswith("spotcheck-20071101/")
    assert warc["WARC-Source-URI"].endswith(f"/web/20090101000000id_/{URL}")


def test_a_nearest_capture_redirect_records_the_capture_served(tmp_path: Path) -> None:
    with FakeWayback(captures=two_pages(), nearest_offset=7, page_size=10) as server:
        code, out = harvest(server, tmp_path)
    assert code == 0, out
    record = responses_of(tmp_path)[URL]
    warc = record.headers
    assert warc["WARC-Date"] == "2009-01-01T00:00:07Z"  # seconds after the CDX's timestamp
    assert warc["WARC-Wayback-Timestamp"] == "20090101000007"
    redirects = [r for r in read_all(tmp_path / "raw") if r.http_status == 302]
    assert redirects and all("/web/" in (r.uri or "") for r in redirects)  # the Archive's


def test_an_unplayable_latest_capture_gives_way_to_the_next(tmp_path: Path) -> None:
    with FakeWayback(captures=two_pages(), unplayable={"20090101000000"}, page_size=10) as server:
        code, out = harvest(server, tmp_path)
    assert code == 0, out  # every page found a playable capture
    assert b"<!-- 2007 -->" in responses_of(tmp_path)[URL].payload
    [taken] = report_of(out)["discovered"]["fallbacks"]  # type: ignore[index]
    assert (taken["wanted"], taken["taken"]) == ("20090101000000", "20070405101010")
    assert f"fallback: {URL}: took 20070405101010 instead of 20090101000000" in out


def test_no_playable_capture_at_all_is_a_failure_saying_why(tmp_path: Path) -> None:
    stamps = {"20090101000000", "20070405101010"}
    with FakeWayback(captures=two_pages(), unplayable=stamps, page_size=10) as server:
        code, out = harvest(server, tmp_path)
    assert code == 1
    assert "no capture could be replayed: 20090101000000: the Archive answered 404" in out


def test_a_digest_mismatch_is_archived_and_flagged_and_strict_fails(tmp_path: Path) -> None:
    liar = [Capture("20090101000000", URL, P18356, digest="B" * 32)]
    with FakeWayback(captures=liar, page_size=10) as server:
        code, out = harvest(server, tmp_path / "a")
        strict, strict_out = harvest(server, tmp_path / "b", "--strict-digests")
    assert code == 0, out
    assert run_build(tmp_path / "a") == 0
    rows = pq.read_table(tmp_path / "a" / "parquet" / "captures.parquet").to_pylist()
    [row] = [r for r in rows if r["url"] == URL]
    assert row["digest_mismatch"] is True and row["cdx_digest"] == "sha1:" + "B" * 32
    assert strict == 1 and "(--strict-digests)" in strict_out


def run_build(data: Path) -> int:
    from tests.conftest import run_cli

    return run_cli("build", "--data", str(data), "--no-progress").returncode


def test_repeated_cdx_rows_count_once(tmp_path: Path) -> None:
    with FakeWayback(captures=two_pages(), repeat_rows=True, page_size=10) as server:
        code, out = harvest(server, tmp_path)
        replays = [r for r in server.log if "id_/" in r.target]
    assert code == 0, out
    found = report_of(out)["discovered"]
    assert (found["cdx_rows"], found["repeated_rows"], found["captures_chosen"]) == (3, 3, 2)  # type: ignore[index]
    assert len(replays) == 2


def test_a_cdx_query_that_times_out_is_split_into_windows(tmp_path: Path) -> None:
    with FakeWayback(captures=two_pages(), cdx_max_months=12, page_size=10) as server:
        code, out = harvest(server, tmp_path, "--from", "2006", "--to", "2009")
        asked = [r for r in server.log if r.target.startswith("/cdx/")]
    assert code == 0, out
    found = report_of(out)["discovered"]
    assert found["cdx_windows_split"] >= 2 and found["captures_chosen"] == 2  # type: ignore[index]
    assert any(r.status == 504 for r in asked) and any(r.status == 200 for r in asked)


def test_a_429_without_retry_after_pauses_the_clock_a_minute() -> None:
    """The Fetcher's limiter and sleep are injected: the minute passes at once."""
    slept: list[float] = []
    now = [1000.0]

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    async def go(url: str) -> int | None:
        policy = FetchPolicy(rate=0, retries=2, backoff=0.5, throttle_pause=60.0)

        async def keep(ex: Exchange) -> None:
            return None

        async with httpx.AsyncClient() as client:
            fetcher = Fetcher(client, policy, keep, sleep=sleep)
            host = url.split("://", 1)[1].split("/", 1)[0]
            fetcher.limiters[host] = HostLimiter(0.0, clock=lambda: now[0], sleep=sleep)
            return (await fetcher.get(url)).status

    with FakeWayback(captures=two_pages(), throttle_replays=1, retry_after=None) as server:
        status = asyncio.run(go(f"{server.url}/web/20090101000000id_/{URL}"))
    assert status == 200
    assert any(59.0 <= s <= 60.0 for s in slept), slept  # the clock held for the minute


def test_a_429_without_retry_after_pauses_at_the_server_too(tmp_path: Path) -> None:
    with FakeWayback(captures=two_pages(), throttle_replays=1, retry_after=None,
                     page_size=10) as server:  # fmt: skip
        code, out = harvest(server, tmp_path, "--backoff", "1.5")
        replays = sorted((r for r in server.log if "id_/" in r.target), key=lambda r: r.start)
    assert code == 0, out
    assert replays[0].status == 429 and replays[1].start - replays[0].start >= 1.5 - 0.01


@pytest.mark.serial  # measures gaps at the server: run alone
def test_default_limits_at_the_server(tmp_path: Path) -> None:
    many = [Capture(f"2009010100000{n}", f"{ORIGIN}/Countries.asp?ID={n}&ActSyn=True", P18356)
            for n in range(1, 10)]  # fmt: skip
    with FakeWayback(captures=many, page_size=20, latency=0.3) as server:
        from tests.conftest import run_cli

        result = run_cli("harvest", "--source", "wayback", "--wayback-url", server.url,
                         "--cdx-rate", "40", "--data", str(tmp_path), "--no-progress")  # fmt: skip
        replays = sorted((r for r in server.log if "id_/" in r.target), key=lambda r: r.start)
    assert result.returncode == 0, result.stdout + result.stderr
    gaps = [b.start - a.start for a, b in itertools.pairwise(replays)]
    assert min(gaps) >= 0.25 - 0.01  # 4 a second
    assert max(r.in_flight for r in replays) == 2  # 0.3 s each: at 4 a second, two overlap
    assert max(r.in_flight for r in server.log) <= 4


def test_list_says_what_the_cdx_holds_and_fetches_nothing(tmp_path: Path) -> None:
    with FakeWayback(captures=two_pages(), page_size=10) as server:
        code, out = harvest(server, tmp_path, "--list", rate="4")
        replays = [r for r in server.log if "id_/" in r.target]
    assert code == 0, out
    assert replays == []
    assert "CDX: 2 activities and 0 logframes with captures, 3 rows" in out
    assert "a harvest would make 2 replays: about 0 h 0 min at 4 a second" in out


def test_max_pages_caps_a_run_and_the_rerun_takes_the_rest(tmp_path: Path) -> None:
    with FakeWayback(captures=two_pages(), page_size=10) as server:
        _, out1 = harvest(server, tmp_path, "--max-pages", "1")
        second, out2 = harvest(server, tmp_path, "--max-pages", "1")
    assert (
        "harvest: 1 done" in out1 and "crawl state: 1 done, 0 failed, 0 skipped, 1 pending" in out1
    )
    assert second == 0 and "crawl state: 2 done, 0 failed, 0 skipped, 0 pending" in out2


def test_an_archived_404_is_kept_as_what_it_is_and_an_older_capture_taken(
    tmp_path: Path,
) -> None:
    pages = two_pages()
    pages[1] = Capture("20090101000000", URL, b"<html>Not found</html>", served_status=404)
    with FakeWayback(captures=pages, page_size=10) as server:
        code, out = harvest(server, tmp_path)
    assert code == 0, out
    archived = [r for r in read_all(tmp_path / "raw") if r.type == "response" and r.uri == URL]
    assert sorted(r.http_status or 0 for r in archived) == [200, 404]  # the site's 404, as it was
    assert "took 20070405101010 instead of 20090101000000 (20090101000000: an archived 404" in out


def test_slow_5xx_answers_succeed_on_a_later_pass(tmp_path: Path) -> None:
    from tests.servers import Behaviour, Fail

    slow: dict[int, Behaviour] = {18356: Fail(status=503, times=2)}
    with FakeWayback(slow, captures=two_pages(), page_size=10) as server:
        code, out = harvest(server, tmp_path)
        asked = [r.status for r in server.log if r.activity_id == 18356]
    assert code == 0, out
    assert asked == [503, 503, 200]  # the same capture, retried with backoff
    assert b"<!-- 2007 -->" not in responses_of(tmp_path)[URL].payload  # no fallback needed
