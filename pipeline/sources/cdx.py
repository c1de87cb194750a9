"""The Wayback Machine's CDX API, read and chosen from: pure functions, no I/O.

A CDX query (`/cdx/search/cdx?url=...&matchType=prefix&output=json&showResumeKey=true`)
answers a JSON array: a header row, capture rows, and, when there is more, an empty row
then `[resumeKey]`. `select` keeps, per activity or logframe (every URL variant
canonicalised), the latest capture or every distinct payload.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

from pipeline.urls import PAGE_KINDS, PageRef, classify, shows_synopsis

FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")
PREFIXES = ("www.jp.coe.int/CEAD/Countries.asp", "www.jp.coe.int/CEAD/JP/Default.asp")
PAGE_SIZE = 5000


@dataclass(frozen=True, slots=True)
class CdxRow:
    urlkey: str
    timestamp: str  # 14 digits, UTC
    original: str
    mimetype: str
    statuscode: str  # "200", or "-" for a revisit
    digest: str  # base32 SHA-1 of the payload
    length: str

    @property
    def ref(self) -> PageRef:
        return classify(self.original)

    @property
    def captured_at(self) -> datetime:
        return timestamp_time(self.timestamp)


def timestamp_time(stamp: str) -> datetime:
    """A Wayback timestamp (YYYYMMDDhhmmss, shorter forms padded) as a UTC datetime."""
    return datetime.strptime(stamp.ljust(14, "0")[:14], "%Y%m%d%H%M%S").replace(tzinfo=UTC)


def query_url(
    wayback: str,
    prefix: str,
    year_from: int | str | None,
    year_to: int | str | None,
    resume_key: str | None,
) -> str:
    params: list[tuple[str, str]] = [
        ("url", prefix), ("matchType", "prefix"), ("output", "json"), ("fl", ",".join(FIELDS)),
        ("filter", "statuscode:200"), ("showResumeKey", "true"), ("limit", str(PAGE_SIZE)),
    ]  # fmt: skip
    if year_from is not None:
        params.append(("from", str(year_from)))
    if year_to is not None:
        params.append(("to", str(year_to)))
    if resume_key:
        params.append(("resumeKey", resume_key))
    return f"{wayback.rstrip('/')}/cdx/search/cdx?{urlencode(params)}"


SITE_PREFIX = "www.jp.coe.int/"  # everything of the site's host, for what pages load and link


def loads_query_url(wayback: str, resume_key: str | None) -> str:
    """A CDX query for every URL of the site's host that is no page: each URL once."""
    params: list[tuple[str, str]] = [
        ("url", SITE_PREFIX), ("matchType", "prefix"), ("output", "json"),
        ("fl", "original,timestamp,mimetype"), ("filter", "statuscode:200"),
        ("filter", "!mimetype:text/html"), ("collapse", "urlkey"), ("showResumeKey", "true"),
        ("limit", str(PAGE_SIZE)),
    ]  # fmt: skip
    if resume_key:
        params.append(("resumeKey", resume_key))
    return f"{wayback.rstrip('/')}/cdx/search/cdx?{urlencode(params)}"


def parse_page(body: bytes) -> tuple[list[CdxRow], str | None]:
    """Rows of one CDX JSON page and its resume key (None on the last page).

    Raises ValueError when the body is not a CDX JSON answer.
    """
    data = json.loads(body.decode("utf-8") or "[]")
    if not isinstance(data, list):
        raise ValueError("a CDX answer is a JSON array")
    if not data:
        return [], None
    header, rest = data[0], data[1:]
    resume = None
    if len(rest) >= 2 and rest[-2] == [] and len(rest[-1]) == 1:
        resume, rest = str(rest[-1][0]), rest[:-2]
    index = {name: header.index(name) for name in FIELDS if name in header}
    if "original" not in index or "timestamp" not in index:
        raise ValueError(f"CDX header without original/timestamp: {header}")
    rows = [
        CdxRow(*(str(row[index[f]]) if f in index else "" for f in FIELDS)) for row in rest if row
    ]
    return rows, resume


def select(
    rows: list[CdxRow], mode: str = "latest", ids: set[int] | None = None, variants: bool = False
) -> list[CdxRow]:
    """The captures to fetch: per page, the latest (`latest`; of an activity, the latest
    that shows the synopsis, when one does, and with `variants` the latest of the view
    without it too, the URL the listings link) or every distinct digest (`all`).

    Only activity and logframe pages with status 200 count: revisit rows (status "-") point
    at a payload another row already has.
    """
    pages: dict[tuple[str, int], list[CdxRow]] = {}
    for row in rows:
        ref = row.ref
        if row.statuscode != "200" or ref.kind not in PAGE_KINDS or ref.number is None:
            continue
        if ids is not None and (ref.kind != "activity" or ref.number not in ids):
            continue  # --ids: only these activities
        pages.setdefault((ref.kind, ref.number), []).append(row)
    chosen: list[CdxRow] = []
    for key in sorted(pages):
        captures = sorted(pages[key], key=lambda r: r.timestamp)
        if mode == "latest":  # the synopsis view when there is one: it shows the most
            full = [r for r in captures if key[0] != "activity" or shows_synopsis(r.original)]
            chosen.append((full or captures)[-1])
            hidden = [r for r in captures if r not in full]
            if variants and full and hidden:
                chosen.append(hidden[-1])
        else:
            seen: set[str] = set()
            for row in captures:
                if row.digest not in seen:
                    seen.add(row.digest)
                    chosen.append(row)
    return chosen


def replay_url(wayback: str, row: CdxRow) -> str:
    """The original bytes of a capture: `/web/<timestamp>id_/<original url>`."""
    return f"{wayback.rstrip('/')}/web/{row.timestamp}id_/{row.original}"
