"""The web app's documents and replays over real HTTP: an activity lists its documents;
a document downloads as its archived bytes (attachment, nosniff, the capture CSP); the
search finds words in documents and says in which; a page replays with its archived
stylesheets and images, sandboxed, and nothing it does not hold."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyarrow.parquet as pq
import pytest

from pipeline.fixtures.assets import ASSETS
from pipeline.fixtures.documents import DOCUMENTS, document_bytes
from pipeline.web.capture import CAPTURE_CSP
from pipeline.web.replay import REPLAY_CSP
from tests.webapp import web_app

REPORT = DOCUMENTS["docs/paco-serbia-final-report.pdf"]


@pytest.fixture(scope="module")
def site(archive: Path) -> Iterator[str]:
    with web_app(archive) as url:
        yield url


@pytest.fixture(scope="module")
def ids(archive: Path) -> dict[str, str]:
    rows = pq.read_table(archive / "parquet" / "documents.parquet").to_pylist()
    return {str(r["url"]).split("/CEAD/", 1)[1]: str(r["document_id"]) for r in rows}


def test_an_activity_lists_its_documents(site: str, ids: dict[str, str]) -> None:
    text = httpx.get(f"{site}/activity/20107").text
    section = text.split('id="documents"', 1)[1].split("</section>", 1)[0]
    assert f'href="/document/{ids["docs/paco-serbia-final-report.pdf"]}"' in section
    assert "PACO-Serbia: final report" in section and REPORT.label in section
    assert ">PDF<" in section and ">3 KB<" in section and ">3<" in section  # type, size, pages
    unread = httpx.get(f"{site}/activity/38230").text
    assert "not read: encrypted: it asks for a password" in unread


def test_a_document_downloads_as_its_archived_bytes(site: str, ids: dict[str, str]) -> None:
    r = httpx.get(f"{site}/document/{ids['docs/paco-serbia-final-report.pdf']}")
    assert r.status_code == 200 and r.content == document_bytes(REPORT)
    assert r.headers["content-disposition"] == 'attachment; filename="paco-serbia-final-report.pdf"'
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["content-security-policy"] == CAPTURE_CSP
    assert r.headers["content-type"] == "application/pdf"


@pytest.mark.parametrize(("path", "status"), [
    ("/document/nothex", 400), ("/document/..%2F..%2Fetc%2Fpasswd", 400),
    ("/document/0123456789abcdef", 404), ("/replay/2007/http://www.jp.coe.int/", 400),
    ("/replay/20070101000000/file:///etc/passwd", 400),
    ("/replay/20070101000000/http://www.example.org/nothing.gif", 404),
])  # fmt: skip
def test_bad_and_unknown_documents_and_replays(site: str, path: str, status: int) -> None:
    r = httpx.get(site + path)
    assert r.status_code == status and "Traceback" not in r.text


def test_search_finds_words_in_documents_and_says_which(site: str, ids: dict[str, str]) -> None:
    r = httpx.get(f"{site}/search", params={"q": "seized criminal assets"})
    assert r.status_code == 200
    found = [int(i) for i in re.findall(r'class="title" href="/activity/(\d+)"', r.text)]
    assert found == [20107]
    report = ids["docs/paco-serbia-final-report.pdf"]
    assert (
        f'In its document <a href="/document/{report}" download>PACO-Serbia: final report' in r.text
    )
    assert "<mark>seized</mark>" in r.text
    export = re.search(r'id="csv" href="([^"]+)"', r.text)
    assert export is not None
    rows = list(
        csv.DictReader(io.StringIO(httpx.get(site + export.group(1).replace("&amp;", "&")).text))
    )
    assert [(r["activity_id"], r["matched"]) for r in rows] == [
        ("20107", f"document: PACO-Serbia: final report ({report})")
    ]


def test_the_page_s_own_words_count_first(site: str) -> None:
    r = httpx.get(f"{site}/search", params={"q": "ratification"})
    assert (
        "20107" in r.text
        and "In its document" not in r.text.split('href="/activity/20107"')[1][:600]
    )


def test_a_page_replays_with_its_archived_stylesheets_and_images(site: str) -> None:
    page = httpx.get(f"{site}/activity/20107").text
    src = re.search(r'<iframe [^>]*src="([^"]+)"', page)
    assert src is not None
    replayed = httpx.get(site + src.group(1).replace("&amp;", "&"))
    assert replayed.status_code == 200 and replayed.headers["content-security-policy"] == REPLAY_CSP
    assert replayed.headers["cross-origin-resource-policy"] == "cross-origin"
    loaded = re.findall(r'(?:src|href|background)="(/replay/[^"]+)"', replayed.text)
    ours = {u.rsplit("/CEAD/", 1)[1] for u in loaded if "/CEAD/" in u}
    assert ours >= {"styles/jp.css", "images/logo.gif", "docs/paco-serbia-final-report.pdf"}
    assert f"/replay/{src.group(1).split('/')[2]}/http://www.coe.int/cybercrime" in loaded
    css = httpx.get(site + next(u for u in loaded if u.endswith("jp.css")))
    assert css.headers["content-type"] == "text/css; charset=utf-8"
    imported = re.findall(r'url\("?(/replay/[^")]+)', css.text)
    assert {u.rsplit("/CEAD/", 1)[1] for u in imported} == {"styles/print.css", "images/bg.gif",
                                                          "images/banner.gif"}  # fmt: skip
    for url in imported:
        got = httpx.get(site + url)
        path = url.rsplit("/CEAD/", 1)[1]
        assert got.status_code == 200 and got.content.startswith(ASSETS[path][1][:6])
