"""`--discover`: find activity IDs and logframes by crawling the site's own listings.

From the start page (`/CEAD/Default.asp`) follow links to listing pages ("by Programme",
"by Country", their per-programme and per-country pages) and logframes (whose
"(Activities)" links lead to listings again), breadth first, on the site's host only.
Every page fetched is archived like any other. What comes back is the harvest's queue:
canonical activity URLs, and logframes (already fetched here, so marked done).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from pipeline.fetch import Fetcher
from pipeline.urls import LOGFRAME_KINDS, canonical_url, classify, page_links

MAX_PAGES = 20_000  # a safety net far above the real site's few hundred listing pages

QueueEntry = tuple[str, str, int | None]


@dataclass(slots=True)
class Discovery:
    activities: dict[str, QueueEntry] = field(default_factory=dict)
    logframes: dict[str, QueueEntry] = field(default_factory=dict)
    fetched_logframes: set[str] = field(default_factory=set)
    pages: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)

    def items(self) -> list[QueueEntry]:
        return sorted(self.activities.values(), key=lambda e: e[2] or 0) + sorted(
            self.logframes.values(), key=lambda e: (e[1], e[2] or 0)
        )


async def discover(
    fetcher: Fetcher, base_url: str, allowed: Callable[[str], bool], max_pages: int = MAX_PAGES
) -> Discovery:
    """Crawl listings and logframes under `base_url`; never leaves its host."""
    host = urlsplit(base_url).netloc.lower()
    start = f"{base_url.rstrip('/')}/CEAD/Default.asp"
    found = Discovery()
    todo, seen = deque([start]), {start}
    while todo and found.pages < max_pages:
        url = todo.popleft()
        if not allowed(url):
            continue
        result = await fetcher.get(url)
        found.pages += 1
        if not result.ok:
            found.failures.append((url, result.error or "failed"))
            continue
        ref = classify(url)
        if ref.kind in LOGFRAME_KINDS:
            found.fetched_logframes.add(url)
        for link in page_links(result.body, result.final_url):
            if urlsplit(link).netloc.lower() != host:
                continue
            target = classify(link)
            canonical = canonical_url(base_url, link)
            if target.kind == "activity" and canonical:
                found.activities.setdefault(canonical, (canonical, "activity", target.number))
            elif target.kind in LOGFRAME_KINDS and canonical:
                found.logframes.setdefault(canonical, (canonical, target.kind, target.number))
                if canonical not in seen:
                    seen.add(canonical)
                    todo.append(canonical)
            elif target.kind == "listing" and link not in seen:
                seen.add(link)
                todo.append(link)
    return found
