"""The web app at the real site's shape, not the fixture site's 7 programmes and 18
countries: a synthetic archive (`pipeline.fixtures.shape`) of 2,500 activities over 179
programmes and 48 countries, people written five ways. The home page, facets, indexes,
maps and long pages hold; in Chromium nothing is wider than a phone's screen and the
results keep the main column; the screenshots in docs/screenshots/ are of this archive.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser

from benchmarks.build_bench import make_archive
from pipeline.build import BuildConfig, build
from tests.test_web_browser import SCREENSHOTS, browser
from tests.webapp import web_app

__all__ = ["browser"]  # the browser fixture, shared
PAGES = 2_500


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("shape") / "data"
    make_archive(data, PAGES)
    build(BuildConfig(data=data, progress=False))
    with web_app(data) as url:
        yield url


def get(url: str) -> httpx.Response:
    response = httpx.get(url, timeout=60)
    assert response.status_code == 200, (url, response.status_code)
    return response


def count(text: str, label: str) -> int:
    found = re.search(rf"<strong>(\d+)</strong> {label}", text)
    assert found is not None, label
    return int(found.group(1))


def test_the_home_page_holds_at_the_sites_shape(site: str) -> None:
    home = get(site + "/").text
    programmes, countries = count(home, "programmes"), count(home, "countries")
    assert programmes >= 150 and countries >= 40
    listed = re.findall(r'<li><a href="/programme/[^"]+">', home.split("<h2>Programmes</h2>")[1])
    assert len(listed) == 12 and f"all {programmes} programmes" in home  # the top, and a link
    chart = home.split('class="chart">')[1].split("</svg>")[0]
    legend = re.findall(r'width="12" height="12" fill="[^"]+"/><text [^>]+>([^<]+)<', chart)
    assert len(legend) == 11 and legend[-1] == "others"  # the top ten, and the rest as one
    mapped = set(re.findall(r'<a href="/country/([A-Z]{2})"><path', home))
    assert len(mapped) >= 40
    index = get(site + "/programme").text
    assert index.count('<tr><td><a href="/programme/') == programmes


def test_facets_show_their_top_and_all_on_request(site: str) -> None:
    page = get(site + "/search?q=training").text
    countries = page.split('id="facet-country"')[1].split("</ul>")[0]
    assert countries.count("<li>") == 12
    shown_all = re.search(r'class="all" href="([^"]+all=country)">show all (\d+)<', page)
    assert shown_all is not None and int(shown_all.group(2)) >= 40
    whole = get(site + shown_all.group(1).replace("&amp;", "&")).text
    assert whole.split('id="facet-country"')[1].split("</ul>")[0].count("<li>") == int(
        shown_all.group(2)
    )


def test_a_big_country_and_programme_come_in_pages(site: str) -> None:
    countries = get(site + "/country").text
    first = re.search(
        r'<a href="/country/([A-Z]{2})">\1</a></td><td>[^<]*</td><td>(\d+)<', countries
    )
    assert first is not None and int(first.group(2)) > 200
    page = get(site + f"/country/{first.group(1)}").text
    assert page.count('<li><a href="/activity/') <= 100 and "?page=2" in page
    programmes = get(site + "/programme").text
    top = re.search(r'<a href="(/programme/[^"]+)">', programmes)
    assert top is not None
    big = get(site + top.group(1)).text
    assert 'class="map"' in big and "?page=2" in big


VIEWS = ("/", "/search?q=training", "/programme", "/country")


@pytest.mark.parametrize("width", [1280, 390])
def test_in_a_browser_nothing_is_wider_than_the_screen(
    site: str, browser: Browser, width: int
) -> None:
    """At 1,280 and 390 px, every page kind of this archive (a big programme, a big
    country, an activity) fits the window; the screenshots are taken here."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    tab = context.new_page()
    programmes = get(site + "/programme").text
    big = re.search(r'<a href="(/programme/[^"]+)">', programmes)
    country = re.search(r'<a href="(/country/[A-Z]{2})">', get(site + "/country").text)
    assert big is not None and country is not None
    wide = {}
    for path in (*VIEWS, big.group(1), country.group(1), "/activity/100000"):
        tab.goto(site + path)
        scroll = tab.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            wide[path] = scroll
    assert wide == {}
    shots = {"/": "home", "/search?q=training": "search", big.group(1): "programme",
             country.group(1): "country"}  # fmt: skip
    for path, name in shots.items():
        tab.goto(site + path)
        suffix = "" if width > 700 else "-phone"
        if width > 700 or name == "search":
            whole = width > 700 and name in ("home", "search")
            tab.screenshot(path=str(SCREENSHOTS / f"{name}{suffix}.png"), full_page=whole)
    context.close()
