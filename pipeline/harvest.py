"""A harvest job: queue the pages, fetch them politely, archive everything, report.

    report = harvest(HarvestConfig(base_url="http://127.0.0.1:8000", data=Path("data"),
                                   ids=(18356,), policy=FetchPolicy(rate=5)))

The queue lives in the index (`raw/index.sqlite3`), so rerunning the same command after
a crash, a kill or a rate-limit stop fetches only what is not done yet.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import json
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from protego import Protego

from pipeline import __version__, wayback
from pipeline.archive import Exchange, WarcStore
from pipeline.discover import discover
from pipeline.errors import ConfigError, RateLimited
from pipeline.fetch import Fetcher, FetchResult, FetchStats
from pipeline.ids import activity_url, classify
from pipeline.index import DONE, FAILED, SKIPPED, Index, QueueItem
from pipeline.policy import FetchPolicy
from pipeline.progress import Progress
from pipeline.reports import write_report
from pipeline.warc_import import import_warcs
from pipeline.wayback import WaybackOptions

EXIT_OK, EXIT_FAILURES, EXIT_RATE_LIMITED = 0, 1, 3  # 2, usage errors, is the CLI's
MAX_QUEUED_WRITES = 64  # responses fetched but not yet on disk, at most


@dataclass(frozen=True, slots=True)
class HarvestConfig:
    base_url: str
    data: Path
    policy: FetchPolicy
    ids: tuple[int, ...] = ()
    discover: bool = False
    command_line: str = ""
    progress: bool | None = None  # None: a bar on a terminal, log lines otherwise
    source: str = "site"  # "site" (or a mirror), "wayback", "warc"
    wayback: WaybackOptions = field(default_factory=WaybackOptions)
    files: tuple[Path, ...] = ()  # WARC/ARC files to import, for the "warc" source

    def __post_init__(self) -> None:
        url = self.service_url
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            flag = "--wayback-url" if self.source == "wayback" else "--base-url"
            raise ConfigError(f"{flag} {url!r} is not an http(s) URL with a host")
        if self.source == "site" and not self.ids and not self.discover:
            raise ConfigError("nothing to harvest: give --ids SPEC or --discover")
        if self.source == "warc" and not self.files:
            raise ConfigError("--source warc: give the WARC or ARC files to import")
        if self.source not in ("site", "wayback", "warc"):
            raise ConfigError(f"--source {self.source!r}: use site, wayback or warc")

    @property
    def raw(self) -> Path:
        return self.data / "raw"

    @property
    def service_url(self) -> str:
        """Where the pages are fetched from: the Wayback Machine, or the site (or mirror)."""
        return self.wayback.wayback_url if self.source == "wayback" else self.base_url

    @property
    def host(self) -> str:
        return (urlsplit(self.service_url).hostname or "").lower()


@dataclass(slots=True)
class HarvestReport:
    started_at: str
    base_url: str
    command_line: str
    policy: dict[str, Any]
    finished_at: str = ""
    duration_s: float = 0.0
    exit_code: int = EXIT_OK
    stopped: str | None = None
    queued: int = 0
    done: int = 0
    failed: int = 0
    skipped: int = 0
    truncated: list[str] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)
    requests: int = 0
    retries: int = 0
    bytes: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_error: dict[str, int] = field(default_factory=dict)
    recovered_warcs: dict[str, int] = field(default_factory=dict)
    discovered: dict[str, Any] = field(default_factory=dict)
    report_path: str = ""

    def summary(self) -> str:
        line = (
            f"harvest: {self.done} done, {self.failed} failed, "
            f"{self.skipped} skipped by robots.txt "
            f"of {self.queued} queued; {self.requests} requests, {self.retries} retries, "
            f"{self.bytes / 1e6:.1f} MB in {self.duration_s:.1f}s"
        )
        if self.stopped:
            line += f"\nstopped: {self.stopped}"
        return line


def warcinfo(config: HarvestConfig) -> dict[str, str]:
    return {
        "software": f"jparchive/{__version__} (https://github.com/jparchive)",
        "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        "isPartOf": config.base_url,
        "source": config.source,
        "command-line": config.command_line or " ".join(sys.argv),
        "operator": config.policy.contact,
        "http-header-user-agent": config.policy.user_agent,
        "robots": "obey" if config.policy.obey_robots else "ignore (--ignore-robots)",
    }


class _Job:
    """The state of one running harvest; all index/WARC work on one writer thread."""

    def __init__(self, config: HarvestConfig, index: Index, store: WarcStore) -> None:
        self.config = config
        self.index = index
        self.store = store
        self.io = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="warc")
        self.robots: Protego | None = None
        self.writes: collections.deque[concurrent.futures.Future[Any]] = collections.deque()
        self.cdx_digests: dict[str, str] = {}  # Wayback replay URL → the CDX's payload digest

    async def run_io(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """Run `fn` on the writer thread and wait for it."""
        return await asyncio.get_running_loop().run_in_executor(
            self.io, lambda: fn(*args, **kwargs)
        )

    async def queue_io(self, fn: Any, *args: Any, **kwargs: Any) -> None:
        """Queue `fn` on the writer thread without waiting for it (order is kept: one thread).

        Workers go on fetching while the disk catches up; at most MAX_QUEUED_WRITES wait,
        and a write that failed is raised at the next call.
        """
        while self.writes and (self.writes[0].done() or len(self.writes) >= MAX_QUEUED_WRITES):
            await asyncio.wrap_future(self.writes.popleft())  # raises what the write raised
        self.writes.append(self.io.submit(fn, *args, **kwargs))

    async def drain(self) -> None:
        while self.writes:
            await asyncio.wrap_future(self.writes.popleft())

    async def archive(self, ex: Exchange) -> None:
        if self.config.source == "wayback":
            ex = wayback.with_digest(wayback.as_capture(ex), self.cdx_digests.get(ex.url))
        ref = classify(ex.url)
        number = ref.number if ref.kind == "activity" else None
        await self.queue_io(self.store.write, ex, activity_id=number, kind=ref.kind)

    async def load_robots(self, fetcher: Fetcher) -> None:
        if not self.config.policy.obey_robots:
            return
        result = await fetcher.get(f"{self.config.base_url.rstrip('/')}/robots.txt")
        if result.status is not None and 400 <= result.status < 500:
            return  # RFC 9309: no robots.txt, no restrictions
        if not result.ok:
            raise ConfigError(
                f"robots.txt at {result.url} could not be read ({result.error}); RFC 9309 says to "
                "assume everything is disallowed: rerun later, or pass --ignore-robots"
            )
        self.robots = Protego.parse(result.body.decode("utf-8", "replace"))
        delay = self.robots.crawl_delay(self.config.policy.user_agent)
        if delay:
            fetcher.limiter(self.config.base_url).set_min_interval(float(delay))

    async def discover(self, fetcher: Fetcher) -> dict[str, Any]:
        """Queue what the listings link to; logframes fetched on the way count as done."""
        found = await discover(fetcher, self.config.base_url, self.allowed)
        await self.run_io(self.index.enqueue, found.items())
        for url in found.fetched_logframes:
            await self.run_io(self.index.finish, url, DONE, 200, None)
        return {
            "listing_pages": found.pages,
            "activities": len(found.activities),
            "logframes": len(found.logframes),
            "failures": [{"url": u, "error": e} for u, e in found.failures],
        }

    async def from_wayback(self, fetcher: Fetcher) -> dict[str, Any]:
        """Queue the captures the CDX API lists; its answers are cached in the index."""
        options = self.config.wayback
        wayback.cdx_limiter(fetcher, options)

        async def index_call(name: str, *args: Any) -> Any:
            return await self.run_io(getattr(self.index, name), *args)

        ids = set(self.config.ids) if self.config.ids else None
        items, summary = await wayback.discover(fetcher, index_call, options, ids)
        await self.run_io(self.index.enqueue, items)
        return summary

    def allowed(self, url: str) -> bool:
        return self.robots is None or self.robots.can_fetch(url, self.config.policy.user_agent)

    async def work(
        self, fetcher: Fetcher, queue: asyncio.Queue[QueueItem], progress: Progress
    ) -> None:
        while True:
            try:
                item = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            result = await self.fetch_item(fetcher, item)
            progress.advance(ok=result is None or result.ok)

    async def fetch_item(self, fetcher: Fetcher, item: QueueItem) -> FetchResult | None:
        if not self.allowed(item.url):
            await self.run_io(
                self.index.finish, item.url, SKIPPED, None, "disallowed by robots.txt"
            )
            return None
        result = await fetcher.get(item.url)
        if result.ok and result.final_url == item.url and item.url in self.cdx_digests:
            # the bytes must be the capture the CDX listed; if not, say so (they are archived)
            result.error = wayback.digest_problem(result.body, self.cdx_digests[item.url])
        state = DONE if result.ok else FAILED
        # queued after the item's WARC records on the same thread: done only once on disk
        await self.queue_io(
            self.index.finish, item.url, state, result.status, result.error, result.attempts
        )
        return result


def _queue_items(config: HarvestConfig) -> list[tuple[str, str, int | None]]:
    return [(activity_url(config.base_url, n), "activity", n) for n in config.ids]


async def _harvest(config: HarvestConfig, index: Index, report: HarvestReport) -> None:
    store = WarcStore(config.raw, index, warcinfo(config))
    report.recovered_warcs = store.recovered
    job = _Job(config, index, store)
    stats = FetchStats()
    policy = config.policy
    settings = {
        **_policy_dict(policy),
        "allowed_hosts": policy.allowed_hosts or frozenset({config.host}),
    }
    if config.source == "wayback":  # one connection; give up on 429s after a minute
        settings.update(concurrency=1, give_up_after=policy.give_up_after or 60.0)
    policy = FetchPolicy(**settings)
    limits = httpx.Limits(
        max_connections=policy.concurrency, max_keepalive_connections=policy.concurrency
    )
    timeout = httpx.Timeout(policy.read_timeout, connect=policy.connect_timeout)
    try:
        async with httpx.AsyncClient(
            limits=limits, timeout=timeout, follow_redirects=False
        ) as client:
            fetcher = Fetcher(client, policy, job.archive, stats)
            if config.source == "wayback":  # the original site's robots.txt does not apply
                report.discovered = await job.from_wayback(fetcher)
            else:
                await job.load_robots(fetcher)
                if config.discover:
                    report.discovered = await job.discover(fetcher)
                await job.run_io(index.enqueue, _queue_items(config))
            todo = await job.run_io(index.pending)
            job.cdx_digests = {i.url: json.loads(i.meta)["digest"] for i in todo if i.meta}
            queue: asyncio.Queue[QueueItem] = asyncio.Queue()
            for item in todo:
                queue.put_nowait(item)
            with Progress(len(todo), "harvest", config.progress) as progress:
                await _run_workers(job, fetcher, queue, progress, policy.concurrency)
    finally:
        try:
            await job.drain()  # everything fetched reaches the disk, whatever stopped us
        finally:
            await job.run_io(store.close)
        job.io.shutdown(wait=True)
        report.requests, report.retries, report.bytes = stats.requests, stats.retries, stats.bytes
        report.by_status, report.by_error = stats.by_status, stats.by_error


async def _run_workers(
    job: _Job, fetcher: Fetcher, queue: asyncio.Queue[QueueItem], progress: Progress, n: int
) -> None:
    """`n` workers over the queue; when one stops the run, the others are cancelled first."""
    try:
        async with asyncio.TaskGroup() as group:
            for _ in range(n):
                group.create_task(job.work(fetcher, queue, progress))
    except BaseExceptionGroup as stopped:
        raise stopped.exceptions[0] from None  # the first error is why the run stopped


def _policy_dict(policy: FetchPolicy) -> dict[str, Any]:
    return {name: getattr(policy, name) for name in policy.__dataclass_fields__}


def _scope(config: HarvestConfig) -> str | None:
    if config.source == "warc":
        return None  # imports keep no queue of their own
    return config.service_url.rstrip("/") + "/"


def _finish_report(index: Index, report: HarvestReport, scope: str | None) -> None:
    """Counts and failures of the queue this run works on: the same data root may also
    hold crawls of another base URL or Wayback service (`scope` is their URL prefix)."""
    items = [i for i in index.items() if scope is None or i.url.startswith(scope)]
    report.queued = len(items)
    report.done = sum(1 for i in items if i.state == DONE)
    report.failed = sum(1 for i in items if i.state == FAILED)
    report.skipped = sum(1 for i in items if i.state == SKIPPED)
    report.failures = [
        {
            "url": i.url,
            "status": i.status,
            "attempts": i.attempts,
            "error": i.error or "not fetched: the run stopped first",
        }
        for i in items
        if i.state in (FAILED, "pending")
    ]
    report.truncated = sorted({c.url for c in index.captures() if c.truncated})
    if report.exit_code == EXIT_OK and report.failures:
        report.exit_code = EXIT_FAILURES


def harvest(config: HarvestConfig) -> HarvestReport:
    """Run a harvest to the end (or to a rate-limit stop) and write its JSON report."""
    started = time.monotonic()
    policy = {
        k: (sorted(v) if isinstance(v, frozenset) else v)
        for k, v in _policy_dict(config.policy).items()
    }
    report = HarvestReport(
        started_at=datetime.now(UTC).isoformat(timespec="seconds"),
        base_url=config.base_url,
        command_line=config.command_line,
        policy=policy,
    )
    with Index(config.raw / "index.sqlite3") as index:
        try:
            if config.source == "warc":
                import_warcs(
                    config.files, index, WarcStore(config.raw, index, warcinfo(config)), report
                )
            else:
                asyncio.run(_harvest(config, index, report))
        except RateLimited as exc:
            report.stopped, report.exit_code = str(exc), EXIT_RATE_LIMITED
        _finish_report(index, report, _scope(config))
    report.finished_at = datetime.now(UTC).isoformat(timespec="seconds")
    report.duration_s = round(time.monotonic() - started, 3)
    write_report(config.data, "harvest", report)
    return report
