"""Importing WARC and ARC files written by other tools: same activities as a direct harvest."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.fixtures.server import Site
from pipeline.fixtures.spec import ACTIVITIES
from tests.conftest import run_cli
from tests.warcs import read_all

SITE = Site()
ORIGIN = "http://www.jp.coe.int/CEAD"
IDS = sorted(a.record.activity_id or 0 for a in ACTIVITIES)


def write_warc(path: Path, ids: list[int], gzip: bool, revisit_of: int | None = None) -> None:
    """A crawl as another tool would hold it: warcinfo, CSS, requests, pages, a revisit."""
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gzip)
        writer.write_record(
            writer.create_warcinfo_record(path.name, {"software": "Heritrix/3.4 (pretend)"})
        )
        css = StatusAndHeaders("200 OK", [("Content-Type", "text/css")], protocol="HTTP/1.0")
        writer.write_record(
            writer.create_warc_record(
                "http://www.jp.coe.int/style.css",
                "response",
                payload=io.BytesIO(b"body {}"),
                length=7,
                http_headers=css,
            )
        )
        for n in ids:
            response = SITE.route(f"/CEAD/Countries.asp?ID={n}&ActSyn=True")
            http = StatusAndHeaders(
                "200 OK",
                [
                    ("Content-Type", response.content_type),
                    ("Content-Length", str(len(response.body))),
                ],
                protocol="HTTP/1.1",
            )
            url = (
                f"{ORIGIN}/Countries.asp?ID={n}"
                if n % 2
                else f"{ORIGIN}/JP/Default.asp?ID={n}&PrintVersion=True"
            )
            record = writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(response.body),
                length=len(response.body),
                http_headers=http,
            )
            writer.write_record(record)
            request = StatusAndHeaders(
                f"GET {url.split('jp.coe.int')[1]} HTTP/1.1",
                [("Host", "www.jp.coe.int")],
                is_http_request=True,
            )
            writer.write_record(
                writer.create_warc_record(
                    url, "request", payload=io.BytesIO(b""), length=0, http_headers=request
                )
            )
            if n == revisit_of:
                digest = record.rec_headers.get_header("WARC-Payload-Digest")
                later = writer.create_revisit_record(
                    f"{ORIGIN}/Countries.asp?ID={n}&ActSyn=True",
                    digest,
                    url,
                    record.rec_headers.get_header("WARC-Date"),
                    http_headers=http,
                )
                writer.write_record(later)


def write_arc(path: Path, n: int) -> None:
    """A minimal ARC v1 file with one activity page."""
    body = SITE.route(f"/CEAD/Countries.asp?ID={n}&ActSyn=True").body
    http = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n" + body
    version = b"1 0 jparchive-tests\nURL IP-address Archive-date Content-type Archive-length\n"
    head = f"filedesc://{path.name} 0.0.0.0 20050101000000 text/plain {len(version)}\n".encode()
    record = (
        f"{ORIGIN}/Countries.asp?ID={n} 127.0.0.1 20070404120000 text/html {len(http)}\n".encode()
    )
    path.write_bytes(head + version + b"\n" + record + http + b"\n")


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("import")
    write_warc(tmp / "crawl-a.warc.gz", IDS[: len(IDS) // 2], gzip=True, revisit_of=IDS[1])
    write_warc(tmp / "crawl-b.warc", IDS[len(IDS) // 2 :], gzip=False)
    data = tmp / "data"
    result = run_cli(
        "harvest",
        "--source",
        "warc",
        str(tmp / "crawl-a.warc.gz"),
        str(tmp / "crawl-b.warc"),
        "--data",
        str(data),
        "--no-progress",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert run_cli("build", "--data", str(data), "--no-progress").returncode == 0
    return data


def test_import_builds_the_same_activities_as_a_direct_harvest(
    imported: Path, archive: Path
) -> None:
    provenance = {"source_url", "original_url", "captured_at", "source"}
    mine = pq.read_table(imported / "parquet" / "activities.parquet").to_pylist()
    direct = pq.read_table(archive / "parquet" / "activities.parquet").to_pylist()
    assert [r["activity_id"] for r in mine] == IDS

    def strip(rows: list[dict[str, object]]) -> list[dict[str, object]]:
        return [{k: v for k, v in r.items() if k not in provenance} for r in rows]

    assert strip(mine) == strip(direct)
    # the address to cite: the page's own, not the file it came from (in captures.source_ref)
    assert all(str(r["source_url"]).startswith(f"{ORIGIN}/") for r in mine)
    assert all(r["original_url"] == r["source_url"] for r in mine)
    # the direct harvest, from a mirror on 127.0.0.1, cites the same pages on the site
    assert all(
        r["original_url"].startswith(f"{ORIGIN}/Countries.asp?ID={r['activity_id']}")
        for r in direct
    )
    for table in (
        "activity_countries",
        "activity_people",
        "activity_groups",
        "countries",
    ):
        assert pq.read_table(imported / "parquet" / f"{table}.parquet").equals(
            pq.read_table(archive / "parquet" / f"{table}.parquet")
        ), table
    # the direct harvest has the logframes too: what the activity pages say is the same
    columns = ["programme_code", "first_activity_date", "last_activity_date", "activity_count"]
    assert pq.read_table(imported / "parquet" / "programmes.parquet", columns=columns).equals(
        pq.read_table(archive / "parquet" / "programmes.parquet", columns=columns)
    )


def test_provenance_points_at_the_source_file_and_offset(imported: Path) -> None:
    records = [r for r in read_all(imported / "raw") if r.type in ("response", "revisit")]
    assert {r.headers["WARC-Source-URI"].rsplit("/", 1)[1] for r in records} == {
        "crawl-a.warc.gz",
        "crawl-b.warc",
    }
    assert all(r.headers["WARC-Source-Offset"].isdigit() for r in records)
    first = next(r for r in records if r.uri and r.uri.endswith(f"ID={IDS[0]}"))
    assert (
        first.headers["WARC-Target-URI"] == f"{ORIGIN}/JP/Default.asp?ID={IDS[0]}&PrintVersion=True"
        or first.uri
    )
    captures = pq.read_table(imported / "parquet" / "captures.parquet").to_pylist()
    assert {c["source"] for c in captures} == {"warc"}
    # every page, the revisit and each file's stylesheet (a requisite of the site's host);
    # no requests
    assert len(captures) == len(IDS) + 1 + 2
    css = [c["url"] for c in captures if c["kind"] == "requisite"]
    assert css == ["http://www.jp.coe.int/style.css"] * 2
    assert all("#offset=" in c["source_ref"] for c in captures)


def test_importing_again_adds_nothing(imported: Path) -> None:
    files = sorted(str(p) for p in imported.parent.glob("crawl-*"))
    before = len(read_all(imported / "raw"))
    result = run_cli(
        "harvest", "--source", "warc", *files, "--data", str(imported), "--no-progress"
    )
    assert result.returncode == 0
    assert len(read_all(imported / "raw")) == before  # nothing imported twice, no empty WARC file


def test_an_arc_file_is_imported(tmp_path: Path) -> None:
    write_arc(tmp_path / "old.arc", 18356)
    result = run_cli(
        "harvest",
        "--source",
        "warc",
        str(tmp_path / "old.arc"),
        "--data",
        str(tmp_path / "d"),
        "--no-progress",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert run_cli("build", "--data", str(tmp_path / "d"), "--no-progress").returncode == 0
    [row] = pq.read_table(tmp_path / "d" / "parquet" / "activities.parquet").to_pylist()
    assert (row["activity_id"], row["title"]) == (18356, "Regional Conference on Cybercrime")
    assert row["captured_at"].isoformat() == "2007-04-04T12:00:00+00:00"


def test_bad_files_are_one_line_errors(tmp_path: Path) -> None:
    missing = run_cli(
        "harvest", "--source", "warc", str(tmp_path / "none.warc.gz"), "--data", str(tmp_path / "d")
    )
    assert (missing.returncode, missing.stderr) == (
        2,
        f"Error: ConfigError: --source warc: {tmp_path / 'none.warc.gz'} is not a file\n",
    )
    (tmp_path / "junk.warc").write_bytes(b"this is not a WARC file\n" * 10)
    junk = run_cli(
        "harvest", "--source", "warc", str(tmp_path / "junk.warc"), "--data", str(tmp_path / "d")
    )
    assert junk.returncode == 2  # the wrong kind of file: a usage error, nothing done
    assert junk.stderr == (
        f"Error: ConfigError: --source warc: nothing to import: {tmp_path / 'junk.warc'}: "
        "not a WARC or ARC file (it starts b'this is not ')\n"
    )
    assert junk.stderr.count("\n") == 1
    files = run_cli("harvest", "somefile.warc", "--ids", "1", "--data", str(tmp_path / "d"))
    assert (files.returncode, files.stderr) == (
        2,
        "Error: ConfigError: FILE arguments go with --source warc, not --source site\n",
    )


TEXT = Path(__file__).resolve().parents[1] / "fixtures" / "text"


def write_wet(path: Path, ids: list[int], date: str) -> None:
    """Text renderings as a WET file holds them: `conversion` records, text/plain."""
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "wet (pretend)"}))
        for n in ids:
            text = (TEXT / f"activity-{n}.txt").read_bytes()
            writer.write_record(
                writer.create_warc_record(
                    f"{ORIGIN}/Countries.asp?ID={n}&ActSyn=True",
                    "conversion",
                    payload=io.BytesIO(text),
                    length=len(text),
                    warc_content_type="text/plain",
                    warc_headers_dict={"WARC-Date": date},
                )
            )


def test_text_renderings_from_a_wet_file_are_imported_and_parsed(tmp_path: Path) -> None:
    later = (datetime.now(UTC) + timedelta(days=365)).strftime("%Y-%m-%dT%H:%M:%SZ")
    write_wet(tmp_path / "crawl.warc.wet.gz", [16939, 18356], later)
    data = tmp_path / "d"
    harvest = ("harvest", "--source", "warc", "--data", str(data), "--no-progress")
    result = run_cli(*harvest, str(tmp_path / "crawl.warc.wet.gz"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert run_cli("build", "--data", str(data), "--no-progress").returncode == 0
    rows = pq.read_table(data / "parquet" / "activities.parquet").to_pylist()
    assert [(r["activity_id"], r["title"]) for r in rows] == [
        (16939, "6 topical workshops on AML/CTF"),
        (18356, "Regional Conference on Cybercrime"),
    ]
    assert rows[1]["programme_trans_id"] is None  # a rendering keeps no links
    pages = [r for r in read_all(data / "raw") if r.uri and "18356" in r.uri]
    [record] = [r for r in pages if r.type != "metadata"]  # the import adds its provenance
    assert (record.type, record.headers["Content-Type"]) == ("conversion", "text/plain")
    assert record.payload == (TEXT / "activity-18356.txt").read_bytes()
    # the page's markup, captured before the rendering (now), is still read first
    write_warc(tmp_path / "old.warc.gz", [18356], gzip=True)
    assert run_cli(*harvest, str(tmp_path / "old.warc.gz")).returncode == 0
    assert run_cli("build", "--data", str(data), "--no-progress").returncode == 0
    rows = pq.read_table(data / "parquet" / "activities.parquet").to_pylist()
    assert rows[1]["programme_trans_id"] == 112
    captures = pq.read_table(data / "parquet" / "captures.parquet").to_pylist()
    of_pages = [c for c in captures if c["kind"] != "requisite"]  # (the stylesheet too)
    assert sorted(c["record_type"] for c in of_pages) == ["conversion", "conversion", "response"]
