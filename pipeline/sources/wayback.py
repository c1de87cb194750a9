"""Harvesting from the Internet Archive's Wayback Machine (`harvest --source wayback`).

Discovery asks the CDX API for every capture under the site's two page prefixes, page by
page with resume keys; each answer is kept in the index, so a rerun asks nothing again.
The chosen captures are fetched in their original bytes (`/web/<timestamp>id_/<url>`) and
archived as the site's own responses: `WARC-Target-URI` the original URL, `WARC-Date` the
capture's time, and the Wayback address, timestamp and CDX digest as provenance headers.
A body whose SHA-1 differs from the CDX digest is archived but reported as a failure.

The Archive's limits are respected: one connection, CDX queries and page fetches on
separate clocks (by default one per 2.5 s and one per second), and a clean, resumable
stop when 429s go on for more than a minute.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from pipeline.archive import Exchange, QueueItem
from pipeline.errors import ConfigError, FetchError
from pipeline.fetch import Fetcher, FetchPolicy, FetchResult, HostLimiter
from pipeline.sources import cdx
from pipeline.sources.base import Job, Settings, Source, fetch_and_finish

DEFAULT_WAYBACK = "https://web.archive.org"
REPLAY = re.compile(r"/web/(\d{8,14})id_/(.+)$")
CDX_INTERVAL = 2.5  # seconds between CDX queries: what the Archive asks of API clients


@dataclass(frozen=True, slots=True)
class WaybackOptions:
    wayback_url: str = DEFAULT_WAYBACK
    year_from: int | None = None
    year_to: int | None = None
    captures: str = "latest"  # or "all": every distinct payload
    cdx_interval: float = CDX_INTERVAL

    def __post_init__(self) -> None:
        years = (self.year_from, self.year_to)
        if None not in years and years[0] > years[1]:  # type: ignore[operator]
            raise ConfigError(f"--from {years[0]} is after --to {years[1]}; swap them")
        for flag, year in (("--from", self.year_from), ("--to", self.year_to)):
            if year is not None and not 1996 <= year <= 2100:  # the Archive began in 1996
                raise ConfigError(f"{flag} {year}: give a year from 1996 on")


def sha1_base32(body: bytes) -> str:
    return base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def as_capture(ex: Exchange) -> Exchange:
    """A Wayback `id_` answer as the site's own response; other answers (CDX pages, 429s)
    stay under their own URL, marked as coming from the Wayback Machine."""
    split = urlsplit(ex.url)
    path = split.path + (f"?{split.query}" if split.query else "")
    m = REPLAY.search(path)
    if m is None or ex.status != 200:
        return replace(ex, source="wayback", source_ref=ex.url)
    timestamp, original = m.group(1), m.group(2)
    headers = {"WARC-Source-URI": ex.url, "WARC-Wayback-Timestamp": timestamp}
    return replace(
        ex, url=original, fetched_at=cdx.timestamp_time(timestamp), source="wayback",
        source_ref=ex.url, warc_headers={**ex.warc_headers, **headers},
    )  # fmt: skip


def with_digest(ex: Exchange, cdx_digest: str | None) -> Exchange:
    if cdx_digest is None or ex.source != "wayback":
        return ex
    return replace(
        ex, warc_headers={**ex.warc_headers, "WARC-Wayback-CDX-Digest": f"sha1:{cdx_digest}"}
    )


def digest_problem(body: bytes, cdx_digest: str | None) -> str | None:
    """Why the body is not the capture the CDX described, or None when it is."""
    if not cdx_digest:
        return None
    actual = sha1_base32(body)
    if actual == cdx_digest:
        return None
    return f"payload SHA-1 {actual} does not match the CDX digest {cdx_digest}"


def cdx_limiter(fetcher: Fetcher, options: WaybackOptions) -> None:
    """Give CDX queries their own, slower clock (the key `fetch.limiter_key` uses)."""
    host = urlsplit(options.wayback_url).netloc.lower()
    fetcher.limiters[f"{host}/cdx"] = HostLimiter(options.cdx_interval)


async def _cdx_page(fetcher: Fetcher, index_call: Callable[..., Awaitable[Any]], url: str) -> bytes:
    cached = await index_call("cdx_get", url)
    if cached is not None:
        return bytes(cached)
    result = await fetcher.get(url)
    if result.status is None:  # no answer at all: the address, or the network, is wrong
        raise ConfigError(
            f"--wayback-url: {url.split('/cdx/')[0]} did not answer ({result.error}); "
            "check the address and the network, then rerun"
        )
    if not result.ok:
        raise FetchError(url, f"failed: {result.error}; rerun to resume from the cached pages")
    await index_call("cdx_put", url, result.body)
    return result.body


async def discover(
    fetcher: Fetcher,
    index_call: Callable[..., Awaitable[Any]],
    options: WaybackOptions,
    ids: set[int] | None,
) -> tuple[list[tuple[str, str, int | None, str]], dict[str, Any]]:
    """Queue items for the captures to fetch, and what the CDX said (for the report)."""
    rows: list[cdx.CdxRow] = []
    pages = 0
    for prefix in cdx.PREFIXES:
        resume: str | None = None
        while True:
            url = cdx.query_url(
                options.wayback_url, prefix, options.year_from, options.year_to, resume
            )
            body = await _cdx_page(fetcher, index_call, url)
            pages += 1
            try:
                found, resume = cdx.parse_page(body)
            except ValueError as exc:
                raise FetchError(url, f"did not answer CDX JSON ({exc})") from exc
            rows.extend(found)
            if not resume:
                break
    chosen = cdx.select(rows, options.captures, ids)
    items = [
        (cdx.replay_url(options.wayback_url, row), row.ref.kind, row.ref.number,
         json.dumps({"original": row.original, "timestamp": row.timestamp, "digest": row.digest}))
        for row in chosen
    ]  # fmt: skip
    summary = {
        "cdx_pages": pages,
        "cdx_rows": len(rows),
        "revisit_rows": sum(1 for r in rows if r.statuscode == "-"),
        "captures_chosen": len(chosen),
        "activities": len({r.ref.number for r in chosen if r.ref.kind == "activity"}),
    }
    return items, summary


class WaybackSource(Source):
    """`harvest --source wayback`: the CDX API lists the captures, `id_` replays fetch them."""

    name = "wayback"
    url_flag = "--wayback-url"

    def __init__(self, config: Settings) -> None:
        super().__init__(config)
        self.cdx_digests: dict[str, str] = {}  # replay URL → the CDX's payload digest
        self.found: dict[str, Any] = {}

    @classmethod
    def service_url(cls, config: Settings) -> str:
        return config.wayback.wayback_url

    def fetch_policy(self, policy: FetchPolicy) -> FetchPolicy:
        # one connection; give up on 429s after a minute (the Archive blocks those who go on)
        return replace(policy, concurrency=1, give_up_after=policy.give_up_after or 60.0)

    def to_capture(self, ex: Exchange) -> Exchange:
        return with_digest(as_capture(ex), self.cdx_digests.get(ex.url))

    def summary(self) -> dict[str, Any]:
        return self.found

    async def plan(self, job: Job) -> list[QueueItem]:
        """Queue the captures the CDX API lists (the original site's robots.txt does not
        apply); its answers are cached in the index."""
        options = self.config.wayback
        cdx_limiter(job.fetcher, options)

        async def index_call(name: str, *args: Any) -> Any:
            return await job.run_io(getattr(job.index, name), *args)

        ids = set(self.config.ids) if self.config.ids else None
        if self.config.retry_failed:  # no CDX query: only what failed before
            todo: list[QueueItem] = await job.run_io(job.index.take_failed, self.scope)
        else:
            items, self.found = await discover(job.fetcher, index_call, options, ids)
            await job.run_io(job.index.enqueue, items)
            await job.run_io(job.index.retry_failed, self.scope)  # a rerun retries failures
            todo = await job.run_io(job.index.pending)
        self.cdx_digests = {i.url: json.loads(i.meta)["digest"] for i in todo if i.meta}
        return todo

    async def take(self, job: Job, item: QueueItem) -> bool:
        def check(result: FetchResult) -> str | None:
            # the bytes must be the capture the CDX listed; if not, say so (they are archived)
            if result.final_url != item.url or item.url not in self.cdx_digests:
                return None
            return digest_problem(result.body, self.cdx_digests[item.url])

        return (await fetch_and_finish(job, item, check)).ok
