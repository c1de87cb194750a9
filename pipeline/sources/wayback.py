"""Harvesting from the Internet Archive's Wayback Machine (`harvest --source wayback`).

Discovery asks the CDX API (`pipeline.sources.cdxclient`) for every capture under the
site's two page prefixes. The chosen captures are replayed in their original bytes
(`/web/<timestamp>id_/<url>`) and archived as the site's own responses: the original
status and headers (`x-archive-orig-` taken off; the Archive's own under `X-Archive-`),
`WARC-Target-URI` the original URL, `WARC-Date` the time of the capture actually served
(`Memento-Datetime`), and the Wayback address, timestamps, CDX digest and the Archive's
source file as provenance headers.

What the real service does is met (see `memento`): a nearest-capture redirect is
followed within a day; a capture that cannot be replayed (no `Memento-Datetime`, or 5xx
after retries) gives way to the next most recent one of the same page, and the report
says which was taken instead; a body whose SHA-1 differs from the CDX digest is archived
and flagged, not failed (the CDX digest is of the bytes the Archive stored, which can be
compressed or chunked), unless `--strict-digests`.

The Archive's limits are respected (docs/wayback.md gives the sources): CDX queries on a
clock of their own (0.4 a second), replays 4 a second with 4 in flight, a 429 without
Retry-After pausing that clock for 60 s, and a clean, resumable stop (exit 3) when 429s
go on for a minute.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from pipeline.archive import DONE, FAILED, Exchange, QueueItem, payload_digest, warc_date
from pipeline.archive.rawwarc import PAGE_DATE
from pipeline.errors import ConfigError
from pipeline.fetch import Fetcher, FetchPolicy, FetchResult, HostLimiter
from pipeline.sources import cdx, cdxclient, memento
from pipeline.sources.base import Job, Settings, Source
from pipeline.urls import DOCUMENT, REQUISITE, SITE_HOSTS, host

DEFAULT_WAYBACK = "https://web.archive.org"
CDX_INTERVAL = 2.5  # seconds between CDX queries: 24 a minute, EDGI's default (limit 30)
REPLAY_RATE, REPLAY_CONCURRENCY = 4.0, 4  # 240 a minute: 40% of the Archive's 600
THROTTLE_PAUSE = 60.0  # its 429s carry no Retry-After; a minute of them gets us blocked


@dataclass(frozen=True, slots=True)
class WaybackOptions:
    wayback_url: str = DEFAULT_WAYBACK
    year_from: int | None = None
    year_to: int | None = None
    captures: str = "latest"  # or "all": every distinct payload
    cdx_interval: float = CDX_INTERVAL
    # A nearest-capture redirect is followed when it lands this close to the time asked.
    redirect_window: timedelta = timedelta(days=1)
    # A mismatch of the CDX digest makes the item failed (by default it is only flagged).
    strict_digests: bool = False
    list_only: bool = False  # `--list`: ask the CDX, fetch no replay
    max_pages: int | None = None  # `--max-pages`: replays this run at most (resumable)

    def __post_init__(self) -> None:
        years = (self.year_from, self.year_to)
        if None not in years and years[0] > years[1]:  # type: ignore[operator]
            raise ConfigError(f"--from {years[0]} is after --to {years[1]}; swap them")
        for flag, year in (("--from", self.year_from), ("--to", self.year_to)):
            if year is not None and not 1996 <= year <= 2100:  # the Archive began in 1996
                raise ConfigError(f"{flag} {year}: give a year from 1996 on")


def as_capture(ex: Exchange) -> Exchange:
    """A Wayback replay as the site's own response when it is an archived one (it has
    `Memento-Datetime`; older services' 200s without it count too); the Archive's own
    answers (redirects to the nearest capture, 404s of unplayable captures, 429s, CDX
    pages) stay under their own URL, marked as coming from the Wayback Machine."""
    parts = memento.replay_parts(ex.url)
    archived = memento.is_memento(ex.response_headers) or ex.status == 200
    if parts is None or not archived:
        return replace(ex, source="wayback", source_ref=ex.url)
    timestamp, original = parts
    served = memento.memento_time(ex.response_headers) or cdx.timestamp_time(timestamp)
    provenance = {"WARC-Source-URI": ex.url, "WARC-Wayback-Timestamp": timestamp}
    if src := memento.header(ex.response_headers, "x-archive-src"):
        provenance["WARC-Wayback-Source-File"] = src
    return replace(
        ex, url=original, fetched_at=served, source="wayback", source_ref=ex.url,
        response_headers=memento.site_headers(ex.response_headers, ex.body),
        warc_headers={**ex.warc_headers, **provenance},
    )  # fmt: skip


def digest_problem(body: bytes, cdx_digest: str | None) -> str | None:
    """Why the body is not the capture the CDX described, or None when it is."""
    if not cdx_digest:
        return None
    actual = payload_digest(body).removeprefix("sha1:")
    if actual == cdx_digest:
        return None
    return f"payload SHA-1 {actual} does not match the CDX digest {cdx_digest}"


def cdx_limiter(fetcher: Fetcher, options: WaybackOptions) -> None:
    """Give CDX queries their own, slower clock (the key `fetch.limiter_key` uses)."""
    host = urlsplit(options.wayback_url).netloc.lower()
    fetcher.limiters[f"{host}/cdx"] = HostLimiter(options.cdx_interval)


def replay_url(wayback: str, timestamp: str, original: str) -> str:
    return f"{wayback.rstrip('/')}/web/{timestamp}id_/{original}"


def unplayable(result: FetchResult) -> str | None:
    """Why a replay gave no archived 200 of the page (None when it did)."""
    if result.status == 200 and (
        memento.is_memento(result.headers)
        or not any(k.lower().startswith("x-archive-") for k, _ in result.headers)
    ):
        return None
    if result.status is not None and memento.is_memento(result.headers):
        return f"an archived {result.status} of the site, kept, but not the page"
    if result.status is not None:
        return f"the Archive answered {result.status} ({result.error or 'no capture there'})"
    return result.error or "no answer"


class WaybackSource(Source):
    """`harvest --source wayback`: the CDX API lists the captures, `id_` replays fetch them."""

    name = "wayback"
    url_flag = "--wayback-url"
    default_rate, default_concurrency = REPLAY_RATE, REPLAY_CONCURRENCY
    documents_by_default = True  # the documents the pages link survive only there

    def __init__(self, config: Settings) -> None:
        super().__init__(config)
        self.cdx_digests: dict[str, str] = {}  # replay URL → the CDX's payload digest
        self.found: dict[str, Any] = {}
        self.fallbacks: list[dict[str, str]] = []  # captures taken instead of the chosen
        self.mismatches: list[dict[str, str]] = []  # bodies unlike their CDX digest
        self.page_dates: dict[str, str] = {}  # a requisite's or document's URL → its page's

    @classmethod
    def service_url(cls, config: Settings) -> str:
        return config.wayback.wayback_url

    def fetch_policy(self, policy: FetchPolicy) -> FetchPolicy:
        # give up on 429s after a minute, and pause a minute on one: the Archive blocks
        # those who go on (EDGI's wayback client)
        pause = THROTTLE_PAUSE if policy.throttle_pause is None else policy.throttle_pause
        return replace(policy, give_up_after=policy.give_up_after or 60.0, throttle_pause=pause)

    def redirect_rule(self) -> Any:
        window = self.config.wayback.redirect_window

        def rule(url: str, ex: Exchange, target: str) -> str | None:
            page = memento.replay_parts(url)
            # a requisite or document is taken from its nearest capture however far: the
            # gap is kept
            far = timedelta.max if page and page[1] in self.page_dates else window
            why = memento.nearest_problem(url, ex.response_headers, target, far)
            if why is None and url in self.cdx_digests:  # the capture served stands for it
                self.cdx_digests.setdefault(target, self.cdx_digests[url])
            return why

        return rule

    def requisite_url(self, url: str, page: Exchange) -> str | None:
        """A requisite of the site's hosts, replayed at its page's time: the Archive
        redirects to the capture of it nearest that time (the gap is kept)."""
        return self._at_page_time(url, page, SITE_HOSTS | {host(page.url)})

    def document_url(self, url: str, page: Exchange) -> str | None:
        """A document on a document host, its capture nearest the page's time."""
        return self._at_page_time(url, page, self.config.documents_from)

    def _at_page_time(self, url: str, page: Exchange, hosts: frozenset[str]) -> str | None:
        stamp = page.warc_headers.get("WARC-Wayback-Timestamp")
        if not stamp or host(url) not in hosts:
            return None
        self.page_dates.setdefault(url, warc_date(page.fetched_at))
        return replay_url(self.config.wayback.wayback_url, stamp, url)

    def requisite_meta(self, url: str) -> str | None:
        """What a rerun needs to know of a queued requisite or document: its page's time."""
        page_date = self.page_dates.get(url)
        return json.dumps({"page_date": page_date}) if page_date else None

    def to_capture(self, ex: Exchange) -> Exchange:
        capture = as_capture(ex)
        page_date = self.page_dates.get(capture.url)
        if page_date and capture.url != ex.url:  # a requisite or document: its page's time
            headers = {**capture.warc_headers, PAGE_DATE: page_date}
            capture = replace(capture, warc_headers=headers)
        digest = self.cdx_digests.get(ex.url)
        if digest is None or capture.url == ex.url:
            return capture
        return replace(
            capture,
            warc_headers={**capture.warc_headers, "WARC-Wayback-CDX-Digest": f"sha1:{digest}"},
        )

    def summary(self) -> dict[str, Any]:
        notes = [f"fallback: {f['page']}: took {f['taken']} instead of {f['wanted']} "
                 f"({f['why']})" for f in self.fallbacks]  # fmt: skip
        if self.mismatches:
            notes.append(
                f"{len(self.mismatches)} bodies differ from their CDX digest: archived and "
                "flagged (captures.digest_mismatch), not failed; the CDX digest is of the "
                "bytes the Archive stored, often compressed or chunked"
            )
        return {**self.found, "fallbacks": self.fallbacks, "digest_mismatches": self.mismatches,
                "notes": notes}  # fmt: skip

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
            rows, counts = await cdxclient.list_rows(job.fetcher, index_call, options)
            items = cdxclient.queue_items(rows, options, ids, self.config.variants)
            self.found = cdxclient.summary(rows, items, counts)
            if options.list_only:  # `--list`: what the CDX holds, and no replay
                if self.config.requisites or self.config.take_documents:
                    loads = await cdxclient.count_loads(job.fetcher, index_call, options)
                    self.found["requisites_held"] = loads["requisites"] * self.config.requisites
                    self.found["documents_held"] = loads["documents"] * self.config.take_documents
                return []
            await job.run_io(job.index.enqueue, items)
            await job.run_io(job.index.retry_failed, self.scope)  # a rerun retries failures
            todo = await job.run_io(job.index.pending)
        for item in todo:
            meta = json.loads(item.meta) if item.meta else {}
            if item.kind in (REQUISITE, DOCUMENT) and meta.get("page_date"):  # an earlier run's
                original = (memento.replay_parts(item.url) or ("", ""))[1]
                self.page_dates.setdefault(original, meta["page_date"])
                continue
            self.cdx_digests[item.url] = meta.get("digest", "")
            for stamp, original, digest in meta.get("fallbacks", []):
                self.cdx_digests[replay_url(options.wayback_url, stamp, original)] = digest
        return todo[: options.max_pages] if options.max_pages else todo

    async def take(self, job: Job, item: QueueItem) -> bool:
        """Replay the chosen capture; if it will not play, the next most recent one."""
        if item.kind in (REQUISITE, DOCUMENT):
            job.loaded[item.url] = item.kind
            limit = self.config.max_document_bytes if item.kind == DOCUMENT else None
            result = await job.fetcher.get(item.url, max_body=limit)
            why = unplayable(result)
            state = FAILED if why else DONE
            await job.queue_io(job.index.finish, item.url, state, result.status, why,
                               result.attempts)  # fmt: skip
            return why is None
        meta = json.loads(item.meta) if item.meta else {}
        wayback = self.config.wayback.wayback_url
        candidates = [item.url] + [replay_url(wayback, stamp, original)
                                   for stamp, original, _ in meta.get("fallbacks", [])]  # fmt: skip
        tried: list[str] = []
        attempts = 0
        for url in candidates:
            result = await job.fetcher.get(url)
            attempts += result.attempts
            why = unplayable(result)
            if why is None:
                return await self._played(job, item, url, result, tried, attempts)
            stamp = (memento.replay_parts(url) or ("?", ""))[0]
            tried.append(f"{stamp}: {why}")
        error = "no capture could be replayed: " + "; ".join(tried)
        await job.queue_io(job.index.finish, item.url, FAILED, result.status, error, attempts)
        return False

    async def _played(
        self, job: Job, item: QueueItem, url: str, result: FetchResult, tried: list[str],
        attempts: int,
    ) -> bool:  # fmt: skip
        wanted, page = memento.replay_parts(item.url) or ("", item.url)
        served = memento.replay_parts(result.final_url) or (wanted, page)
        if url != item.url:
            self.fallbacks.append(
                {"page": page, "wanted": wanted, "taken": served[0], "why": "; ".join(tried)}
            )
        error = None
        problem = digest_problem(result.body, self.cdx_digests.get(url))
        if problem:
            self.mismatches.append({"page": page, "timestamp": served[0], "problem": problem})
            if self.config.wayback.strict_digests:
                error = f"{problem} (--strict-digests)"
        state = FAILED if error else DONE
        await job.queue_io(job.index.finish, item.url, state, result.status, error, attempts)
        return error is None
