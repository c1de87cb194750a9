"""The web app's routes over real HTTP (no browser): pages, parameters, CSP, captures."""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pyarrow.parquet as pq
import pytest

from pipeline.archive import Index, Payloads
from pipeline.web.capture import CAPTURE_CSP
from pipeline.web.pages import PAGE_CSP
from tests.conftest import run_cli
from tests.webapp import web_app


@pytest.fixture(scope="module")
def site(archive: Path) -> Iterator[str]:
    with web_app(archive) as url:
        yield url


def get(url: str, **params: str) -> httpx.Response:
    return httpx.get(url, params=params, timeout=30)


def test_home_says_what_the_archive_holds(site: str) -> None:
    r = get(site + "/")
    assert r.status_code == 200 and r.headers["content-security-policy"] == PAGE_CSP
    assert "<strong>41</strong> activities" in r.text and "<strong>7</strong> programmes" in r.text
    assert "<svg" in r.text and "Activities per year, by programme" in r.text
    assert 'href="/programme/PACO-Serbia"' in r.text
    assert "site (" in r.text  # captures by source
    # where they took place: Serbia shaded and linked, Belgrade a dot, from the tables
    serbia = re.search(r'<a href="/country/RS"><path d="[^"]+" fill="#[0-9a-f]+" [^>]*>'
                       r"<title>Serbia: (\d+) activit", r.text)  # fmt: skip
    took_place = get(site + "/data/jparchive.json", _shape="array", sql=(
        "SELECT COUNT(*) AS n FROM activities WHERE location_country_code = 'RS'")).json()  # fmt: skip
    assert serbia is not None and int(serbia.group(1)) == took_place[0]["n"] > 0
    assert re.search(r"<circle [^>]+><title>Belgrade: \d+ activit", r.text)


def test_search_ranks_highlights_facets_and_exports(site: str) -> None:
    r = get(site + "/search", q="cybercrime")
    assert r.status_code == 200
    ids = [int(i) for i in re.findall(r'href="/activity/(\d+)"', r.text)]
    assert 18356 in ids and len(ids) == len(set(ids))
    assert "<mark>" in r.text
    assert 'id="facet-country"' in r.text and "Serbia" in r.text
    narrowed = get(site + "/search", q="cybercrime", country="RS")
    serbian = [int(i) for i in re.findall(r'href="/activity/(\d+)"', narrowed.text)]
    assert 18356 in serbian and set(serbian) < set(ids)
    export = re.search(r'id="csv" href="([^"]+)"', narrowed.text)
    assert export is not None
    table = httpx.get(site + export.group(1).replace("&amp;", "&"), timeout=30)
    assert table.status_code == 200
    rows = list(csv.DictReader(io.StringIO(table.text)))
    assert sorted(int(r["activity_id"]) for r in rows) == sorted(serbian)


@pytest.mark.parametrize("params", [{"q": "the"}, {"q": "cybercrime", "country": "RS"},
                                    {"q": "the", "page": "2"}])  # fmt: skip
def test_the_exports_hold_every_match_the_page_counts(site: str, params: dict[str, str]) -> None:
    """Past the page's 20 rows and past Datasette's 5,000: the page's own count, with
    the page's own filters (beneficiary countries), in CSV and in JSON."""
    page = get(site + "/search", **params)
    total = int(re.search(r'<strong id="total">(\d+)</strong>', page.text).group(1))  # type: ignore[union-attr]
    links = dict(re.findall(r'id="(csv|json)" href="([^"]+)"', page.text))
    as_json = httpx.get(site + html.unescape(links["json"]), timeout=30).json()
    as_csv = list(csv.DictReader(io.StringIO(
        httpx.get(site + html.unescape(links["csv"]), timeout=30).text)))  # fmt: skip
    assert len(as_json) == len(as_csv) == total and total > 0
    assert [r["activity_id"] for r in as_json] == [int(r["activity_id"]) for r in as_csv]
    assert all(r["matched"] in ("page", "names") or r["matched"].startswith("document: ")
               for r in as_json)  # fmt: skip
    if "country" in params:
        countries = get(site + "/data/jparchive.json", _shape="array", sql=(
            "SELECT activity_id FROM activity_countries WHERE role = 'beneficiary' "
            "AND country_code = 'RS'")).json()  # fmt: skip
        assert {r["activity_id"] for r in as_json} <= {c["activity_id"] for c in countries}


@pytest.mark.parametrize("params", [{"treaty": "185"}, {"programme": "CyberCrime@IPA"},
                                    {"country": "RS", "from": "2007", "to": "2007"}])  # fmt: skip
def test_filters_alone_list_what_passes_them_by_date(site: str, params: dict[str, str]) -> None:
    r = get(site + "/search", **params)
    assert r.status_code == 200
    total = int(re.search(r'<strong id="total">(\d+)</strong>', r.text).group(1))  # type: ignore[union-attr]
    listed = [int(i) for i in re.findall(r'class="title" href="/activity/(\d+)"', r.text)]
    assert total > 0 and len(listed) == min(total, 20)
    links = dict(re.findall(r'id="(csv|json)" href="([^"]+)"', r.text))
    rows = httpx.get(site + html.unescape(links["json"]), timeout=30).json()
    assert [row["activity_id"] for row in rows][:20] == listed and len(rows) == total
    dates = [row["start_date"] for row in rows if row["start_date"]]
    assert dates == sorted(dates)  # by date
    assert all(row["matched"] is None for row in rows)


@pytest.mark.parametrize("params", [{"q": "the"}, {"programme": "PACO-Serbia"}])
def test_results_come_by_relevance_or_by_date_as_chosen(site: str, params: dict[str, str]) -> None:
    def order(sort: str) -> tuple[list[int], list[dict[str, Any]]]:
        page = get(site + "/search", **params, sort=sort)
        assert page.status_code == 200 and 'name="sort"' in page.text
        listed = [int(i) for i in re.findall(r'class="title" href="/activity/(\d+)"', page.text)]
        link = html.unescape(re.search(r'id="json" href="([^"]+)"', page.text).group(1))  # type: ignore[union-attr]
        return listed, httpx.get(site + link, timeout=30).json()

    (oldest, rows), (newest, latest) = order("date"), order("newest")
    dated = [r["start_date"] for r in rows if r["start_date"]]
    assert len(set(dated)) > 3 and dated == sorted(dated)  # the page's own order, exported
    assert [r["start_date"] for r in latest if r["start_date"]] == sorted(dated, reverse=True)
    assert oldest == [r["activity_id"] for r in rows][:20] and newest != oldest
    assert all(r["start_date"] is None for r in rows[len(dated) :])  # undated: last
    if "q" in params:  # words: by relevance unless asked (the exports in the same order)
        ranked, ranked_rows = order("relevance")
        assert order("")[0] == ranked and ranked != oldest
        assert [r["activity_id"] for r in ranked_rows][:20] == ranked
    else:  # nothing to rank by: by date, and said so
        assert order("relevance")[0] == oldest
    refused = get(site + "/search", **params, sort="price")
    assert refused.status_code == 400 and "no order (relevance, date or newest)" in refused.text


def _found(site: str, q: str) -> set[int]:
    r = get(site + "/search", q=q)
    assert r.status_code == 200, r.text
    return {int(i) for i in re.findall(r'class="title" href="/activity/(\d+)"', r.text)}


def test_query_syntax_is_honoured(site: str) -> None:
    """A prefix (cyber*), a phrase in quotes, -word left out: honoured, not ignored."""
    cyber = _found(site, "cybercrime")
    assert cyber and cyber <= _found(site, "cyber*")
    assert _found(site, "cyberc") == set()  # no prefix without the star
    conference = _found(site, '"Regional Conference on Cybercrime"')
    assert 18356 in conference and len(conference) < len(_found(site, "regional conference"))
    without = _found(site, "cybercrime -serbia")
    assert without < cyber and 18356 not in without
    r = get(site + "/search", q="-serbia")
    assert r.status_code == 400 and "only leaves words out" in r.text


def test_search_reaches_people_organisations_and_places(site: str) -> None:
    """ "Marco Gercke" finds the pages that wrote "M. Gercke" (one person), an acronym its
    organisation's activities, "Kyiv" the activities there; each says what matched."""
    page = get(site + "/search", q='"Marco Gercke"')
    found = _ids_of(page)
    assert {18356, 18420, 20107, 35120} <= found and 41590 not in found  # not Maria
    assert "In the names of its people, organisations or place" in page.text
    assert 37820 in _ids_of(get(site + "/search", q="Microsoft"))  # a partner
    assert {39505} <= _ids_of(get(site + "/search", q="NAC"))  # an acronym
    kyiv = httpx.get(site + "/search.json", params={"q": "Kyiv"}, timeout=30).json()
    assert kyiv and all(r["matched"] in ("page", "names") or r["matched"].startswith("document")
                        for r in kyiv)  # fmt: skip
    assert any(r["location"] == "Kyiv, Ukraine" for r in kyiv)


def test_dates_narrow_to_the_day_and_lists_offer_names(site: str) -> None:
    """from/to take a year, a month or a day; the form's lists are the data's, by name."""
    year = _ids_of(get(site + "/search", q="cybercrime", **{"from": "2007", "to": "2007"}))
    march = _ids_of(get(site + "/search", q="cybercrime", **{"from": "2007-03-01",
                                                           "to": "2007-03-31"}))  # fmt: skip
    assert 18356 in march and march < year  # 19 to 21 March 2007, of all 2007
    day = _ids_of(get(site + "/search", q="cybercrime", **{"from": "2007-03-22"}))
    assert 18356 not in day  # it ended on the 21st
    bad = get(site + "/search", q="x", **{"from": "2007-02-30"})
    assert bad.status_code == 400 and "no year, month or day" in bad.text
    form = get(site + "/search").text
    assert '<option value="RS">Serbia</option>' in form
    assert '<option value="CyberCrime@IPA">CyberCrime@IPA</option>' in form
    assert re.search(r'<option value="185">ETS 185 \(Budapest Convention\)</option>', form)


def test_a_facet_shows_its_top_entries_and_all_on_request(site: str) -> None:
    r = get(site + "/search", q="the")
    shown = re.findall(r'<ul class="facet" id="facet-country">(.*?)</ul>', r.text, re.S)[0]
    link = re.search(r'class="all" href="([^"]+)">show all (\d+)</a>', r.text)
    if link is None:  # the fixture site may name few countries: then all are shown
        assert shown.count("<li>") <= 12
        return
    assert shown.count("<li>") == 12
    whole = httpx.get(site + html.unescape(link.group(1)), timeout=30)
    every = re.findall(r'<ul class="facet" id="facet-country">(.*?)</ul>', whole.text, re.S)[0]
    assert every.count("<li>") == int(link.group(2)) > 12
    assert get(site + "/search", q="x", all="nope").status_code == 400


def _ids_of(page: httpx.Response) -> set[int]:
    assert page.status_code == 200, page.text
    return {int(i) for i in re.findall(r'class="title" href="/activity/(\d+)"', page.text)}


def test_search_years_and_programme(site: str) -> None:
    r = get(site + "/search", q="cybercrime", **{"from": "2007", "to": "2007"})
    ids = set(re.findall(r'href="/activity/(\d+)"', r.text))
    assert ids == {"18356", "18420"}
    r = get(site + "/search", q="training", programme="UKR-TEJSU")
    assert r.status_code == 200 and "UKR-TEJSU" in r.text


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"q": "x", "country": "ZZ"}, "country: 'ZZ' is no country of the archive"),
        ({"q": "x", "country": "Serbia"}, "is no country"),
        ({"q": "x", "programme": "NOPE"}, "programme: 'NOPE' is no programme"),
        ({"q": "x", "from": "20x7"}, "from: '20x7' is no year"),
        ({"q": "x", "from": "2009", "to": "2007"}, "from 2009 is after to 2007"),
        ({"q": "x", "page": "0"}, "page: '0' is no page number"),
        ({"q": "x" * 201}, "q: 201 characters"),
        ({"q": "!!!"}, "holds no word"),
        ({"q": "x", "page": "²"}, "page: '²' is no page number"),  # a digit to isdigit()
        ({"q": "x", "from": "٢٠٠٧"}, "is no year"),  # Arabic-Indic digits
        ({"q": "x", "treaty": "١٨٥"}, "treaty"),
    ],
)
def test_bad_search_parameters_are_a_400_with_a_reason(
    site: str, params: dict[str, str], reason: str
) -> None:
    r = get(site + "/search", **params)
    assert r.status_code == 400
    assert reason in html.unescape(r.text)


def test_a_parameter_given_twice_is_refused(site: str) -> None:
    r = httpx.get(site + "/search?q=a&q=b")
    assert r.status_code == 400 and "give it once" in r.text


def test_fts_syntax_in_the_words_is_searched_for_not_run(site: str) -> None:
    r = get(site + "/search", q='cyber* OR "NEAR(')
    assert r.status_code == 200


def test_activity_page_is_the_record_with_its_provenance(site: str, archive: Path) -> None:
    r = get(site + "/activity/18356")
    assert r.status_code == 200 and r.headers["content-security-policy"] == PAGE_CSP
    text = r.text
    assert "Regional Conference on Cybercrime" in text
    assert "19/03/2007 - 21/03/2007" in text and "2007-03-19" in text
    for expert in ("M. Gercke", "C. Schulman"):
        assert expert in text
    assert 'href="/programme/PACO-Serbia"' in text and 'href="/country/RS"' in text
    with Index(archive / "raw" / "index.sqlite3", readonly=True) as index:
        captures = [c for c in index.captures() if c.activity_id == 18356]
    assert captures and all(f'href="/capture/{c.capture_id}"' in text for c in captures)
    assert captures[0].warc_file in text and captures[0].payload_digest in text
    assert 'id="cite"' in text and "Joint Programmes activity 18356" in text
    # cited by the page's address on the site, not the mirror's on 127.0.0.1 it came from
    cite = text.split('id="cite">', 1)[1].split("</blockquote>", 1)[0]
    address = "http://www.jp.coe.int/CEAD/Countries.asp?ID=18356&amp;ActSyn=True"
    assert f"activity 18356, {address} (captured 2" in cite and "127.0.0.1" not in cite
    # framed: the capture the row was read from (the synopsis view, not the listings' one)
    [digest] = [
        r["payload_digest"]
        for r in pq.read_table(archive / "parquet" / "activities.parquet").to_pylist()
        if r["activity_id"] == 18356
    ]
    read_from = next(c for c in captures if c.payload_digest == digest and c.status == 200)
    assert read_from.url.endswith("&ActSyn=True")
    assert f'<iframe title="The archived page, capture {read_from.capture_id}"' in text
    assert 'sandbox=""' in text


@pytest.mark.parametrize(("path", "status"), [
    ("/activity/abc", 400), ("/activity/1", 404), ("/programme/NOPE", 404),
    ("/country/ZZ", 404), ("/capture/999999", 404), ("/capture/-1", 400),
    ("/capture/..%2F..%2Fetc%2Fpasswd", 400), ("/data/jparchive/nope", 404),
])  # fmt: skip
def test_unknown_records_and_bad_ids(site: str, path: str, status: int) -> None:
    r = httpx.get(site + path)
    assert r.status_code == status
    assert "Traceback" not in r.text


def test_a_capture_is_its_archived_bytes_under_a_sandboxing_csp(site: str, archive: Path) -> None:
    with Index(archive / "raw" / "index.sqlite3", readonly=True) as index:
        capture = next(c for c in index.captures() if c.activity_id == 18356)
        with Payloads(archive / "raw", index) as payloads:
            body = payloads.read(capture)
    r = httpx.get(f"{site}/capture/{capture.capture_id}")
    assert r.status_code == 200 and r.content == body
    assert r.headers["content-security-policy"] == CAPTURE_CSP
    assert r.headers["x-content-type-options"] == "nosniff"


def test_the_capture_csp_forbids_scripts_and_every_outside_request() -> None:
    directives = {}
    for part in CAPTURE_CSP.split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value
    assert directives["default-src"] == "'none'" and directives["script-src"] == "'none'"
    assert "sandbox" in directives and "allow-scripts" not in directives["sandbox"]
    for name, value in directives.items():
        if name != "frame-ancestors":  # who may frame it: ours, which is no request
            assert not any(s in value for s in ("http", "*", "'self'")), name
    assert directives["img-src"] == "data:" and directives["connect-src"] == "'none'"
    assert "'unsafe-eval'" not in CAPTURE_CSP


def test_programme_and_country_pages(site: str) -> None:
    r = get(site + "/programme/PACO-Serbia")
    assert r.status_code == 200
    assert "3 500 000" in r.text and "2006-08-01" in r.text and "DG I - Legal Affairs" in r.text
    assert 'href="/activity/18356"' in r.text and "<svg" in r.text
    assert 'class="map"' in r.text and '<a href="/country/RS"><path' in r.text
    r = get(site + "/country/rs")
    assert r.status_code == 200 and "Serbia" in r.text and 'href="/activity/18356"' in r.text


def test_indexes_and_the_pages_of_people_places_and_organisations(site: str) -> None:
    countries = get(site + "/country")
    assert countries.status_code == 200 and 'href="/country/RS"' in countries.text
    programmes = get(site + "/programme")
    assert 'href="/programme/CyberCrime%40IPA"' in programmes.text
    page = get(site + "/activity/20107")  # "Prof. Dr. Marco Gercke", in Belgrade
    person = re.search(r'href="(/person/[0-9a-f]{16})">Prof. Dr. Marco Gercke<', page.text)
    place = re.search(r'id="place" href="([^"]+)"', page.text)
    assert person is not None and place is not None
    gercke = get(site + person.group(1))
    assert gercke.status_code == 200 and "M. Gercke" in gercke.text  # every written form
    assert 'href="/activity/18356"' in gercke.text and "<svg" in gercke.text
    belgrade = get(site + html.unescape(place.group(1)))
    assert belgrade.status_code == 200 and "44.80401" in belgrade.text
    assert re.search(r"<circle [^>]+><title>Belgrade: \d+ activit", belgrade.text)
    assert get(site + "/person/0000000000000000").status_code == 404
    assert get(site + "/organisation/nope").status_code == 404


def test_long_lists_come_in_pages(site: str) -> None:
    first = get(site + "/country/RS")
    total = int(re.search(r'<p class="count">(\d+) activities', first.text).group(1))  # type: ignore[union-attr]
    assert total == len(re.findall(r'<li><a href="/activity/', first.text)) <= 100
    assert get(site + "/country/RS", page="2").status_code == (200 if total > 100 else 400)
    assert get(site + "/programme/PACO-Serbia", page="x").status_code == 400


def test_datasette_pages_stay_under_data(site: str) -> None:
    assert httpx.get(site + "/data/").status_code == 302
    r = httpx.get(site + "/data/jparchive/activities.json?_shape=array&_size=2")
    assert r.status_code == 200 and len(r.json()) == 2
    r = httpx.get(site + "/data/jparchive/activities?_facet=programme_code")
    assert r.status_code == 200 and "PACO-Serbia" in r.text


@pytest.mark.parametrize("sql", [
    "ATTACH DATABASE '/tmp/x.db' AS x", "SELECT load_extension('x')",
    "DELETE FROM activities", "SELECT * FROM activities; DROP TABLE activities",
])  # fmt: skip
def test_sql_is_read_only_and_reaches_no_file(site: str, sql: str) -> None:
    r = httpx.get(site + "/data/jparchive.json", params={"sql": sql})
    assert r.status_code in (400, 403), r.text
    assert httpx.get(site + "/data/jparchive/activities.json?_size=1").status_code == 200


def test_a_slow_query_is_stopped(site: str) -> None:
    slow = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
            "SELECT COUNT(*) FROM n")  # fmt: skip
    r = httpx.get(site + "/data/jparchive.json", params={"sql": slow}, timeout=30)
    assert r.status_code == 400 and "time limit" in r.text.lower()
    page = httpx.get(site + "/data/jparchive", params={"sql": slow}, timeout=30)
    reason = re.search(r'<p class="reason">(.*?)</p>', page.text, re.S)
    assert page.status_code == 400 and reason is not None
    assert reason.group(1).startswith("SQL query took too long. The time limit is controlled")
    assert "&lt;" not in reason.group(1)  # text, not markup shown as text


@pytest.mark.parametrize("sql", [
    "select length(printf('%.*c', 1000000000, 'x'))", "select length(randomblob(1000000000))",
    "select length(zeroblob(1000000000))",
])  # fmt: skip
def test_a_query_that_would_make_a_huge_value_fails_at_once(site: str, sql: str) -> None:
    """One function call that would run for seconds and take gigabytes (the time limit
    cannot stop it): refused as too big instead."""
    r = httpx.get(site + "/data/jparchive.json", params={"sql": sql}, timeout=30)
    assert r.status_code == 400 and "too big" in r.text, r.text
    assert r.elapsed.total_seconds() < 1.0  # it never ran: not a measure of speed


def test_the_pages_answer_while_hostile_queries_hold_every_sql_thread(site: str) -> None:
    """Queries on Datasette's SQL page, each stopped only by its time limit, hold all
    of its threads and queue for them; an activity page still answers while they run."""
    import threading
    import time

    slow = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
            "SELECT COUNT(*) FROM n")  # fmt: skip
    finished: list[float] = []

    def hostile() -> None:
        httpx.get(site + "/data/jparchive.json", params={"sql": slow}, timeout=30)
        finished.append(time.monotonic())

    assert httpx.get(site + "/activity/18356", timeout=30).status_code == 200  # warm
    # six: Datasette's three SQL threads are busy for two seconds, the last three waiting
    threads = [threading.Thread(target=hostile) for _ in range(6)]
    for t in threads:
        t.start()
    time.sleep(0.3)  # all three running (each runs a second)
    page = httpx.get(site + "/activity/18356", timeout=30)
    answered = time.monotonic()
    searched = httpx.get(site + "/search", params={"q": "cybercrime"}, timeout=30)
    for t in threads:
        t.join(30)
    assert page.status_code == 200 and searched.status_code == 200
    # a page that waited for a SQL thread would answer after the second three
    assert len(finished) == 6 and answered < sorted(finished)[3], (answered, finished)


def test_no_internal_link_is_broken(site: str) -> None:
    """Every link from `/`, three links deep (ours, and Datasette's sort, facet, JSON
    and CSV links), answers without a 4xx or 5xx; of each path, one query string is
    followed (Datasette writes hundreds of facet links per table)."""
    from collections import Counter, deque
    from urllib.parse import urljoin, urlsplit

    host = urlsplit(site).netloc
    seen, per_path = {"/"}, Counter[str]()
    queue, broken = deque([("/", 0)]), {}
    with httpx.Client(timeout=30) as client:
        while queue:
            path, depth = queue.popleft()
            r = client.get(site + path)
            if r.status_code >= 400:
                broken[path] = r.status_code
                continue
            if depth == 3 or not r.headers.get("content-type", "").startswith("text/html"):
                continue
            for href in re.findall(r'href="([^"]+)"', r.text):
                u = urlsplit(urljoin(site + path, html.unescape(href)))
                target = u.path + (f"?{u.query}" if u.query else "")
                if u.netloc == host and target not in seen and per_path[u.path] < 1:
                    seen.add(target)
                    per_path[u.path] += 1
                    queue.append((target, depth + 1))
    assert len(seen) > 100 and broken == {}
    assert any(p.startswith("/programme/CyberCrime%40IPA") for p in seen)
    assert any(p.startswith("/data/jparchive/activities") for p in seen)


@pytest.mark.parametrize(
    "path", ["/activity/１８３５６", "/capture/²", "/replay/２００７0101000000/x"]
)
def test_digits_that_are_not_ascii_are_no_number(site: str, path: str) -> None:
    r = get(site + path)
    assert r.status_code in (400, 404) and "<html" in r.text


@pytest.mark.parametrize("path", [
    "/data/-/threads", "/data/-/messages", "/data/-/allow-debug", "/data/-/databases.json",
    "/data/-/permissions", "/data/-/actor.json",
])  # fmt: skip
def test_datasettes_introspection_pages_are_closed(site: str, path: str, archive: Path) -> None:
    r = get(site + path)
    assert r.status_code == 404 and str(archive.parent) not in r.text


@pytest.mark.parametrize("hidden", ["\x01javascript:alert(1)", "java\tscript:alert(1)",
                                    " JavaScript:alert(1)", "data:text/html,<b>x</b>"])  # fmt: skip
def test_an_archived_link_that_is_no_web_address_is_no_link(hidden: str) -> None:
    from pipeline.web.pages import safe_href

    assert safe_href(hidden) is None
    assert safe_href("http://www.coe.int/cybercrime") == "http://www.coe.int/cybercrime"


def test_a_rebuild_while_serving_is_served(archive: Path, tmp_path: Path) -> None:
    """`jparchive build` while the app serves swaps in a new database and deletes the
    old build: the app follows it (Datasette's pages and ours), never the deleted one."""
    import shutil

    from pipeline.build import BuildConfig, build

    data = tmp_path / "data"
    shutil.copytree(archive, data, symlinks=True)
    with web_app(data) as app:
        assert get(app + "/activity/18356").status_code == 200
        before = (data / "jparchive.db").resolve()
        build(BuildConfig(data=data, progress=False))
        after = (data / "jparchive.db").resolve()
        assert after != before and not before.exists()
        for path in ("/activity/18356", "/search?q=cybercrime",
                     "/data/jparchive/activities.json?_size=1",
                     "/data/jparchive.json?sql=select+count(*)+from+activities"):  # fmt: skip
            assert get(app + path).status_code == 200, path


def test_serve_says_what_is_missing(tmp_path: Path) -> None:
    out = run_cli("serve", "--data", str(tmp_path), "--port", "1")
    assert out.returncode == 2
    assert "run `jparchive build" in out.stderr and "Traceback" not in out.stderr


def test_the_activity_links_its_expected_result_and_purpose_rows(site: str) -> None:
    text = get(site + "/activity/18356").text
    result = re.search(r'id="result" href="([^"]+)"', text)
    assert result is not None
    r = httpx.get(site + html.unescape(result.group(1)))
    assert r.status_code == 200 and "Networking for the implementation" in r.text
    purpose = re.search(r'href="(/data/jparchive/project_purposes/\d+)"', text)
    assert purpose is not None and httpx.get(site + purpose.group(1)).status_code == 200


def test_a_wayback_address_is_cited_as_the_archive_shows_it() -> None:
    from pipeline.urls import citable

    raw = "http://web.archive.org/web/20070404120000id_/http://www.jp.coe.int/CEAD/x.asp?ID=1"
    assert (
        citable(raw)
        == "http://web.archive.org/web/20070404120000/http://www.jp.coe.int/CEAD/x.asp?ID=1"
    )
    assert citable("crawl.warc.gz:1234") is None and citable(None) is None


def test_search_results_come_in_pages(site: str) -> None:
    first = get(site + "/search", q="the")
    total = int(re.search(r'id="total">(\d+)<', first.text).group(1))  # type: ignore[union-attr]
    assert total > 20
    ids = re.findall(r'class="title" href="/activity/(\d+)"', first.text)
    assert len(ids) == 20 and 'rel="next"' in first.text and 'rel="prev"' not in first.text
    nxt = re.search(r'rel="next" href="([^"]+)"', first.text)
    assert nxt is not None
    second = httpx.get(site + html.unescape(nxt.group(1)))
    more = re.findall(r'class="title" href="/activity/(\d+)"', second.text)
    assert more and not set(more) & set(ids) and len(ids) + len(more) <= total
    assert 'rel="prev"' in second.text


def test_serve_listens_on_this_machine_only_by_default(archive: Path) -> None:
    import subprocess
    import time

    from tests.conftest import JPARCHIVE
    from tests.servers import free_port

    port = free_port()
    proc = subprocess.Popen([str(JPARCHIVE), "serve", "--data", str(archive), "--port", str(port)],
                            stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        for _ in range(200):
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        else:
            raise AssertionError("jparchive serve did not start")
        assert answer.status_code == 200
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert f"at http://127.0.0.1:{port}/" in err


def test_charts_hold_at_the_sites_scale() -> None:
    """150 programmes: the ten largest are named, the rest are "others"; a year with no
    activity is a zero; a programme keeps its colour unless a bigger one of the chart has
    it, and no two of a chart share one (180 programmes, 18 colours); a timeline
    of 300 activities is as tall as its busiest time, not 300 rows, and one of 4,000 is
    a count per month (not 4,000 bars of 650 KB)."""
    from datetime import date, timedelta

    from pipeline.web import charts

    counts = {str(y): {f"P-{p:03d}": (p % 7) + 1 for p in range(150)} for y in (2004, 2009)}
    svg = charts.stacked_bars(counts, "Activities per year")
    legend = re.findall(r'<text x="\d+" y="\d+" font-size="12">([^<]+)</text>', svg)
    assert len(legend) == charts.TOP_SERIES + 1 and legend[-1] == charts.OTHERS
    assert {f">{y}</text>" in svg for y in range(2004, 2010)} == {True}  # 2005-2008 too
    alone = charts.stacked_bars({"2007": {"P-006": 1}}, "x")
    assert charts.colour("P-006") in alone
    drawn = re.findall(r'<rect x="\d+" y="\d+" width="12" height="12" fill="(#[0-9a-f]{6})"', svg)
    assert len(drawn) == len(legend) and len(set(drawn)) == len(drawn), drawn
    # the names of the chart's ten give some the same colour: the bigger keeps it
    clash = [n for n in legend[:-1] if charts.colour(n) != drawn[legend.index(n)]]
    assert clash, "no two of the ten had the same colour by name: the test shows nothing"
    start = date(2006, 1, 1)
    spans: list[tuple[str, date, date | None]] = [
        (f"a{i}", start + timedelta(days=i), start + timedelta(days=i + 2)) for i in range(4000)
    ]
    few = charts.timeline(spans[: charts.MAX_BARS], "t")
    height = int(re.search(r'height="(\d+)"', few).group(1))  # type: ignore[union-attr]
    assert height < 100 and few.count("<rect") == charts.MAX_BARS
    many = charts.timeline(spans, "t")  # past MAX_BARS: how many started each month
    months = re.findall(r"<title>(\d{4}-\d\d): (\d+)</title>", many)
    assert len(many) < 20_000 and sum(int(n) for _, n in months) == 4000
    assert months[0] == ("2006-01", "31") and len(months) == 132  # Jan 2006 to Dec 2016


def test_the_matches_of_the_latest_searches_are_kept_not_read_again() -> None:
    """The next page of a search, its facets and its CSV reuse the words' matches; the
    HITS_KEPT latest searches are kept, the oldest given up first."""
    import numpy as np

    from pipeline.web.searching import HITS_KEPT, Facts, Hits

    facts, reads = Facts(), []

    def read(q: str) -> Hits:
        reads.append(q)
        return np.array([1]), np.array([0.5]), {1: "page"}

    for q in ["cyber", "cyber", "prison", "cyber"]:
        facts.hits(q, lambda q=q: read(q))  # type: ignore[misc]
    assert reads == ["cyber", "prison"]
    for n in range(HITS_KEPT):
        facts.hits(f"w{n}", lambda n=n: read(f"w{n}"))  # type: ignore[misc]
    facts.hits("w5", lambda: read("w5"))  # still kept
    facts.hits("cyber", lambda: read("cyber"))  # pushed out by the 64 since: read again
    assert reads[-1] == "cyber" and reads.count("w5") == 1


def test_an_activity_and_a_search_are_cited_as_downloads(site: str) -> None:
    """The activity page's and the search's citation links: BibTeX, RIS and CSL-JSON
    that their own libraries read back, a search's holding every match."""
    import rispy
    from bibtexparser.entrypoint import parse_string

    page = get(site + "/activity/18356").text
    assert 'href="/activity/18356.bib"' in page and 'href="/activity/18356.csl.json"' in page
    bib = httpx.get(site + "/activity/18356.bib", timeout=30)
    assert bib.status_code == 200 and "attachment" in bib.headers["content-disposition"]
    [entry] = parse_string(bib.text).entries
    assert entry.key == "jp-activity-18356" and entry.fields_dict["url"].value.endswith(
        "ID=18356&ActSyn=True"
    )
    [record] = rispy.loads(httpx.get(site + "/activity/18356.ris", timeout=30).text)
    assert record["title"] == "Regional Conference on Cybercrime"
    [item] = httpx.get(site + "/activity/18356.csl.json", timeout=30).json()
    assert item["id"] == "jp-activity-18356" and item["type"] == "webpage"
    search = get(site + "/search", q="cybercrime", country="RS")
    total = int(re.search(r'<strong id="total">(\d+)</strong>', search.text).group(1))  # type: ignore[union-attr]
    link = html.unescape(re.search(r'id="bib" href="([^"]+)"', search.text).group(1))  # type: ignore[union-attr]
    assert len(parse_string(httpx.get(site + link, timeout=30).text).entries) == total
    assert httpx.get(site + "/activity/1.bib", timeout=30).status_code == 404


def test_an_activity_page_embeds_its_citation_for_reference_managers(site: str) -> None:
    """Highwire `citation_*` and Dublin Core tags, and schema.org JSON-LD (a WebPage,
    archived, about the Event), read back by extruct as a reference manager would."""
    import extruct
    from selectolax.lexbor import LexborHTMLParser

    text = get(site + "/activity/18356").text
    meta = {m.attributes["name"]: m.attributes["content"]
            for m in LexborHTMLParser(text).css("head meta[name]")}  # fmt: skip
    address = "http://www.jp.coe.int/CEAD/Countries.asp?ID=18356&ActSyn=True"
    assert meta["citation_title"] == meta["DC.title"] == "Regional Conference on Cybercrime"
    assert meta["citation_author"] == meta["DC.creator"] == "Council of Europe"
    assert meta["citation_public_url"] == meta["DC.identifier"] == address
    found = extruct.extract(text, base_url=site, syntaxes=["json-ld", "dublincore"])
    [page] = found["json-ld"]
    assert page["@type"] == "WebPage" and page["url"] == address
    assert page["archivedAt"].startswith(site + "/replay/2")  # where this app replays it
    assert page["archivedAt"].endswith("/CEAD/Countries.asp?ID=18356&ActSyn=True")
    event = page["about"]
    assert (event["@type"], event["startDate"], event["endDate"]) == (
        "Event", "2007-03-19", "2007-03-21")  # fmt: skip
    assert event["location"]["address"]["addressCountry"] == "RS"
    assert {f["name"] for f in event["funder"]} == {"European Union", "Council of Europe"}
    assert "M. Gercke" in {p["name"] for p in event["performer"]}
    dublin = {e["URI"]: e["content"] for e in found["dublincore"][0]["elements"]}
    assert dublin["http://purl.org/dc/elements/1.1/title"] == "Regional Conference on Cybercrime"
    assert dublin["http://purl.org/dc/elements/1.1/identifier"] == address


def test_embedded_json_ld_cannot_end_its_block() -> None:
    from pipeline.web.embedded import embedded

    hostile = "</script><script>alert(1)</script> & <!--"
    row = {"activity_id": 1, "title": hostile, "original_url": "http://www.jp.coe.int/x",
           "last_modified": None, "location": hostile, "location_country_code": None,
           "programme_code": None, "start_date": None, "end_date": None}  # fmt: skip
    tags, jsonld = embedded(row, [], [], None)
    assert "<" not in jsonld and ">" not in jsonld and "&" not in jsonld
    import json

    assert json.loads(jsonld)["name"] == hostile and ("citation_title", hostile) in tags
