"""The site's URL scheme: which page a URL is, and the one canonical URL of each page.

The same activity is reachable as `Countries.asp?ID=n`, `...&ActSyn=True`,
`JP/Default.asp?ID=n` and any of those with `PrintVersion=True`: one activity, fetched
once, as `CEAD/Countries.asp?ID=n&ActSyn=True`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser


@dataclass(frozen=True, slots=True)
class PageRef:
    """What a site URL points at: an activity, a logframe, or another page."""

    kind: str  # "activity", one of LOGFRAME_KINDS, "listing", "other"
    number: int | None = None


# A logframe's three views, by the query key that names them: the programme (TransID),
# one project purpose (ProjectObjectiveID, the code's numeric tail), one expected result.
LOGFRAME_VIEWS = {
    "logframe": "TransID",
    "logframe_purpose": "ProjectObjectiveID",
    "logframe_result": "SpecificObjectiveID",
}
LOGFRAME_KINDS = tuple(LOGFRAME_VIEWS)
PAGE_KINDS = ("activity", *LOGFRAME_KINDS)  # the pages a harvest keeps and a build reads
REQUISITE = "requisite"  # the kind of what a page loads (stylesheets, images, scripts)
DOCUMENT = "document"  # the kind of what a page links to: agendas, reports (PDF, DOC, ...)
SITE_HOSTS = frozenset({"www.jp.coe.int", "jp.coe.int"})  # the site's own
# Where the Council of Europe kept the documents its pages linked (and the site itself):
# `--document-hosts` replaces these.
DOCUMENT_HOSTS = SITE_HOSTS | {
    "www.coe.int", "coe.int", "rm.coe.int", "wcd.coe.int", "book.coe.int", "edoc.coe.int",
    "assembly.coe.int", "search.coe.int",
}  # fmt: skip


# What a path's extension says a URL is: a requisite (what a page loads) or a document
# (what a page links to); servers' Content-Types of old sites are less to be trusted.
REQUISITE_EXTENSIONS = frozenset(
    {"css", "js", "gif", "jpg", "jpeg", "png", "bmp", "ico", "svg", "webp", "woff", "woff2", "ttf"}
)
DOCUMENT_EXTENSIONS = frozenset(
    {"pdf", "doc", "docx", "rtf", "odt", "xls", "xlsx", "ppt", "pptx", "txt"}
)
DOCUMENT_TYPES = frozenset(
    {
        "application/pdf", "application/msword", "application/rtf", "text/rtf",
        "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    }
)  # fmt: skip


def host(url: str) -> str:
    """The host name of `url`, lower-cased ("" when it has none)."""
    return (urlsplit(url).hostname or "").lower()


def classify(url: str) -> PageRef:
    """Which page of the site a URL is, whatever its variant.

    >>> classify("http://www.jp.coe.int/CEAD/JP/Default.asp?ID=18356&PrintVersion=True")
    PageRef(kind='activity', number=18356)
    """
    parts = urlsplit(url)
    path = parts.path.lower()
    query = {k.lower(): v for k, v in parse_qsl(parts.query)}
    if (
        path.endswith(("/cead/countries.asp", "/cead/jp/default.asp"))
        and query.get("id", "").isdigit()
    ):
        return PageRef("activity", int(query["id"]))
    if path.endswith("/cead/jp/default.asp"):
        for kind, name in LOGFRAME_VIEWS.items():
            if query.get(name.lower(), "").isdigit():
                return PageRef(kind, int(query[name.lower()]))
    if path.endswith(("/cead/countries.asp", "/cead/programmes.asp", "/cead/default.asp")):
        return PageRef("listing")
    return PageRef("other")


def shows_synopsis(url: str) -> bool:
    """Whether the activity view at `url` shows the synopsis: `Countries.asp?ID=n` alone
    hides it ("Show Synopsis"); `&ActSyn=True` and the other forms show it.

    >>> shows_synopsis("http://www.jp.coe.int/CEAD/Countries.asp?ID=18356")
    False
    """
    parts = urlsplit(url)
    query = {k.lower(): v.lower() for k, v in parse_qsl(parts.query)}
    hidden = parts.path.lower().endswith("/cead/countries.asp") and query.get("actsyn") != "true"
    return not hidden


_WAYBACK_FLAGS = re.compile(r"(/web/[0-9]{1,14})[a-z]{2}_/")


def citable(source_ref: str | None) -> str | None:
    """A capture's address to cite: a Wayback replay's without its raw-bytes flag
    (`/web/2007...id_/` → `/web/2007.../`, the page as the Archive shows it).

    >>> citable("https://web.archive.org/web/20070321000000id_/http://www.jp.coe.int/CEAD/")
    'https://web.archive.org/web/20070321000000/http://www.jp.coe.int/CEAD/'
    """
    if not source_ref or not source_ref.startswith(("http://", "https://")):
        return None
    return _WAYBACK_FLAGS.sub(r"\1/", source_ref)


def original_address(url: str) -> str:
    """The address on the site itself of a page captured from a mirror of it (the part
    from `/CEAD/` on, on www.jp.coe.int): what a citation gives. Any other URL (the
    site's own, a document elsewhere) is returned as it is.

    >>> original_address("http://127.0.0.1:8000/mirror/CEAD/Countries.asp?ID=18356")
    'http://www.jp.coe.int/CEAD/Countries.asp?ID=18356'
    """
    parts = urlsplit(url)
    at = parts.path.lower().find("/cead/")
    if (parts.hostname or "").lower() in SITE_HOSTS or at < 0:
        return url
    query = f"?{parts.query}" if parts.query else ""
    return f"http://www.jp.coe.int{parts.path[at:]}{query}"


def activity_url(base_url: str, activity_id: int) -> str:
    """The canonical URL of an activity under `base_url` (the site root)."""
    return f"{base_url.rstrip('/')}/CEAD/Countries.asp?ID={activity_id}&ActSyn=True"


def variant_url(base_url: str, activity_id: int) -> str:
    """The other form of an activity's URL, the one the site's listings and its "Hide
    Synopsis" link point at (`Countries.asp?ID=n`, the view without its synopsis)."""
    return f"{base_url.rstrip('/')}/CEAD/Countries.asp?ID={activity_id}"


def logframe_url(base_url: str, number: int, kind: str = "logframe") -> str:
    """The canonical URL of a logframe view: `kind` one of LOGFRAME_KINDS."""
    return f"{base_url.rstrip('/')}/CEAD/JP/Default.asp?{LOGFRAME_VIEWS[kind]}={number}"


def canonical_url(base_url: str, url: str) -> str | None:
    """The one URL fetched for whatever `url` shows; None for pages not harvested."""
    ref = classify(url)
    if ref.kind == "activity" and ref.number is not None:
        return activity_url(base_url, ref.number)
    if ref.kind in LOGFRAME_VIEWS and ref.number is not None:
        return logframe_url(base_url, ref.number, ref.kind)
    return None


def page_links(body: bytes, page_url: str) -> list[str]:
    """Absolute targets of the page's links, fragments dropped, in order."""
    tree = LexborHTMLParser(body)
    out: list[str] = []
    for a in tree.css("a[href]"):
        href = (a.attributes.get("href") or "").strip()
        if href and not href.lower().startswith(("mailto:", "javascript:", "#")):
            out.append(urljoin(page_url, href).split("#", 1)[0])
    return out
