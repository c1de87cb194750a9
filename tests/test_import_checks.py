"""An import trusts nothing of its input: a truncated, garbage or lying file is reported
with its file and offset and counted failed (exit 1) while good files are still imported,
byte for byte; wget's WARCs, revisits in a second run included, come in whole."""

from __future__ import annotations

import gzip
import io
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.archive import Index
from pipeline.fixtures.server import FixtureServer, Site
from tests.conftest import run_cli
from tests.test_warc_import import ORIGIN, write_warc
from tests.warcs import read_all

SITE = Site()


def import_files(
    data: Path, *files: Path, extra: tuple[str, ...] = ()
) -> tuple[int, str, dict[str, Any]]:
    result = run_cli(
        "harvest", "--source", "warc", *map(str, files), *extra, "--data", str(data),
        "--no-progress",
    )  # fmt: skip
    report_line = next(line for line in result.stdout.splitlines() if line.startswith("report: "))
    report = json.loads(Path(report_line.split(": ", 1)[1]).read_text())
    return result.returncode, result.stdout + result.stderr, report


def page_record(writer: WARCWriter, n: int, url: str | None = None) -> object:
    response = SITE.route(f"/CEAD/Countries.asp?ID={n}&ActSyn=True")
    http = StatusAndHeaders(
        "200 OK", [("Content-Type", response.content_type)], protocol="HTTP/1.1"
    )
    return writer.create_warc_record(
        url or f"{ORIGIN}/Countries.asp?ID={n}",
        "response",
        payload=io.BytesIO(response.body),
        length=len(response.body),
        http_headers=http,
    )


def lying_warc(path: Path, n: int, claim: int) -> None:
    """An uncompressed WARC whose second record claims `claim` bytes it does not have."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    writer.write_record(page_record(writer, n))
    good = out.getvalue()
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    writer.write_record(page_record(writer, n + 1))
    head, sep, rest = out.getvalue().partition(b"\r\n\r\n")
    lines = [
        f"Content-Length: {claim}".encode() if line.startswith(b"Content-Length") else line
        for line in head.split(b"\r\n")
    ]
    path.write_bytes(good + b"\r\n".join(lines) + sep + rest)


@pytest.fixture
def bad_and_good(tmp_path: Path) -> dict[str, Path]:
    good = tmp_path / "good.warc.gz"
    write_warc(good, [18356, 18420], gzip=True)
    whole = tmp_path / "whole.warc.gz"
    write_warc(whole, [16939, 17082, 17300], gzip=True)
    truncated = tmp_path / "truncated.warc.gz"
    truncated.write_bytes(whole.read_bytes()[: whole.stat().st_size * 2 // 3])
    garbage = tmp_path / "garbage.warc.gz"
    garbage.write_bytes(b"\x1f\x8b" + bytes(range(256)) * 40)
    lying = tmp_path / "lying.warc"
    lying_warc(lying, 20107, 10**12)
    return {"truncated": truncated, "garbage": garbage, "lying": lying, "good": good}


def test_bad_files_are_failures_with_offsets_and_the_good_one_is_imported(
    tmp_path: Path, bad_and_good: dict[str, Path]
) -> None:
    data = tmp_path / "data"
    code, out, report = import_files(data, *bad_and_good.values())
    assert code == 1, out
    errors = {f["url"]: f["error"] for f in report["failures"]}
    assert len(errors) == 3, errors
    by_file = {name: next(e for e in errors.values() if str(path) in e)
               for name, path in bad_and_good.items() if name != "good"}  # fmt: skip
    assert "the gzip member is cut" in by_file["truncated"] and "at offset" in by_file["truncated"]
    assert "bad gzip data" in by_file["garbage"] and "at offset 0" in by_file["garbage"]
    assert "Content-Length 1000000000000 but only" in by_file["lying"]
    assert report["discovered"]["imported"] >= 2 + 2  # good's 2, the truncated file's whole ones
    assert run_cli("build", "--data", str(data), "--no-progress").returncode == 0
    rows = pq.read_table(data / "parquet" / "activities.parquet").to_pylist()
    ids = {r["activity_id"] for r in rows}
    assert {18356, 18420, 20107} <= ids  # the lying file's first record is whole
    assert 20108 not in ids  # the record that lied is nowhere
    for row in rows:  # nothing cut is stored as whole: every row is a full page
        assert row["title"] and row["issue_count"] is not None
    read_all(data / "raw")  # every record we hold passes warcio's digest checks


def test_an_import_after_a_failed_one_does_not_count_the_old_failure(
    tmp_path: Path, bad_and_good: dict[str, Path]
) -> None:
    data = tmp_path / "data"
    assert import_files(data, bad_and_good["lying"])[0] == 1
    code, out, report = import_files(data, bad_and_good["good"])
    assert code == 0, out
    assert report["this_run"]["failed"] == 0 and report["failed"] == 1  # still in the state
    # 2 pages, 2 requests and the file's warcinfo
    assert "5 done, 0 failed, 0 skipped by robots.txt this run" in out


def test_records_are_copied_with_the_sources_block_bytes_and_requests(tmp_path: Path) -> None:
    source = tmp_path / "crawl.warc.gz"
    write_warc(source, [18356, 16939], gzip=True)
    data = tmp_path / "data"
    assert import_files(data, source)[0] == 0
    theirs = {}
    with source.open("rb") as fh:
        for rec in ArchiveIterator(fh):
            theirs[rec.rec_headers.get_header("WARC-Record-ID")] = rec.rec_headers
    ours = read_all(data / "raw")  # block digests checked against the bytes by warcio
    copied = [r for r in ours if r.headers.get("WARC-Record-ID") in theirs]
    # the pages with their requests, and the file's own warcinfo (what the copies point at)
    assert {r.type for r in copied} == {"response", "request", "warcinfo"}
    [theirs_info] = [r for r in copied if r.type == "warcinfo"]
    assert all(r.headers.get("WARC-Warcinfo-ID") in (None, theirs_info.headers["WARC-Record-ID"])
               for r in copied)  # fmt: skip
    assert len([r for r in copied if r.type == "response"]) == 3  # two pages and the CSS
    for record in copied:
        source_headers = theirs[record.headers["WARC-Record-ID"]]
        for name in ("WARC-Block-Digest", "WARC-Payload-Digest", "WARC-Date", "Content-Length"):
            assert record.headers.get(name) == source_headers.get_header(name), name
        assert record.headers["WARC-Source-URI"] == source.resolve().as_uri()
    notes = [r for r in ours if r.type == "metadata"]
    assert len(notes) == 3 and all(b"source-sha256: " in n.payload for n in notes)
    info = next(r for r in ours if r.type == "warcinfo" and r not in copied).payload.decode()
    assert "no pages were fetched" in info and "robots" not in info and "user-agent" not in info


def test_only_http_site_pages_count_and_ids_narrow_an_import(tmp_path: Path) -> None:
    source = tmp_path / "mixed.warc.gz"
    with source.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        writer.write_record(page_record(writer, 18356))
        writer.write_record(page_record(writer, 802, "file:///srv/site/CEAD/Countries.asp?ID=802"))
        writer.write_record(page_record(writer, 16939))
    data = tmp_path / "data"
    code, out, report = import_files(data, source, extra=("--ids", "16939"))
    assert code == 0, out
    assert (report["discovered"]["imported"], report["discovered"]["other_records"]) == (1, 2)
    with Index(data / "raw" / "index.sqlite3") as index:
        assert [c.activity_id for c in index.captures()] == [16939]


def test_a_whole_file_gzipped_at_once_is_read_record_by_record(tmp_path: Path) -> None:
    plain = tmp_path / "crawl.warc"
    write_warc(plain, [18356, 16939], gzip=False)
    single = tmp_path / "single-member.warc.gz"
    single.write_bytes(gzip.compress(plain.read_bytes()))
    code, out, report = import_files(tmp_path / "data", single)
    assert code == 0, out
    assert report["discovered"]["imported"] == 3  # two pages and the stylesheet


WGET = shutil.which("wget")


def test_wget_warcs_with_dedup_revisits_import_in_two_runs(tmp_path: Path) -> None:
    assert WGET, "GNU wget is missing: `make test` installs it (apt-get install wget)"
    ids = [18356, 16939, 17082]
    with FixtureServer() as server:
        urls = [f"{server.url}/CEAD/Countries.asp?ID={n}&ActSyn=True" for n in ids]
        first = [WGET, "-q", "-O", "/dev/null", "--warc-file", str(tmp_path / "a"), "--warc-cdx"]
        subprocess.run([*first, *urls], check=True, timeout=60)
        again = [WGET, "-q", "-O", "/dev/null", "--warc-file", str(tmp_path / "b"),
                 f"--warc-dedup={tmp_path / 'a.cdx'}"]  # fmt: skip
        subprocess.run([*again, *urls], check=True, timeout=60)
    with (tmp_path / "b.warc.gz").open("rb") as fh:
        assert sum(r.rec_type == "revisit" for r in ArchiveIterator(fh)) == len(ids)
    data = tmp_path / "data"
    assert import_files(data, tmp_path / "a.warc.gz")[0] == 0
    code, out, report = import_files(data, tmp_path / "b.warc.gz")
    assert code == 0, out  # the revisits found their originals from the first run
    assert report["discovered"]["imported"] == len(ids)
    blocks = {}
    for name in ("a", "b"):
        with (tmp_path / f"{name}.warc.gz").open("rb") as fh:
            for rec in ArchiveIterator(fh):
                blocks[rec.rec_headers.get_header("WARC-Record-ID")] = rec.rec_headers.get_header(
                    "WARC-Block-Digest"
                )
    ours = [r for r in read_all(data / "raw") if r.type in ("response", "revisit", "request")]
    assert len(ours) == 4 * len(ids)  # responses, revisits, and the request before each
    for record in ours:
        assert record.headers["WARC-Block-Digest"] == blocks[record.headers["WARC-Record-ID"]]
    # wget's own context, verbatim: each file's warcinfo, its arguments and its log, so no
    # record kept points at a warcinfo the archive lacks
    kept = {r.headers["WARC-Record-ID"]: r for r in read_all(data / "raw")
            if r.headers.get("WARC-Record-ID") in blocks}  # fmt: skip
    infos = {i for i, r in kept.items() if r.type == "warcinfo"}
    assert len(infos) == 2
    assert all(r.headers.get("WARC-Warcinfo-ID", next(iter(infos))) in infos for r in kept.values())
    logs = [r for r in kept.values() if r.type == "resource"]
    assert any(r.uri and "wget.log" in r.uri for r in logs), [r.uri for r in logs]
    assert run_cli("build", "--data", str(data), "--no-progress").returncode == 0
    rows = pq.read_table(data / "parquet" / "activities.parquet").to_pylist()
    assert sorted(r["activity_id"] for r in rows) == sorted(ids)


def test_one_activity_under_several_urls_gives_one_row(tmp_path: Path) -> None:
    source = tmp_path / "variants.warc.gz"
    with source.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        writer.write_record(page_record(writer, 18356))
        writer.write_record(page_record(writer, 18356, f"{ORIGIN}/JP/Default.asp?ID=18356"))
        # the page of 18356 filed under another ID: it says ID# 18356 itself
        writer.write_record(page_record(writer, 18356, f"{ORIGIN}/Countries.asp?ID=802"))
    data = tmp_path / "data"
    assert import_files(data, source)[0] == 0
    result = run_cli("build", "--data", str(data), "--no-progress")
    assert result.returncode == 0, result.stderr
    ids = pq.read_table(data / "parquet" / "activities.parquet").column("activity_id").to_pylist()
    assert ids == [18356]
    report = json.loads(Path(result.stdout.split("report: ")[1].strip()).read_text())
    assert [p["page_says"] for p in report["other_activity_pages"]] == [18356]
