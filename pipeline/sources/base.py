"""What a source is to the harvest job: `Source`, and `Job`, what a source may ask of it.

A harvest runs one source through one job:

    items = await source.plan(job)          # queue what there is to take (in the index)
    for item in items:                      # by `job`'s workers, `concurrency` at a time
        ok = await source.take(job, item)   # fetch or read it, archive it, mark it done

Every answer a source gets is archived through `job.archive(exchange)`, which first asks
the source how the answer is to be kept (`to_capture`: a Wayback replay becomes the
site's own response). The job never asks which source it runs.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from pipeline.archive import DONE, FAILED, Exchange, Index, QueueItem, WarcStore
from pipeline.fetch import Fetcher, FetchPolicy, FetchResult
from pipeline.fetch.fetcher import RedirectRule

if TYPE_CHECKING:
    from pipeline.sources.wayback import WaybackOptions


class Settings(Protocol):
    """What a source reads of the harvest's configuration (`HarvestConfig` has it all)."""

    @property
    def base_url(self) -> str: ...
    @property
    def data(self) -> Path: ...
    @property
    def policy(self) -> FetchPolicy: ...
    @property
    def ids(self) -> tuple[int, ...]: ...
    @property
    def discover(self) -> bool: ...
    @property
    def wayback(self) -> WaybackOptions: ...
    @property
    def files(self) -> tuple[Path, ...]: ...
    @property
    def retry_failed(self) -> bool: ...
    @property
    def requisites(self) -> bool: ...
    @property
    def variants(self) -> bool: ...
    @property
    def take_documents(self) -> bool: ...
    @property
    def documents_from(self) -> frozenset[str]: ...
    @property
    def max_document_bytes(self) -> int: ...


class Job(Protocol):
    """The running harvest, as a source sees it. Index and WARC work runs on one writer
    thread: `run_io` waits for it, `queue_io` queues it behind earlier writes."""

    index: Index
    store: WarcStore
    fetcher: Fetcher

    loaded: dict[str, str]  # queue URLs of requisites and documents → their kind

    async def run_io(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any: ...
    async def queue_io(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None: ...
    async def archive(self, ex: Exchange) -> None: ...


class Source(ABC):
    """One place pages come from. Subclasses set `name` and implement `plan` and `take`."""

    name: ClassVar[str]
    url_flag: ClassVar[str] = "--base-url"  # the flag that names `service_url`, for errors
    # What `--rate` and `--concurrency` are when not given (the site: 1 a second, 2 in flight)
    default_rate: ClassVar[float] = 1.0
    default_concurrency: ClassVar[int] = 2
    # Whether the documents pages link to are harvested when neither --documents nor
    # --no-documents is given
    documents_by_default: ClassVar[bool] = False

    def __init__(self, config: Settings) -> None:
        self.config = config

    @classmethod
    def service_url(cls, config: Settings) -> str:
        """The server the job's HTTP client talks to."""
        return config.base_url

    @classmethod
    def check(cls, config: Settings) -> None:
        """Raise ConfigError when the configuration cannot make a run of this source."""
        return None  # every configuration will do, unless a source says otherwise

    @property
    def scope(self) -> str | None:
        """The URL prefix of this source's queue items (the same data root may hold
        other crawls); None when it keeps no queue of its own."""
        return self.service_url(self.config).rstrip("/") + "/"

    def fetch_policy(self, policy: FetchPolicy) -> FetchPolicy:
        """The policy this source is fetched under (a source may tighten the user's)."""
        return policy

    def warcinfo(self, info: dict[str, str]) -> dict[str, str]:
        """The `warcinfo` fields of this run's WARC files."""
        return info

    def redirect_rule(self) -> RedirectRule | None:
        """A rule of the source's own for which redirects to follow (see `Fetcher`)."""
        return None

    def to_capture(self, ex: Exchange) -> Exchange:
        """How an answer is archived: by default as it was received."""
        return ex

    def summary(self) -> dict[str, Any]:
        """What the source found on the way, for the report's `discovered`."""
        return {}

    def requisite_url(self, url: str, page: Exchange) -> str | None:
        """Where to fetch `url`, a requisite of `page` (as archived), or None when this
        source does not fetch it (another host, say). By default: nowhere."""
        return None

    def document_url(self, url: str, page: Exchange) -> str | None:
        """Where to fetch `url`, a document `page` links to, or None (out of scope)."""
        return None

    def requisite_meta(self, url: str) -> str | None:
        """What the queue keeps of a requisite queued by `requisite_url` (JSON), if any."""
        return None

    def owns(self, item: QueueItem) -> bool:
        return self.scope is None or item.url.startswith(self.scope)

    @abstractmethod
    async def plan(self, job: Job) -> list[QueueItem]:
        """Queue what there is to take; return the items this run works on."""

    @abstractmethod
    async def take(self, job: Job, item: QueueItem) -> bool:
        """Take one item into the archive and record how it ended; True if it succeeded."""


async def fetch_and_finish(
    job: Job,
    item: QueueItem,
    check: Callable[[FetchResult], str | None] | None = None,
    max_body: int | None = None,
) -> FetchResult:
    """GET the item (every answer archived on the way) and mark it done or failed.

    `check` may find fault with a successful answer (its message makes the item failed,
    the bytes stay archived); `max_body` replaces the policy's (a document's limit)."""
    result = await job.fetcher.get(item.url, max_body=max_body)
    if result.ok and check is not None:
        result.error = check(result)
    state = DONE if result.ok else FAILED
    # queued after the item's WARC records on the same thread: done only once on disk
    await job.queue_io(
        job.index.finish, item.url, state, result.status, result.error, result.attempts
    )
    return result
