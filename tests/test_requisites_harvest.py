"""What the pages load is archived with them: a harvest of the fixture site fetches every
stylesheet, image and script once (those the stylesheets @import and url() too), as
captures of kind `requisite` that warcio reads back; a rerun fetches none again;
`--no-requisites` fetches none; an import keeps the CSS, images and scripts a WARC holds
and says what it kept and left."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.archive import Index
from pipeline.fixtures.assets import ASSETS
from pipeline.fixtures.documents import DOCUMENTS
from pipeline.fixtures.server import FixtureServer, Site
from tests.conftest import run_cli
from tests.servers import Capture, FakeWayback
from tests.test_wayback import harvest as wayback_harvest
from tests.warcs import read_all

IDS = "18356,16939,42827"


def harvest(url: str, data: Path, *extra: str) -> tuple[str, dict[str, object]]:
    result = run_cli("harvest", "--base-url", url, "--ids", IDS, "--rate", "0", "--data",
                     str(data), "--no-progress", *extra)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    report = next(x for x in result.stdout.splitlines() if x.startswith("report: "))
    return result.stdout, json.loads(Path(report[8:]).read_text())


def requisites(data: Path) -> dict[str, int]:
    with Index(data / "raw" / "index.sqlite3", readonly=True) as index:
        found: dict[str, int] = {}
        for c in index.captures():
            if c.kind == "requisite":
                found[urlsplit(c.url).path] = found.get(urlsplit(c.url).path, 0) + 1
        return found


def test_a_harvest_archives_every_requisite_once(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with FixtureServer() as server:
        out, report = harvest(server.url, data)
        assert requisites(data) == {f"/CEAD/{p}": 1 for p in ASSETS}  # the @imported too
        assert f"requisites (what the pages load): {len(ASSETS)} done, 0 failed" in out
        assert "harvest: 6 done" in out  # pages (three, under both URLs) are counted apart
        bodies = {
            urlsplit(r.uri or "").path: r for r in read_all(data / "raw") if r.type == "response"
        }
        for path, (kind, body) in ASSETS.items():
            assert bodies[f"/CEAD/{path}"].headers.get("WARC-Target-URI", "").endswith(path), kind
            assert bodies[f"/CEAD/{path}"].payload == body
            assert bodies[f"/CEAD/{path}"].headers["WARC-Type"] == "response"
        again, _ = harvest(server.url, data, "--ids", "18420")
        assert "requisites (what the pages load)" in again
    assert requisites(data) == {f"/CEAD/{p}": 1 for p in ASSETS}  # fetched once per URL
    assert report["requisites"] == {"done": len(ASSETS), "failed": 0, "pending": 0}
    status = run_cli("status", "--data", str(data)).stdout
    assert f"({len(ASSETS)} of them requisites)" in status and "requisite" in status


def test_no_requisites_fetches_none(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with FixtureServer() as server:
        out, _ = harvest(server.url, data, "--no-requisites")
    assert requisites(data) == {} and "requisites (what" not in out


def test_a_missing_requisite_is_reported_not_a_failed_harvest(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(Site().root, site)
    (site / "CEAD" / "images" / "logo.gif").unlink()
    data = tmp_path / "data"
    with FixtureServer(root=site) as server:
        out, report = harvest(server.url, data)
    assert f"requisites (what the pages load): {len(ASSETS) - 1} done, 1 failed" in out
    failures: list[dict[str, object]] = report["requisite_failures"]  # type: ignore[assignment]
    [failure] = failures
    assert str(failure["url"]).endswith("/CEAD/images/logo.gif") and failure["status"] == 404
    assert report["exit_code"] == 0 and report["failures"] == []


REPORT = DOCUMENTS["docs/paco-serbia-final-report.pdf"]
REPORT_URL = "http://www.coe.int/t/dghl/cooperation/economiccrime/paco-serbia-final-report.pdf"


def crawl_with_requisites(path: Path) -> None:
    """Another institution's crawl: a page, its stylesheet, logo and script, a PDF of the
    Council of Europe's document host, and an image and a PDF of another host."""
    site = Site()
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, kind, body in [
            ("http://www.jp.coe.int/CEAD/Countries.asp?ID=18356&ActSyn=True", "text/html",
             site.route("/CEAD/Countries.asp?ID=18356&ActSyn=True").body),
            ("http://www.jp.coe.int/CEAD/styles/jp.css", "text/css", ASSETS["styles/jp.css"][1]),
            ("http://www.jp.coe.int/CEAD/images/logo.gif", "image/gif", ASSETS["images/logo.gif"][1]),
            ("http://www.jp.coe.int/CEAD/scripts/menu.js", "application/x-javascript",
             ASSETS["scripts/menu.js"][1]),
            ("http://www.example.org/other.gif", "image/gif", ASSETS["images/bg.gif"][1]),
            (REPORT_URL, "application/pdf", REPORT.write(REPORT)),
            ("http://www.example.org/other.pdf", "application/pdf", b"%PDF-1.4 elsewhere"),
        ]:  # fmt: skip
            http = StatusAndHeaders("200 OK", [("Content-Type", kind)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http))  # fmt: skip


def test_an_import_keeps_the_requisites_a_warc_holds(tmp_path: Path) -> None:
    crawl = tmp_path / "crawl.warc.gz"
    crawl_with_requisites(crawl)
    data = tmp_path / "data"
    result = run_cli(
        "harvest", "--source", "warc", str(crawl), "--data", str(data), "--no-progress"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert requisites(data) == {"/CEAD/styles/jp.css": 1, "/CEAD/images/logo.gif": 1,
                                "/CEAD/scripts/menu.js": 1}  # fmt: skip
    assert ("import: kept 5 records (3 of them requisites: stylesheets, scripts, images of the "
            "site's hosts; 1 documents: PDF, DOC... of the document hosts) and 0 requests and "
            "metadata about them, and 0 of the files' own context (warcinfo, a crawler's log); "
            "left 2 (2 of no page, requisite or document of the site)"
            ) in result.stdout  # fmt: skip
    kept = {r.uri: r.payload for r in read_all(data / "raw") if r.type == "response"}
    assert kept["http://www.jp.coe.int/CEAD/images/logo.gif"] == ASSETS["images/logo.gif"][1]
    assert kept[REPORT_URL] == REPORT.write(REPORT)  # verbatim
    with Index(data / "raw" / "index.sqlite3", readonly=True) as index:
        assert [c.url for c in index.captures() if c.kind == "document"] == [REPORT_URL]


def test_wayback_requisites_are_the_captures_nearest_the_page(tmp_path: Path) -> None:
    """From the Archive: each requisite replayed at the page's time, the nearest capture
    taken (a redirect), archived with its own WARC-Date and its distance from the page
    kept; one over a year away is counted in the summary."""
    origin = "http://www.jp.coe.int/CEAD"
    page = Site().route("/CEAD/Countries.asp?ID=18356&ActSyn=True").body
    held = [Capture("20080110000000", f"{origin}/Countries.asp?ID=18356&ActSyn=True", page)]
    for path, (_, body) in ASSETS.items():
        stamp = "20150601000000" if path == "images/logo.gif" else "20080109120000"
        held.append(Capture(stamp, f"{origin}/{path}", body))
    data = tmp_path / "data"
    with FakeWayback(captures=held, page_size=50) as server:
        code, out = wayback_harvest(server, data, requisites=True)
    assert code == 0, out
    with Index(data / "raw" / "index.sqlite3", readonly=True) as index:
        loaded = {
            c.url.rsplit("/CEAD/", 1)[1]: c for c in index.captures() if c.kind == "requisite"
        }
    assert set(loaded) == set(ASSETS)
    assert loaded["images/logo.gif"].requisite_gap_s == 233_193_600  # 2008-01-10 → 2015-06-01
    assert loaded["images/logo.gif"].fetched_at == "2015-06-01T00:00:00Z"  # its own time
    assert loaded["styles/jp.css"].requisite_gap_s == 12 * 3600
    assert f"requisites (what the pages load): {len(ASSETS)} done, 0 failed, 0 pending; 1 " \
           "captured over a year from their page" in out  # fmt: skip
    records = {r.uri: r for r in read_all(data / "raw") if r.type == "response"}
    logo = records[f"{origin}/images/logo.gif"]
    assert logo.payload == ASSETS["images/logo.gif"][1]
    assert logo.headers["WARC-Date"] == "2015-06-01T00:00:00Z"
    assert logo.headers["WARC-Requisite-Of-Date"] == "2008-01-10T00:00:00Z"


def test_wayback_documents_linked_from_pages_are_archived_within_scope(tmp_path: Path) -> None:
    """The documents a page links to: those on the Council of Europe's hosts come from
    their captures nearest the page's time; one over --max-document-bytes is cut and
    marked; one on another host is not asked for."""
    origin = "http://www.jp.coe.int/CEAD"
    agenda = "http://www.coe.int/t/dghl/cooperation/economiccrime/cybercrime/agenda-18356.pdf"
    report = "http://rm.coe.int/report-18356.pdf"
    elsewhere = "http://www.example.org/notes.doc"
    links = "".join(f'<a href="{u}">{u}</a><br>' for u in (agenda, report, elsewhere))
    page = Site().route("/CEAD/Countries.asp?ID=18356&ActSyn=True").body
    page = page.replace(b"</body>", links.encode() + b"</body>")
    agenda_pdf = b"%PDF-1.4\n% agenda\n" + b"0" * 5000 + b"\n%%EOF\n"
    report_pdf = b"%PDF-1.4\n% report\n" + b"1" * 300_000 + b"\n%%EOF\n"
    held = [
        Capture("20070321000000", f"{origin}/Countries.asp?ID=18356&ActSyn=True", page),
        Capture("20070322000000", agenda, agenda_pdf),
        Capture("20070401000000", report, report_pdf),
        Capture("20070401000000", elsewhere, b"not ours"),
    ]
    data = tmp_path / "data"
    with FakeWayback(captures=held, page_size=50) as server:
        code, out = wayback_harvest(server, data, "--max-document-bytes", "100000", documents=True)
        asked = [r.target for r in server.log]
    assert code == 0, out
    assert not any("example.org" in t for t in asked)  # out of scope: never asked for
    assert "documents (what the pages link to): 2 done, 0 failed, 0 pending" in out
    with Index(data / "raw" / "index.sqlite3", readonly=True) as index:
        docs = {c.url: c for c in index.captures() if c.kind == "document"}
    assert set(docs) == {agenda, report}
    assert docs[agenda].requisite_gap_s == 24 * 3600 and not docs[agenda].truncated
    assert docs[report].truncated
    records = {r.uri: r for r in read_all(data / "raw") if r.type == "response"}
    assert records[agenda].payload == agenda_pdf
    assert len(records[report].payload) == 100_000
    assert records[report].headers["WARC-Truncated"] == "length"


def test_document_flags_are_checked(tmp_path: Path) -> None:
    for hosts in ("http://www.coe.int", "www.coe.int:80", "WWW.COE.INT"):
        result = run_cli("harvest", "--ids", "1", "--documents", "--document-hosts", hosts,
                         "--data", str(tmp_path))  # fmt: skip
        assert result.returncode == 2, result.stderr
        assert f"--document-hosts: {hosts!r} is not a host name" in result.stderr


def test_wayback_list_says_how_many_requisites_and_documents_the_archive_holds(
    tmp_path: Path,
) -> None:
    """`--list` asks the CDX once more, for the site's host's URLs that are no page (each
    URL once): what a harvest would add at most, and fetches nothing."""
    origin = "http://www.jp.coe.int/CEAD"
    page = Site().route("/CEAD/Countries.asp?ID=18356&ActSyn=True").body
    held = [
        Capture("20070321000000", f"{origin}/Countries.asp?ID=18356&ActSyn=True", page),
        Capture("20070321000000", f"{origin}/styles/jp.css", ASSETS["styles/jp.css"][1]),
        Capture("20070321000000", f"{origin}/images/logo.gif", ASSETS["images/logo.gif"][1]),
        Capture("20150601000000", f"{origin}/images/logo.gif", b"GIF89a later"),  # once
        Capture("20070322000000", f"{origin}/docs/agenda.pdf", b"%PDF-1.4 agenda"),
        Capture("20070322000000", f"{origin}/Default.asp", b"<html>home</html>"),
    ]
    with FakeWayback(captures=held, page_size=2) as server:
        code, out = wayback_harvest(
            server, tmp_path / "data", "--list", requisites=True, documents=True
        )
        replays = [r for r in server.log if "id_/" in r.target]
    assert code == 0, out
    assert replays == []
    assert ("and, of the site's host, up to 2 requisites (stylesheets, scripts, images) and 1 "
            "documents the Archive holds") in " ".join(out.split())  # fmt: skip
    with FakeWayback(captures=held, page_size=2) as server:  # neither: no question asked
        _, without = wayback_harvest(server, tmp_path / "d2", "--list")
        asked = [r.target for r in server.log if "cdx" in r.target]
    assert "requisites" not in without.split("replays")[1]
    assert asked and not any("collapse" in target for target in asked)
