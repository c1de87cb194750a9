"""A harvest job: ask the source what to take, take it with a few workers, report.

    report = harvest(HarvestConfig(base_url="http://127.0.0.1:8000", data=Path("data"),
                                   ids=(18356,), policy=FetchPolicy(rate=5)))

The queue lives in the index (`raw/index.sqlite3`), so rerunning the same command after
a crash, a kill or a rate-limit stop takes only what is not done yet. The job knows no
source by name: everything that differs between them is the `Source`'s to say.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import contextlib
import shlex
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urldefrag, urljoin

import httpx

from pipeline import stopping
from pipeline.archive import PENDING, Exchange, Index, QueueItem, WarcStore, WriterLock
from pipeline.errors import Interrupted, RateLimited, StoreError
from pipeline.fetch import Fetcher, FetchPolicy, FetchStats
from pipeline.harvest.config import HarvestConfig, warcinfo
from pipeline.harvest.report import EXIT_FAILURES, EXIT_RATE_LIMITED, HarvestReport, finish_report
from pipeline.progress import Progress
from pipeline.reports import write_report
from pipeline.requisites import page_links, stylesheet_requisites
from pipeline.sources import Source, source_class
from pipeline.urls import DOCUMENT, PAGE_KINDS, REQUISITE, classify

MAX_QUEUED_WRITES = 64  # responses fetched but not yet on disk, at most


class Job:
    """The state of one running harvest; all index/WARC work on one writer thread."""

    fetcher: Fetcher  # set when the run starts, before the source plans

    def __init__(
        self, config: HarvestConfig, index: Index, store: WarcStore, source: Source | None = None
    ) -> None:
        self.config = config
        self.index = index
        self.store = store
        self.source = source or source_class(config.source)(config)
        self.io = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="warc")
        self.writes: collections.deque[concurrent.futures.Future[Any]] = collections.deque()
        self.loaded: dict[str, str] = {}  # queue URLs of requisites and documents → kind
        self.seen: dict[str, str] = {}  # their own URLs (asked for, or held) → kind
        self.queue: asyncio.Queue[QueueItem] = asyncio.Queue()
        self.progress: Progress | None = None

    async def run_io(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run `fn` on the writer thread and wait for it."""
        return await asyncio.get_running_loop().run_in_executor(
            self.io, lambda: fn(*args, **kwargs)
        )

    async def queue_io(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
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
        """Archive one answer, as the source says it is to be kept; queue what it loads."""
        # a redirect on the way to a requisite or document is a hop, not the thing itself
        asked = None if 300 <= ex.status < 400 else self.loaded.get(ex.url)
        ex = self.source.to_capture(ex)
        ref = classify(ex.url)
        number = ref.number if ref.kind == "activity" else None
        # a requisite's or document's own URL, or (from the Wayback Machine) the capture
        # it redirected to
        kind = asked or (self.seen.get(ex.url) if ref.kind == "other" else None) or ref.kind
        await self.queue_io(self.store.write, ex, activity_id=number, kind=kind)
        if 300 <= ex.status < 400 and kind in (REQUISITE, DOCUMENT):
            self._follows(ex, kind)
        if ex.status != 200 or not (self.config.requisites or self.config.take_documents):
            return
        requisites, documents = loads(ex, kind)
        if self.config.requisites:
            await self.queue_loaded(requisites, ex, REQUISITE)
        if self.config.take_documents and kind in PAGE_KINDS:
            await self.queue_loaded(documents, ex, DOCUMENT)

    def _follows(self, hop: Exchange, kind: str) -> None:
        """Where a requisite's or document's redirect leads is that thing too."""
        location = next((v for k, v in hop.response_headers if k.lower() == "location"), "")
        if location:
            with contextlib.suppress(ValueError):
                self.seen.setdefault(urldefrag(urljoin(hop.url, location.strip())).url, kind)

    async def queue_loaded(self, urls: list[str], page: Exchange, kind: str) -> None:
        """Queue each requisite (or document) of `page` the source fetches, once per URL
        (over runs too: one the archive holds already is not asked for again)."""
        unseen = [u for u in urls if u not in self.seen]
        self.seen.update((u, kind) for u in unseen)
        if unseen:
            held = await self.run_io(self.index.captured_urls, unseen, kind)
            unseen = [u for u in unseen if u not in held]
        where = self.source.requisite_url if kind == REQUISITE else self.source.document_url
        wanted = {q: u for u in unseen if (q := where(u, page))}
        fresh = [q for q in wanted if q not in self.loaded]
        if not fresh:
            return
        self.loaded.update((q, kind) for q in fresh)
        items = [(q, kind, None, self.source.requisite_meta(wanted[q])) for q in fresh]
        new = await self.run_io(self.index.new_items, items)
        for url in new:
            self.queue.put_nowait(QueueItem(url, kind, None, PENDING, 0, None, None))
        if self.progress is not None:
            self.progress.add(len(new))

    async def work(self, progress: Progress) -> None:
        while True:
            item = await self.queue.get()
            try:
                progress.advance(ok=await self.source.take(self, item))
            finally:
                self.queue.task_done()


def loads(ex: Exchange, kind: str) -> tuple[list[str], list[str]]:
    """What an archived answer loads and the documents it links to: a page's (read once
    for both), or a stylesheet's requisites."""
    content_type = (ex.content_type or "").lower()
    if kind == REQUISITE:
        is_css = "text/css" in content_type or ex.url.lower().split("?")[0].endswith(".css")
        return (stylesheet_requisites(ex.body, ex.url) if is_css else []), []
    if kind in (*PAGE_KINDS, "listing") and "html" in (content_type or "text/html"):
        return page_links(ex.body, ex.url, ex.content_type)
    return [], []


def _fetch_policy(config: HarvestConfig, source: Source) -> FetchPolicy:
    policy = config.policy
    hosts = policy.allowed_hosts or frozenset({config.host})
    return source.fetch_policy(replace(policy, allowed_hosts=hosts))


async def _harvest(
    config: HarvestConfig, index: Index, report: HarvestReport, source: Source
) -> None:
    """The run, with Ctrl-C and SIGTERM turned into a clean stop (`Interrupted`): the
    workers are cancelled, their items stay queued, what was fetched reaches the disk."""
    loop, main = asyncio.get_running_loop(), asyncio.current_task()
    caught: list[int] = []

    def on_signal(signum: int) -> None:
        if not caught and main is not None:
            caught.append(signum)
            main.cancel()

    # Called in the main thread between two Python steps, perhaps inside the loop's own
    # code: the cancellation is handed to the loop as a thread-safe callback. While the
    # loop is held by synchronous work (a recovery, an import's reading) the watchdog of
    # `pipeline.stopping` ends the run instead.
    with stopping.graceful_stop(lambda signum: loop.call_soon_threadsafe(on_signal, signum)):
        try:
            await _run(config, index, report, source)
        except asyncio.CancelledError:
            if caught:
                raise Interrupted(caught[0]) from None
            raise


async def _run(config: HarvestConfig, index: Index, report: HarvestReport, source: Source) -> None:
    store = WarcStore(config.raw, index, source.warcinfo(warcinfo(config)))
    report.recovered_warcs = store.recovered
    report.reindexed_records = store.reindexed
    job = Job(config, index, store, source)
    stats = FetchStats()
    policy = _fetch_policy(config, source)
    limits = httpx.Limits(
        max_connections=policy.concurrency, max_keepalive_connections=policy.concurrency
    )
    timeout = httpx.Timeout(policy.read_timeout, connect=policy.connect_timeout)
    try:
        async with httpx.AsyncClient(
            limits=limits, timeout=timeout, follow_redirects=False
        ) as client:
            job.fetcher = Fetcher(
                client, policy, job.archive, stats, redirect_rule=source.redirect_rule()
            )
            todo = await source.plan(job)
            for item in todo:  # what pages fetched while planning load is queued already
                if item.url not in job.loaded:
                    job.queue.put_nowait(item)
            with Progress(len(todo), "harvest", config.progress) as progress:
                job.progress = progress
                await _run_workers(job, progress, policy.concurrency)
    finally:
        try:
            await job.drain()  # everything fetched reaches the disk, whatever stopped us
        finally:
            try:
                await job.run_io(store.close)
            finally:
                job.io.shutdown(wait=True)
        report.discovered = source.summary()
        report.requests, report.retries, report.bytes = stats.requests, stats.retries, stats.bytes
        report.by_status, report.by_error = stats.by_status, stats.by_error


async def _run_workers(job: Job, progress: Progress, n: int) -> None:
    """`n` workers over the queue until it is empty and nothing taken can add to it (a
    page queues its requisites); when one stops the run, the others are cancelled first."""
    try:
        async with asyncio.TaskGroup() as group:
            workers = [group.create_task(job.work(progress)) for _ in range(n)]
            await job.queue.join()
            for worker in workers:
                worker.cancel()
    except BaseExceptionGroup as stopped:
        raise stopped.exceptions[0] from None  # the first error is why the run stopped


def harvest(config: HarvestConfig) -> HarvestReport:
    """Run a harvest to the end (or to a rate-limit stop) and write its JSON report."""
    started = time.monotonic()
    policy = {
        name: (sorted(v) if isinstance(v := getattr(config.policy, name), frozenset) else v)
        for name in config.policy.__dataclass_fields__
    }
    report = HarvestReport(
        started_at=datetime.now(UTC).isoformat(timespec="seconds"),
        base_url=config.base_url,
        command_line=config.command_line,
        policy=policy,
    )
    command = config.command_line or shlex.join(sys.argv)
    with WriterLock(config.data, command), Index(config.raw / "index.sqlite3") as index:
        index.start_run(command)
        source = source_class(config.source)(config)
        try:
            asyncio.run(_harvest(config, index, report, source))
        except RateLimited as exc:
            report.stopped, report.exit_code = str(exc), EXIT_RATE_LIMITED
        except Interrupted as exc:
            report.stopped = (
                f"interrupted ({exc}): pages in flight went back to the queue; "
                "rerun the same command to resume"
            )
            report.exit_code = exc.exit_code
        except StoreError as exc:  # a full disk, a read-only folder: what is on disk stays
            report.stopped, report.exit_code = str(exc), EXIT_FAILURES
        finish_report(index, report, source.scope)
    report.finished_at = datetime.now(UTC).isoformat(timespec="seconds")
    report.duration_s = round(time.monotonic() - started, 3)
    try:
        write_report(config.data, "harvest", report)
    except OSError as exc:  # the disk that stopped the run may not take the report either
        report.report_path = f"(not written: {exc.strerror})"
    return report
