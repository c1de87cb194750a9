"""The web app in a real browser: Debian's Chromium, headless, driven by Playwright.

A researcher's path: the home page, a search for "cybercrime" narrowed to Serbia,
activity 18356 with its dates, experts and provenance, the archived page, the programme,
and the search's CSV downloaded and read back; and an archived page that tries to reach
other hosts (scripts, images, styles, frames) reaching none. Screenshots of activity
18356 and of 20107's archived page go to docs/screenshots/ (those of the home, search,
programme and country pages are of an archive of the real site's shape:
tests/test_web_shape.py).
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Frame, Page, Response, sync_playwright
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.build import BuildConfig, build
from pipeline.fixtures.documents import DOCUMENTS, document_bytes
from pipeline.fixtures.server import SITE
from tests.conftest import run_cli
from tests.webapp import web_app

CHROMIUM = "/usr/bin/chromium"  # Debian's package; `make test` installs it
SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
HOSTILE_ID, HOSTILE_TITLE = 99001, "A page that reaches out"
OUTSIDE = "http://outside.example"
HOSTILE_HTML = (
    f'<link rel="stylesheet" href="{OUTSIDE}/s.css"><script src="{OUTSIDE}/x.js"></script>'
    f'<script>fetch("{OUTSIDE}/fetch"); new Image().src = "{OUTSIDE}/beacon";</script>'
    f'<img src="{OUTSIDE}/a.png"><iframe src="{OUTSIDE}/frame"></iframe>'
    f'<style>body {{ background: url("{OUTSIDE}/bg.png") }}</style>'
    f'<object data="{OUTSIDE}/o.swf"></object>'
)


@pytest.fixture(scope="module")
def data(archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture archive, plus one imported page that tries to reach outside."""
    root = tmp_path_factory.mktemp("web") / "data"
    shutil.copytree(archive / "raw", root / "raw")
    page = (SITE / "CEAD" / "activities" / "18356.html").read_bytes()
    page = page.replace(b"ID# 18356", f"ID# {HOSTILE_ID}".encode())
    page = page.replace(b"Regional Conference on Cybercrime", HOSTILE_TITLE.encode())
    page = page.replace(b"</head>", HOSTILE_HTML.encode() + b"</head>", 1)
    page = page.replace(b"<body", HOSTILE_HTML.encode() + b"<body", 1)
    warc = root.parent / "hostile.warc.gz"
    with warc.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        url = f"http://www.jp.coe.int/CEAD/Countries.asp?ID={HOSTILE_ID}&ActSyn=True"
        writer.write_record(writer.create_warc_record(
            url, "response", payload=io.BytesIO(page), length=len(page), http_headers=http))  # fmt: skip
    out = run_cli("harvest", "--source", "warc", str(warc), "--data", str(root), "--no-progress")
    assert out.returncode == 0, out.stdout + out.stderr
    build(BuildConfig(data=root, progress=False))
    return root


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: `make test` installs it (apt)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


class Requests:
    """What the browser asked for: `sent` went out on the network (answered, or failed
    there); `blocked` the Content-Security-Policy stopped before they were sent."""

    def __init__(self, page: Page) -> None:
        self.sent: list[str] = []
        self.blocked: list[str] = []
        page.on("requestfinished", lambda r: self.sent.append(r.url))
        page.on("requestfailed", lambda r: (self.blocked if r.failure == "csp" else self.sent)
                .append(r.url))  # fmt: skip


@pytest.fixture()
def page(browser: Browser) -> Iterator[tuple[Page, Requests]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    requests = Requests(page)
    yield page, requests
    context.close()


def hosts(urls: list[str]) -> set[str]:
    return {urlsplit(u).hostname or u for u in urls if not u.startswith(("data:", "about:"))}


def test_a_researchers_path_through_the_archive(
    archive: Path, page: tuple[Page, Requests], tmp_path: Path
) -> None:
    tab, requests = page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with web_app(archive) as site:
        tab.goto(site + "/")
        assert tab.locator("h1").inner_text() == "The Joint Programmes archive"
        assert "activities" in tab.locator(".stats").inner_text()
        assert tab.locator("svg.chart rect").count() > 5

        tab.fill("#q", "cybercrime")
        tab.locator(".bigsearch button").click()
        tab.wait_for_url("**/search?q=cybercrime")
        total = int(tab.locator("#total").inner_text())
        assert total >= 5 and tab.locator("ol.results mark").count() >= 1
        tab.locator("#facet-country a", has_text="Serbia").click()
        tab.wait_for_url("**country=RS**")
        assert int(tab.locator("#total").inner_text()) < total
        search_url = tab.url

        tab.locator("ol.results a.title", has_text="Regional Conference on Cybercrime").click()
        tab.wait_for_url("**/activity/18356")
        assert tab.locator("#title").inner_text() == "Regional Conference on Cybercrime"
        assert "19/03/2007 - 21/03/2007" in tab.locator("#date").inner_text()
        experts = tab.locator("table.people tr.expert").all_inner_texts()
        assert any("M. Gercke" in e for e in experts) and len(experts) == 5
        provenance = tab.locator("#provenance").inner_text()
        assert "jparchive-" in provenance and "sha1:" in provenance and "site" in provenance
        frame = tab.frame_locator("iframe")
        assert "Regional Conference on Cybercrime" in frame.locator("body").inner_text()
        tab.screenshot(path=str(SCREENSHOTS / "activity.png"), full_page=False)

        with tab.expect_navigation() as shown:
            tab.locator("#archived").click()
        # the capture is served sandboxed: no script runs in it, Playwright's neither
        assert shown.value is not None and "/capture/" in tab.url
        assert "Activity Details (ID# 18356)" in shown.value.text()
        tab.go_back()
        tab.locator("#programme").click()
        tab.wait_for_url("**/programme/PACO-Serbia")
        assert tab.locator("#title").inner_text().startswith("PACO-Serbia")

        tab.goto(search_url)
        with tab.expect_download() as download:
            tab.locator("#csv").click()
        saved = tmp_path / "search.csv"
        download.value.save_as(saved)
        rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8"))))
        assert "18356" in {r["activity_id"] for r in rows}
        assert len(rows) == int(tab.locator("#total").inner_text())
    assert requests.sent and hosts(requests.sent) == {"127.0.0.1"}, hosts(requests.sent)


def test_an_archived_page_reaches_no_other_host(data: Path, page: tuple[Page, Requests]) -> None:
    tab, requests = page
    with web_app(data) as site:
        tab.goto(f"{site}/activity/{HOSTILE_ID}")
        assert tab.locator("#title").inner_text() == HOSTILE_TITLE
        frame = tab.frame_locator("iframe")
        assert "Activity Details" in frame.locator("body").inner_text()
        with tab.expect_navigation() as shown:
            tab.locator("#archived").click()
        assert shown.value is not None and OUTSIDE in shown.value.text()  # it does try
        tab.wait_for_timeout(500)  # time for anything the page would still fetch
    assert hosts(requests.sent) == {"127.0.0.1"}, sorted(requests.sent)
    # it did try: the stylesheet, the images; its scripts never ran (no fetch, no beacon)
    tried = {urlsplit(u).path for u in requests.blocked}
    assert {"/s.css", "/a.png", "/bg.png"} <= tried and not tried & {"/fetch", "/beacon"}


def click_in_frame(tab: Page, page_url: str, href: str) -> tuple[Response, Frame]:
    """Open `page_url`, click the link to `href` inside its framed archived page; the
    response to that click, and the frame once it has gone there."""
    tab.goto(page_url)
    with tab.expect_response(lambda r: href in r.url) as answered:
        tab.frame_locator("iframe").locator(f'a[href*="{href}"]').first.click()
    inner = next(f for f in tab.frames if f != tab.main_frame)
    inner.wait_for_url(lambda url: "/replay/" in url and href in url)
    return answered.value, inner


def test_a_link_inside_the_framed_page_opens_the_archived_page(
    archive: Path, page: tuple[Page, Requests]
) -> None:
    """Activity 18356's page, framed: its link to the programme's logframe opens the
    logframe as archived, in the frame (no link of it leaves the archive); 20107's link
    to a page the archive does not hold says so there, and reaches no other host."""
    tab, requests = page
    with web_app(archive) as site:
        opened, inner = click_in_frame(tab, f"{site}/activity/18356", "JP/Default.asp?TransID=112")
        assert opened.status == 200 and "/replay/" in opened.url
        assert "PACO-Serbia" in inner.locator("body").inner_text()  # the logframe itself
        # 20107 links www.coe.int/cybercrime, which the archive does not hold
        missing, inner = click_in_frame(tab, f"{site}/activity/20107", "www.coe.int/cybercrime")
        assert missing.status == 404 and "/replay/" in missing.url
        assert (
            "holds no capture of http://www.coe.int/cybercrime"
            in inner.locator("body").inner_text()
        )
    assert hosts(requests.sent) == {"127.0.0.1"}, sorted(requests.sent)


def test_the_embedded_metadata_breaks_no_content_security_policy(
    archive: Path, page: tuple[Page, Requests]
) -> None:
    """The JSON-LD block and the meta tags of an activity page: the page's CSP (no
    script at all) reports nothing in Chromium, and the block is there, never run."""
    tab, _ = page
    said: list[str] = []
    tab.on("console", lambda message: said.append(message.text))
    with web_app(archive) as site:
        tab.goto(f"{site}/activity/18356")
        tab.wait_for_load_state("networkidle")
        block = tab.locator('script[type="application/ld+json"]')
        assert block.count() == 1 and '"@type": "WebPage"' in block.inner_text()
        assert tab.locator('meta[name="citation_title"]').count() == 1
    assert not [m for m in said if "Content Security Policy" in m], said


def test_the_archived_page_shows_styled_and_its_documents_download(
    archive: Path, page: tuple[Page, Requests], tmp_path: Path
) -> None:
    """Activity 20107 as it looked: its stylesheet (and the one that @imports), images and
    backgrounds from the archive, every one of them found; its documents listed, and one
    downloaded as the archived bytes."""
    tab, requests = page
    answers: dict[str, int] = {}
    tab.on("response", lambda r: answers.__setitem__(r.url, r.status))
    with web_app(archive) as site:
        tab.goto(f"{site}/activity/20107")
        frame = tab.frame_locator("iframe")
        body = frame.locator("body")
        assert "Final conference of the PACO-Serbia project" in body.inner_text()
        tab.wait_for_load_state("networkidle")
        style = body.evaluate(
            "b => [getComputedStyle(b).fontFamily, getComputedStyle(b).backgroundImage]"
        )
        assert "Verdana" in style[0] and "bg.gif" in style[1]  # jp.css applied, url() served
        loaded = {urlsplit(u).path.rsplit("/CEAD/", 1)[-1]: s for u, s in answers.items()
                  if "/replay/" in u}  # fmt: skip
        assert {"styles/jp.css", "styles/print.css", "images/logo.gif", "images/bg.gif"} <= set(
            loaded
        )
        assert all(s == 200 for p, s in loaded.items() if not p.startswith("Countries")), loaded
        rows = tab.locator("#documents tbody tr").all_inner_texts()
        assert len(rows) == 2 and any("PACO-Serbia: final report" in r for r in rows)
        with tab.expect_download() as download:
            tab.locator("#documents a.download", has_text="PACO-Serbia: final report").click()
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        framed = tab.locator("iframe")
        framed.scroll_into_view_if_needed()
        framed.screenshot(path=str(SCREENSHOTS / "archived-page-styled.png"))
    assert saved.name == "paco-serbia-final-report.pdf"
    doc = DOCUMENTS["docs/paco-serbia-final-report.pdf"]
    assert saved.read_bytes() == document_bytes(doc)
    assert hosts(requests.sent) == {"127.0.0.1"}, sorted(requests.sent)


AXE = Path(__file__).resolve().parents[1] / ".axe" / "package" / "axe.min.js"
# every kind of page the app serves (the archived bytes of /capture/ are the site's own)
PAGE_KINDS = ("/", "/search?q=cybercrime&country=RS", "/activity/18356",
              "/programme/PACO-Serbia", "/country/RS", "/country", "/data/jparchive",
              "/data/jparchive/activities", "/no/such/page")  # fmt: skip


@pytest.mark.parametrize("width", [1280, 390])
def test_every_page_kind_passes_axe_core(data: Path, browser: Browser, width: int) -> None:
    """WCAG 2.1 AA as axe-core checks it: no serious or critical violation on any kind
    of page, on a desktop and on a phone (axe is injected past the pages' CSP, which
    lets no script run, by the test's browser context only)."""
    assert AXE.exists(), f"{AXE} is missing: `make test` fetches axe-core from npm"
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    found: dict[str, list[str]] = {}
    with web_app(data) as site:
        activity = httpx.get(site + "/activity/20107").text
        person = re.search(r'href="(/person/[0-9a-f]{16})"', activity)
        place = re.search(r'id="place" href="([^"]+)"', activity)
        assert person is not None and place is not None
        for path in (*PAGE_KINDS, person.group(1), place.group(1)):
            page.goto(site + path)
            page.add_script_tag(path=str(AXE))
            violations = page.evaluate(
                "async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', "
                "'wcag21a', 'wcag21aa'], resultTypes: ['violations']})).violations"
                ".filter(v => ['serious', 'critical'].includes(v.impact))"
                ".map(v => v.id + ': ' + v.nodes[0].html.slice(0, 100))"
            )
            if violations:
                found[path] = violations
            wide = page.evaluate("document.documentElement.scrollWidth")
            if wide > width:  # nothing wider than the screen: no sideways scrolling
                found[path] = [f"the page is {wide} px wide in a {width} px window"]
        page.goto(site + "/search?q=the")  # the search's layout: results, then facets
        results, facets = (page.locator(s).bounding_box() for s in ("ol.results", "aside.facets"))
        assert results is not None and facets is not None
        if width > 700:  # side by side, the results taking the main column
            main = page.locator("main").bounding_box()
            assert main is not None and results["width"] >= 0.6 * main["width"], results
        else:  # one column: the facets below the results
            assert facets["y"] >= results["y"] + results["height"], (results, facets)
    context.close()
    assert found == {}
