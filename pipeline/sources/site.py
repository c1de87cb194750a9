"""The site itself, or a mirror of it at `--base-url`: `harvest --ids SPEC` or `--discover`.

robots.txt is read first and obeyed (Crawl-delay included) unless `--ignore-robots`;
`--discover` then crawls the listings (`pipeline.sources.listings`) for activity IDs,
and every queued page is fetched once under its canonical URL.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from protego import Protego

from pipeline.archive import DONE, SKIPPED, Exchange, QueueItem
from pipeline.errors import ConfigError
from pipeline.fetch import Fetcher
from pipeline.sources.base import Job, Settings, Source, fetch_and_finish
from pipeline.sources.listings import discover
from pipeline.urls import DOCUMENT, REQUISITE, activity_url, host, variant_url


class SiteSource(Source):
    name = "site"

    def __init__(self, config: Settings) -> None:
        super().__init__(config)
        self.robots: Protego | None = None
        self.discovered: dict[str, Any] = {}

    @classmethod
    def check(cls, config: Settings) -> None:
        if not config.ids and not config.discover and not config.retry_failed:
            raise ConfigError("nothing to harvest: give --ids SPEC or --discover")

    def allowed(self, url: str) -> bool:
        return self.robots is None or self.robots.can_fetch(url, self.config.policy.user_agent)

    def summary(self) -> dict[str, Any]:
        return self.discovered

    async def plan(self, job: Job) -> list[QueueItem]:
        todo = await self._queued(job)
        if not todo and not self.config.discover:
            return []  # nothing to fetch: not even robots.txt, and no new WARC file
        await self.load_robots(job.fetcher)
        if self.config.discover and not self.config.retry_failed:
            self.discovered = await self.discover(job)
            todo = await job.run_io(job.index.pending)
        return todo

    async def _queued(self, job: Job) -> list[QueueItem]:
        """What the queue holds for this run before any fetching: `--retry-failed` takes
        what failed and nothing else; otherwise the IDs asked for are queued, earlier
        failures go back to pending, and all that is pending is taken."""
        if self.config.retry_failed:
            failed: list[QueueItem] = await job.run_io(job.index.take_failed, self.scope)
            return failed
        base = self.config.base_url
        items = [(activity_url(base, n), "activity", n) for n in self.config.ids]
        await job.run_io(job.index.enqueue, self.with_variants(items))
        await job.run_io(job.index.retry_failed, self.scope)
        pending: list[QueueItem] = await job.run_io(job.index.pending)
        return pending

    def with_variants(
        self, items: Sequence[tuple[str, str, int | None]]
    ) -> list[tuple[str, str, int | None]]:
        """Each activity's other URL after it (with `--variants`): the form the listings
        link, so that a replay follows them."""
        if not self.config.variants:
            return list(items)
        base = self.config.base_url
        return [x for item in items for x in (item, *(
            [(variant_url(base, item[2]), "activity", item[2])]
            if item[1] == "activity" and item[2] is not None else []))]  # fmt: skip

    def requisite_url(self, url: str, page: Exchange) -> str | None:
        """A requisite is fetched from the site's own host (or the mirror's), not beyond."""
        return url if host(url) == host(self.config.base_url) else None

    def document_url(self, url: str, page: Exchange) -> str | None:
        """A document on one of the document hosts (`--document-hosts`)."""
        return url if host(url) in self.config.documents_from else None

    async def take(self, job: Job, item: QueueItem) -> bool:
        if item.kind in (REQUISITE, DOCUMENT):
            job.loaded[item.url] = item.kind
        # the site's robots.txt rules its own host; a document host's is not read
        if host(item.url) == host(self.config.base_url) and not self.allowed(item.url):
            await job.run_io(job.index.finish, item.url, SKIPPED, None, "disallowed by robots.txt")
            return True
        limit = self.config.max_document_bytes if item.kind == DOCUMENT else None
        return (await fetch_and_finish(job, item, max_body=limit)).ok

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

    async def discover(self, job: Job) -> dict[str, Any]:
        """Queue what the listings link to; logframes fetched on the way count as done."""
        found = await discover(job.fetcher, self.config.base_url, self.allowed)
        await job.run_io(job.index.enqueue, self.with_variants(found.items()))
        for url in found.fetched_logframes:
            await job.run_io(job.index.finish, url, DONE, 200, None)
        return {
            "listing_pages": found.pages,
            "activities": len(found.activities),
            "logframes": len(found.logframes),
            "failures": [{"url": u, "error": e} for u, e in found.failures],
        }
