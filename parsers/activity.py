"""Parse an "Activity Details" page into an `ActivityRecord`.

    >>> from pathlib import Path
    >>> page_bytes = Path("fixtures/site/CEAD/activities/18356.html").read_bytes()
    >>> record = parse_activity(page_bytes, url="http://www.jp.coe.int/CEAD/Countries.asp?ID=18356")
    >>> record.title, record.start_date
    ('Regional Conference on Cybercrime', datetime.date(2007, 3, 19))

Pure: bytes in, record out; never raises on bad input. A value that is on the page but
cannot be read becomes None plus a `ParseIssue` carried in `record.issues`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from urllib.parse import unquote, urljoin

from selectolax.lexbor import LexborNode

from parsers import dom, plaintext
from parsers.countries import GROUP_PREFIX, country_code, split_location
from parsers.dates import DateSpan, parse_date_span, parse_day
from parsers.encoding import Decoded, decode_html
from parsers.people import PLACEHOLDER, split_list, split_names, valid_email
from parsers.record import ActivityRecord, CountryEntry, NotAnActivity, ParseIssue
from parsers.rows import page_rows
from parsers.sections import (
    ID_NUMBER,
    JP_ACTIVITY_MARKER,
    LABEL_KEYS,
    Sections,
    find_outside_rows,
    walk,
)

ID_IN_TEXT = re.compile(rf"\b{ID_NUMBER}")
ID_IN_URL = re.compile(r"[?&]ID=(\d+)", re.I)
TRANS_ID_IN_URL = re.compile(r"[?&]TransID=(\d+)", re.I)
SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
CODE_DASH = re.compile(r"\s[-–—]\s")  # "PACO-Serbia - Project ...", "... – Project ..."
JP_TRAILERS = re.compile(r"\s*\((?:Logframe|Activities)\)", re.I)
PURPOSE = re.compile(r"^(\d+)\s*[-–.)]\s*(\d{4}\s*/[^/]+/\s*JP\s*/\s*\d+)\s*(.*)$", re.S)
PURPOSE_NO_CODE = re.compile(r"^(\d+)\s*[-–]\s*(.*)$", re.S)
PURPOSE_NO_NUMBER = re.compile(r"^(\d{4}\s*/[^/]+/\s*JP\s*/\s*\d+)\s*(.*)$", re.S)
# "3.1 - text", "3.1. text", "2: text": the number, then a dash, colon or point
NUMBERED_TEXT = re.compile(r"^(\d+(?:\.\d+)*)\.?\s*(?:[-–—:)]\s*)?(.*)$", re.S)
COE_CODE_TITLE = re.compile(r"^((?:[IVXLC]+|\d+)(?:\.\d+)*)\.?(?:\s*[-–—:)]\s*|\s+)(.*)$", re.S)
COE_PROJECT = re.compile(r"^(\d{4}/[^/\s][^/]*/\d+)\s*(?:[-–—:]\s*)?(.*)$", re.S)
COUNT = re.compile(r"\d{1,3}(?:[ ,.\xa0]\d{3})+(?!\d)|\d+")
NOT_DIGITS = re.compile(r"\D")
EMAIL_IN_TEXT = re.compile(r"(?:e-?mail\s*:?\s*)?([\w.+-]+@[\w-]+(?:\.[\w-]+)+)", re.I)
EMAIL_WORD = re.compile(r"\s*\be-?mail$", re.I)
EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]|<\s*>")  # where a written-out address was
URL_IN_SCRIPT = re.compile(r"(?:https?|ftp)://[^\s'\"()]+")
URL_IN_TEXT = re.compile(r"(?:https?|ftp)://[^\s<>\"']+")
LEADING_SYMBOLS = " ⇒☆:\xa0"


class _Reader:
    """The filed rows of one page plus the issues found while reading them."""

    __slots__ = ("found", "issues")

    def __init__(self, found: Sections) -> None:
        self.found = found
        self.issues: list[ParseIssue] = []

    def text(self, slot: str) -> str | None:
        row = self.found.get(slot)
        return (row.value.strip(LEADING_SYMBOLS) or None) if row else None

    def nodes(self, slot: str) -> list[LexborNode]:
        row = self.found.get(slot)
        return row.nodes if row else []

    def problem(self, field: str, message: str, raw: str) -> None:
        self.issues.append(ParseIssue(field, message, raw))


def extract_activity_id(r: _Reader, url: str | None) -> int | None:
    # 1. the page header "Activity Details (ID# n)"
    for text in (r.found.header, r.found.synopsis_header):  # 2. the synopsis header
        if text and (m := ID_IN_TEXT.search(text)):
            return int(m.group(1))
    # 3. the ID parameter of the URL the page came from
    if url and (m := ID_IN_URL.search(url)):
        return int(m.group(1))
    return None


def extract_dates(r: _Reader) -> tuple[str | None, DateSpan | None]:
    text = r.text("date")
    if text is None:
        return None, None
    span = parse_date_span(text)
    if isinstance(span, str):
        r.problem("date", span, text)
        return text, None
    return text, span


def extract_day(r: _Reader, slot: str) -> date | None:
    # "Last Modified 04/04/2007" (maybe with a time); an empty cell is a missing value
    text = r.text(slot)
    if text is None:
        return None
    day = parse_day(text)
    if day is None:
        r.problem(slot, "not the date of one day", text)
    return day


def extract_countries(r: _Reader) -> list[CountryEntry]:
    text = r.text("countries")
    if text is None:
        return []
    entries: list[CountryEntry] = []
    for line in text.split("\n"):
        line = line.strip()
        # markers may share the cell; they are read by the row walk, not as countries
        if (
            not line
            or line.lower() in ("bilateral", "multilateral")
            or line.lower().startswith("joint programme activity")
        ):
            continue
        # "CoE Members: Albania / Croatia", or a bare list with no group prefix
        m = GROUP_PREFIX.match(line)
        group, names = (m.group(1).strip(), m.group(2)) if m else (None, line)
        for name in _country_names(names):
            entries.append(CountryEntry(name, country_code(name), group))
    return entries


def _country_names(names: str) -> list[str]:
    """ "Albania / Croatia" as the site wrote it; "Albania, Croatia" or "Albania; Croatia"
    when every part is a country ("Moldova, Republic of" stays whole)."""
    parts = [n.strip() for n in names.strip(" /").split(" / ")]  # "Albania /": a slash left
    if len(parts) == 1:
        for separator in (";", ","):
            split = [n.strip() for n in names.split(separator)]
            if len(split) > 1 and all(country_code(n) for n in split if n):
                parts = split
                break
    return [n for n in parts if n]


def extract_cooperation_type(r: _Reader) -> str | None:
    # 1. a row of its own ("Bilateral"); 2. the marker as a line of the Countries cell
    if r.found.cooperation:
        return r.found.cooperation
    for line in (r.text("countries") or "").split("\n"):
        if line.strip().lower() in ("bilateral", "multilateral"):
            return line.strip().capitalize()
    return None


def extract_programme(r: _Reader) -> tuple[str | None, str | None, int | None]:
    """(code, title, trans_id) from "JP PACO-Serbia - Project against economic crime"."""
    text = r.text("jp")
    trans_id = None
    for href in dom.links(r.nodes("jp")):
        if m := TRANS_ID_IN_URL.search(href):
            trans_id = int(m.group(1))
            break
    if text is None:
        # fallback: the "Joint Programme Activity - <code>" marker names the code only,
        # on a row of its own or as a line of the Countries cell
        return r.found.jp_activity_code or _marker_in_countries(r), None, trans_id
    text = JP_TRAILERS.sub("", text).strip()
    code, *title = CODE_DASH.split(text, maxsplit=1)  # codes hold bare hyphens, not " - "
    return code.strip() or None, (title[0].strip() or None) if title else None, trans_id


def _marker_in_countries(r: _Reader) -> str | None:
    for line in (r.text("countries") or "").split("\n"):
        if m := JP_ACTIVITY_MARKER.match(line.strip()):
            return m.group(1).strip()
    return None


def extract_project_purpose(r: _Reader) -> tuple[str | None, str | None, str | None]:
    text = r.text("project_purpose")
    if text is None:
        return None, None, None
    # 1. "3 - 2005/DG1/JP/1624   Title" (the code's DG part may hold spaces: "DG I")
    if m := PURPOSE.match(text):
        code = " ".join(m.group(2).split())
        return m.group(1), code, m.group(3).strip() or None
    # 2. "2005/DG1/JP/1624 Title" with no number
    if m := PURPOSE_NO_NUMBER.match(text):
        return None, " ".join(m.group(1).split()), m.group(2).strip() or None
    # 3. "3 - Title" with no code
    if m := PURPOSE_NO_CODE.match(text):
        r.problem("project_purpose_code", "no n/DG/JP/n code in Project Purpose", text)
        return m.group(1), None, m.group(2).strip() or None
    r.problem("project_purpose", "not 'number - code title'", text)
    return None, None, text


def extract_numbered(r: _Reader, slot: str) -> tuple[str | None, str | None]:
    """("3.1", text) from "3.1 - text" or "2 text"."""
    text = r.text(slot)
    if text is None:
        return None, None
    if (m := NUMBERED_TEXT.match(text)) and m.group(1):
        return m.group(1), m.group(2).strip() or None
    r.problem(slot, "no result number", text)
    return None, text


def extract_coe_code_title(r: _Reader, slot: str) -> tuple[str | None, str | None]:
    """("II.3", title) from "⇒ II.3 – Strengthening ..."; projects: "2004/DG1/143 Title"."""
    text = r.text(slot)
    if text is None:
        return None, None
    pattern = COE_PROJECT if slot == "coe_project" else COE_CODE_TITLE
    if m := pattern.match(text):
        return m.group(1), m.group(2).strip() or None
    r.problem(slot, "no code before the title", text)
    return None, text


def extract_contact(r: _Reader) -> tuple[str | None, str | None]:
    """("DE CORDES, Jean-Charles", address) from "DE CORDES, Jean-Charles   email"."""
    text = r.text("contact")
    if text is None:
        return None, None
    nodes = r.nodes("contact")
    mail = [h for h in dom.links(nodes) if h.lower().startswith("mailto:")]
    name = text
    for link_text in dom.link_texts(nodes):
        if link_text and name.endswith(link_text):
            name = name[: -len(link_text)]
    name = EMAIL_WORD.sub("", name)  # the link's word "email", left in a text rendering
    if mail:  # "mailto:a.b%40coe.int?subject=..." too
        email = valid_email(unquote(mail[0][len("mailto:") :].split("?")[0]))
    elif m := EMAIL_IN_TEXT.search(name):  # no link: an address written out
        email = valid_email(m.group(1))
        name = EMPTY_BRACKETS.sub("", name[: m.start()] + name[m.end() :])
    else:
        email = None
    return name.strip(" ,;:\n") or None, email


def extract_links(r: _Reader, url: str | None) -> list[str]:
    # 1. link targets in the Web Pages / Documents & links cells, a URL a script opens
    #    (javascript:window.open('http://...')) taken out, a path on the site made whole
    #    with the page's address; 2. bare URLs in the text
    hrefs: list[str] = []
    for href in dom.links(r.nodes("links")):
        if href.lower().startswith("javascript:"):
            hrefs += URL_IN_SCRIPT.findall(href)
        elif not href.lower().startswith("mailto:") and not href.startswith("#"):
            hrefs.append(_absolute(href, url))
    if not hrefs:
        hrefs = URL_IN_TEXT.findall(r.text("links") or "")
    return list(dict.fromkeys(hrefs))


def _absolute(href: str, url: str | None) -> str:
    """`href` made whole against the address the page was archived from ("../Docs/a.pdf");
    one with a scheme, or a host written without one ("www.coe.int/..."), as written; so
    too when the page's address is unknown or no web address (a WARC file's path)."""
    if url is None or SCHEME.match(href) or href.lower().startswith("www."):
        return href
    base = dom.original_url(url)
    return urljoin(base, href) if base.lower().startswith(("http://", "https://")) else href


def extract_total(r: _Reader) -> int | None:
    text = r.text("participants_total")
    if text is None:
        return None
    # 1. the first number, thousands apart or not ("1 200", "1,200", "approx. 70");
    #    2. a placeholder ("n/a", "tbc") is none; 3. anything else is an issue
    if m := COUNT.search(text):
        return int(NOT_DIGITS.sub("", m.group(0)))
    if not PLACEHOLDER.match(text):
        r.problem("participants_total", "no number", text)
    return None


def extract_has_synopsis(r: _Reader) -> bool | None:
    # 1. "Hide Synopsis" / "Show Synopsis" / "No Synopsis"; 2. a synopsis part on the page
    if r.found.synopsis_switch is not None:
        return r.found.synopsis_switch != "no"
    return True if r.found.synopsis_header else None


def _location(r: _Reader) -> tuple[str | None, str | None, str | None]:
    text = r.text("location")
    if text is None:
        return None, None, None
    city, country = split_location(text)
    return text, city, country


def _names(r: _Reader, slot: str) -> tuple[str, ...]:
    return tuple(split_names(r.text(slot) or ""))


def _entries(r: _Reader, slot: str) -> tuple[str, ...]:
    return tuple(split_list(r.text(slot) or ""))


def _record(r: _Reader, activity_id: int | None, url: str | None) -> ActivityRecord:
    date_text, span = extract_dates(r)
    location, city, country = _location(r)
    code, title, trans_id = extract_programme(r)
    pp_number, pp_code, pp_title = extract_project_purpose(r)
    er_number, er_text = extract_numbered(r, "expected_result")
    coe_er_number, coe_er_text = extract_numbered(r, "coe_expected_result")
    loa_code, loa_title = extract_coe_code_title(r, "coe_line_of_action")
    prog_code, prog_title = extract_coe_code_title(r, "coe_programme")
    proj_code, proj_title = extract_coe_code_title(r, "coe_project")
    contact_name, contact_email = extract_contact(r)
    return ActivityRecord(
        activity_id=activity_id,
        url=url,
        title=r.text("title"),
        description=r.text("description"),
        status=r.text("status"),
        date_text=date_text,
        start_date=span.start if span else None,
        end_date=span.end if span else None,
        date_precision=span.precision if span else None,
        location=location,
        location_city=city,
        location_country=country,
        countries=tuple(extract_countries(r)),
        cooperation_type=extract_cooperation_type(r),
        organisations=_entries(r, "organisations"),
        contributors=_entries(r, "contributors"),
        partners=_entries(r, "partners"),
        programme_code=code,
        programme_title=title,
        programme_trans_id=trans_id,
        project_purpose_number=pp_number,
        project_purpose_code=pp_code,
        project_purpose_title=pp_title,
        expected_result_number=er_number,
        expected_result_text=er_text,
        coe_pillar=r.found.pillar,
        coe_line_of_action_code=loa_code,
        coe_line_of_action_title=loa_title,
        coe_programme_code=prog_code,
        coe_programme_title=prog_title,
        coe_project_code=proj_code,
        coe_project_title=proj_title,
        coe_expected_result_number=coe_er_number,
        coe_expected_result_text=coe_er_text,
        working_method=r.found.working_method,
        directorate=r.text("directorate"),
        contact_name=contact_name,
        contact_email=contact_email,
        links=tuple(extract_links(r, url)),
        last_modified=extract_day(r, "last_modified"),
        has_synopsis=extract_has_synopsis(r),
        objectives=r.text("objectives"),
        results=r.text("results"),
        follow_up=r.text("follow_up"),
        participants=r.text("participants"),
        experts=_names(r, "experts"),
        secretariat=_names(r, "secretariat"),
        participants_total=extract_total(r),
        synopsis_last_modified=extract_day(r, "synopsis_last_modified"),
        issues=tuple(r.issues),
    )


def parse_activity(
    html: bytes, url: str | None = None, content_type: str | None = None
) -> ActivityRecord | NotAnActivity:
    """Parse one page's bytes. `content_type` is the HTTP header, for its charset."""
    if not html.strip():
        return NotAnActivity("empty response", url)
    decoded = decode_html(html, content_type)
    if plaintext.is_text_rendering(decoded.text):  # a page kept as text, no markup left
        rows = plaintext.text_rows(decoded.text)
        return record_from_rows(rows, url, decoded, lambda: decoded.text)
    tree = dom.parse_tree(decoded.text)
    rows = page_rows(tree, LABEL_KEYS, plaintext.text_rows)
    return record_from_rows(rows, url, decoded, lambda: dom.page_text(tree))


def record_from_rows(
    rows: list[dom.Row],
    url: str | None,
    decoded: Decoded,
    page_text: Callable[[], str] | None = None,
) -> ActivityRecord | NotAnActivity:
    """The record of a page already split into rows (any DOM library may split it).

    `page_text` gives the whole page's text, read only when the header or the synopsis
    switch stands outside the rows (an `<h2>`, a bare paragraph)."""
    found = walk(rows)
    if page_text is not None and (found.header is None or found.synopsis_switch is None):
        find_outside_rows(found, page_text())
    reader = _Reader(found)
    activity_id = extract_activity_id(reader, url)
    filled = sum(1 for row in found.values.values() if row.value)
    if not filled and found.header:
        return NotAnActivity("activity page with no fields (no such activity)", url, activity_id)
    if filled < 2 and not found.header:  # a logframe's "JP Completed" is no activity
        return NotAnActivity(
            "not an activity page: no 'Activity Details' header and fewer than two labelled rows",
            url,
        )
    if decoded.note:
        reader.problem("encoding", f"decoded as {decoded.encoding}; {decoded.note}", "")
    return _record(reader, activity_id, url)
