"""Asking the CDX API what the Archive holds: paged, cached, narrowed when it times out.

Every page of every query is kept in the index (`cdx_cache`), so a rerun asks nothing
again and an interrupted listing resumes. The real service's habits are met here:
broad prefix queries time out (504) on big sites, so a query that does is split into
narrower `from`/`to` windows (years, then months) and asked again; rows repeat, so each
is counted once; revisit rows have status `-`. Each chosen capture carries the older
captures of the same page, newest first, to fall back on when it cannot be replayed.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pipeline.errors import ConfigError, FetchError
from pipeline.fetch import Fetcher
from pipeline.sources import cdx
from pipeline.urls import (
    DOCUMENT_EXTENSIONS,
    DOCUMENT_TYPES,
    LOGFRAME_KINDS,
    PAGE_KINDS,
    REQUISITE_EXTENSIONS,
    shows_synopsis,
)

if TYPE_CHECKING:
    from pipeline.sources.wayback import WaybackOptions

IndexCall = Callable[..., Awaitable[Any]]
Window = tuple[str | None, str | None]  # CDX `from` and `to`: YYYY or YYYYMM
FIRST_YEAR = 1996  # the Archive's first crawls
MAX_FALLBACKS = 5  # older captures kept per page, to try when the chosen one will not play


class TooBroad(Exception):
    """The CDX answered 504: the query covers too much at once."""


async def cdx_page(fetcher: Fetcher, index_call: IndexCall, url: str) -> bytes:
    cached = await index_call("cdx_get", url)
    if cached is not None:
        return bytes(cached)
    result = await fetcher.get(url, retries=1)  # a 504 means "narrower", not "again"
    if result.status is None:  # no answer at all: the address, or the network, is wrong
        raise ConfigError(
            f"--wayback-url: {url.split('/cdx/')[0]} did not answer ({result.error}); "
            "check the address and the network, then rerun"
        )
    if result.status == 504:
        raise TooBroad(url)
    if not result.ok:
        raise FetchError(url, f"failed: {result.error}; rerun to resume from the cached pages")
    await index_call("cdx_put", url, result.body)
    return result.body


def narrower(window: Window) -> list[Window]:
    """The windows a timed-out one splits into: halves of a span of years, then the
    months of one year; a month cannot be split (the caller gives up)."""
    start = window[0] or str(FIRST_YEAR)
    end = window[1] or str(datetime.now(UTC).year)
    if len(start) == 4 and len(end) == 4 and start < end:
        middle = (int(start) + int(end)) // 2
        return [(start, str(middle)), (str(middle + 1), end)]
    if len(start) == 4:  # one year: its months
        return [(f"{start}{m:02d}", f"{start}{m:02d}") for m in range(1, 13)]
    return []


async def list_rows(
    fetcher: Fetcher, index_call: IndexCall, options: WaybackOptions
) -> tuple[list[cdx.CdxRow], dict[str, int]]:
    """Every CDX row under the site's page prefixes (repeats counted, then dropped)."""
    rows: list[cdx.CdxRow] = []
    counts = {"cdx_pages": 0, "cdx_windows_split": 0}
    first = (
        str(options.year_from) if options.year_from else None,
        str(options.year_to) if options.year_to else None,
    )
    for prefix in cdx.PREFIXES:
        windows: list[Window] = [first]
        while windows:
            window = windows.pop(0)
            try:
                rows += await _window_rows(fetcher, index_call, options, prefix, window, counts)
            except TooBroad as exc:
                parts = narrower(window)
                if not parts:
                    message = "timed out (504) even for one month; rerun later"
                    raise FetchError(str(exc), message) from None
                counts["cdx_windows_split"] += 1
                windows[:0] = parts
    unique = list(dict.fromkeys(rows))
    counts["cdx_rows"], counts["repeated_rows"] = len(unique), len(rows) - len(unique)
    return unique, counts


async def _window_rows(
    fetcher: Fetcher,
    index_call: IndexCall,
    options: WaybackOptions,
    prefix: str,
    window: Window,
    counts: dict[str, int],
) -> list[cdx.CdxRow]:
    rows: list[cdx.CdxRow] = []
    resume: str | None = None
    while True:
        url = cdx.query_url(options.wayback_url, prefix, window[0], window[1], resume)
        body = await cdx_page(fetcher, index_call, url)
        counts["cdx_pages"] += 1
        try:
            found, resume = cdx.parse_page(body)
        except ValueError as exc:
            raise FetchError(url, f"did not answer CDX JSON ({exc})") from exc
        rows += found
        if not resume:
            return rows


async def count_loads(
    fetcher: Fetcher, index_call: IndexCall, options: WaybackOptions
) -> dict[str, int]:
    """How many stylesheets, scripts and images, and how many documents, of the site's
    host the Archive holds (each URL once): at most what a harvest would add of them."""
    counts = {"requisites": 0, "documents": 0}
    resume: str | None = None
    while True:
        url = cdx.loads_query_url(options.wayback_url, resume)
        body = await cdx_page(fetcher, index_call, url)
        try:
            rows, resume = cdx.parse_page(body)
        except ValueError as exc:
            raise FetchError(url, f"did not answer CDX JSON ({exc})") from exc
        for row in rows:
            kind = loaded_kind(row.original, row.mimetype)
            if kind is not None:
                counts[kind] += 1
        if not resume:
            return counts


def loaded_kind(url: str, mimetype: str) -> str | None:
    """ "requisites" or "documents" for a URL of the site the CDX lists, else None."""
    extension = urlsplit(url).path.lower().rsplit(".", 1)[-1]
    mime = mimetype.lower()
    if (
        extension in REQUISITE_EXTENSIONS
        or mime.startswith(("image/", "text/css"))
        or ("javascript" in mime)
    ):
        return "requisites"
    if extension in DOCUMENT_EXTENSIONS or mime in DOCUMENT_TYPES:
        return "documents"
    return None


def queue_items(
    rows: list[cdx.CdxRow], options: WaybackOptions, ids: set[int] | None, variants: bool = False
) -> list[tuple[str, str, int | None, str]]:
    """The queue items of the chosen captures, each with its fallbacks in its meta."""
    chosen = cdx.select(rows, options.captures, ids, variants)
    by_page: dict[str, list[cdx.CdxRow]] = {}
    for row in rows:
        if row.statuscode == "200":
            by_page.setdefault(_page_key(row), []).append(row)
    items = []
    for row in chosen:
        older = sorted(
            (r for r in by_page.get(_page_key(row), []) if r.timestamp < row.timestamp),
            key=lambda r: r.timestamp,
            reverse=True,
        )[:MAX_FALLBACKS]
        meta = {"original": row.original, "timestamp": row.timestamp, "digest": row.digest,
                "fallbacks": [[r.timestamp, r.original, r.digest] for r in older]}  # fmt: skip
        url = cdx.replay_url(options.wayback_url, row)
        items.append((url, row.ref.kind, row.ref.number, json.dumps(meta)))
    return items


def _page_key(row: cdx.CdxRow) -> str:
    ref = row.ref
    return f"{ref.kind}:{ref.number}"


def summary(rows: list[cdx.CdxRow], items: list[Any], counts: dict[str, int]) -> dict[str, Any]:
    """What the CDX held, for the report and for `--list`."""
    pages: dict[str, int] = {}
    for row in rows:
        if row.statuscode == "200" and row.ref.kind in PAGE_KINDS:
            pages[_page_key(row)] = pages.get(_page_key(row), 0) + 1
    years = sorted({r.timestamp[:4] for r in rows})
    return {
        **counts,
        "revisit_rows": sum(1 for r in rows if r.statuscode == "-"),
        "captures_chosen": len(items),
        # of them, activities' views without their synopsis (what --no-variants leaves)
        "variant_replays": sum(
            1
            for i in items
            if i[1] == "activity" and not shows_synopsis(json.loads(i[3])["original"])
        ),
        "activities": len({i[2] for i in items if i[1] == "activity"}),
        "logframes": len({(i[1], i[2]) for i in items if i[1] in LOGFRAME_KINDS}),
        "pages_with_captures": len(pages),
        "captures_per_page_max": max(pages.values(), default=0),
        "captures_per_page_mean": round(sum(pages.values()) / len(pages), 2) if pages else 0,
        "years": f"{years[0]}-{years[-1]}" if years else "",
    }
