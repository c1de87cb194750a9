"""One reader per field of an activity page: `extract_<field>(reader)`, each an ordered
fallback chain over the rows that `sections.walk` filed under their labels.

Pure and never raising: a value present but unreadable is None plus a `ParseIssue`.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import unquote, urljoin

from selectolax.lexbor import LexborNode

from parsers import dom
from parsers.activity.record import CountryEntry
from parsers.activity.sections import (
    ID_NUMBER,
    JP_ACTIVITY_MARKER,
    Sections,
)
from parsers.countries import GROUP_PREFIX, country_code, split_location
from parsers.dates import DateSpan, parse_date_span, parse_day
from parsers.issues import ParseIssue
from parsers.people import PLACEHOLDER, split_list, split_names, valid_email

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
# Each tried only where its run starts (the lookbehinds) and never given back (the
# possessive repeats), so a long run of letters, dots or spaces is scanned once.
EMAIL_IN_TEXT = re.compile(
    r"(?:e-?mail\s*+:?\s*+)?(?<![\w.+-])([\w.+-]++@[\w-]++(?:\.[\w-]++)++)", re.I
)
EMAIL_WORD = re.compile(r"(?<!\s)\s*+\be-?mail$", re.I)
EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]|<\s*>")  # where a written-out address was
URL_IN_SCRIPT = re.compile(r"(?:https?|ftp)://[^\s'\"()]+")
URL_IN_TEXT = re.compile(r"(?:https?|ftp)://[^\s<>\"']+")
LEADING_SYMBOLS = " ⇒☆:\xa0"


class Reader:
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


def extract_activity_id(r: Reader, url: str | None) -> int | None:
    # 1. the page header "Activity Details (ID# n)"
    for text in (r.found.header, r.found.synopsis_header):  # 2. the synopsis header
        if text and (m := ID_IN_TEXT.search(text)):
            return int(m.group(1))
    # 3. the ID parameter of the URL the page came from
    if url and (m := ID_IN_URL.search(url)):
        return int(m.group(1))
    return None


def extract_dates(r: Reader) -> tuple[str | None, DateSpan | None]:
    text = r.text("date")
    if text is None:
        return None, None
    span = parse_date_span(text)
    if isinstance(span, str):
        r.problem("date", span, text)
        return text, None
    return text, span


def extract_day(r: Reader, slot: str) -> date | None:
    # "Last Modified 04/04/2007" (maybe with a time); an empty cell is a missing value
    text = r.text(slot)
    if text is None:
        return None
    day = parse_day(text)
    if day is None:
        r.problem(slot, "not the date of one day", text)
    return day


def extract_countries(r: Reader) -> list[CountryEntry]:
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


def extract_cooperation_type(r: Reader) -> str | None:
    # 1. a row of its own ("Bilateral"); 2. the marker as a line of the Countries cell
    if r.found.cooperation:
        return r.found.cooperation
    for line in (r.text("countries") or "").split("\n"):
        if line.strip().lower() in ("bilateral", "multilateral"):
            return line.strip().capitalize()
    return None


def extract_programme(r: Reader) -> tuple[str | None, str | None, int | None]:
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


def _marker_in_countries(r: Reader) -> str | None:
    for line in (r.text("countries") or "").split("\n"):
        if m := JP_ACTIVITY_MARKER.match(line.strip()):
            return m.group(1).strip()
    return None


def extract_project_purpose(r: Reader) -> tuple[str | None, str | None, str | None]:
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


def extract_numbered(r: Reader, slot: str) -> tuple[str | None, str | None]:
    """("3.1", text) from "3.1 - text" or "2 text"."""
    text = r.text(slot)
    if text is None:
        return None, None
    if (m := NUMBERED_TEXT.match(text)) and m.group(1):
        return m.group(1), m.group(2).strip() or None
    r.problem(slot, "no result number", text)
    return None, text


def extract_coe_code_title(r: Reader, slot: str) -> tuple[str | None, str | None]:
    """("II.3", title) from "⇒ II.3 – Strengthening ..."; projects: "2004/DG1/143 Title"."""
    text = r.text(slot)
    if text is None:
        return None, None
    pattern = COE_PROJECT if slot == "coe_project" else COE_CODE_TITLE
    if m := pattern.match(text):
        return m.group(1), m.group(2).strip() or None
    r.problem(slot, "no code before the title", text)
    return None, text


def extract_contact(r: Reader) -> tuple[str | None, str | None]:
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


def extract_links(r: Reader, url: str | None) -> list[str]:
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


def extract_total(r: Reader) -> int | None:
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


def extract_has_synopsis(r: Reader) -> bool | None:
    # 1. "Hide Synopsis" / "Show Synopsis" / "No Synopsis"; 2. a synopsis part on the page
    if r.found.synopsis_switch is not None:
        return r.found.synopsis_switch != "no"
    return True if r.found.synopsis_header else None


def extract_location(r: Reader) -> tuple[str | None, str | None, str | None]:
    text = r.text("location")
    if text is None:
        return None, None, None
    city, country = split_location(text)
    return text, city, country


def names(r: Reader, slot: str) -> tuple[str, ...]:
    return tuple(split_names(r.text(slot) or ""))


def entries(r: Reader, slot: str) -> tuple[str, ...]:
    return tuple(split_list(r.text(slot) or ""))
