"""How politely to fetch: the settings, and the pure decisions made from them.

`FetchPolicy` holds every knob with its default and the reason for it. `next_delay`
decides whether and when to retry; `HostLimiter` spaces requests to one host. Neither
touches the network, so both are tested over tables of cases with a fake clock.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

from pipeline import __version__
from pipeline.errors import ConfigError

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
THROTTLE_STATUSES = frozenset({429, 503})  # the server says "too much": slow down
RETRY_ERRORS = frozenset({"connect", "timeout", "read", "protocol"})


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """Politeness and robustness settings for one harvest, validated on creation."""

    # 1 request per second per host: a fragile legacy server, often a volunteer's mirror.
    rate: float = 1.0
    # Two requests in flight per host at most, as browsers did in 2005 (RFC 2616 §8.1.4).
    concurrency: int = 2
    # Seconds to open a connection; a dead host should fail fast and be retried later.
    connect_timeout: float = 10.0
    # Seconds for the whole response; ASP pages are small, a slow one is a stuck one.
    read_timeout: float = 30.0
    # Attempts after the first, for connection errors, timeouts, 408/429/5xx.
    retries: int = 3
    # First backoff in seconds, doubled each attempt, with up to 25% jitter.
    backoff: float = 2.0
    # Ceiling for one backoff, and for a Retry-After we are willing to honour in-line.
    max_backoff: float = 120.0
    # Responses larger than this are cut and recorded as truncated (10 MB).
    max_body: int = 10 * 1024 * 1024
    # Redirect hops followed before the chain counts as a loop.
    max_redirects: int = 5
    # After this many 429/503 answers in a row the run stops, resumable (exit 3).
    max_throttled: int = 20
    # ... or when they have gone on this many seconds (the Wayback source sets 60: the
    # Internet Archive blocks addresses that keep going).
    give_up_after: float | None = None
    # Seconds a host's clock is held after a 429 without Retry-After (None: the backoff
    # alone). The Wayback source sets 60: its 429s come without one, and a client that
    # keeps going for a minute is blocked at the firewall for an hour (EDGI's wayback).
    throttle_pause: float | None = None
    # Hosts we may fetch from; redirects elsewhere are recorded, not followed.
    allowed_hosts: frozenset[str] = field(default_factory=frozenset)
    # Who we are, with a contact, so an operator can reach us instead of blocking us.
    contact: str = "https://github.com/jparchive"
    # robots.txt is obeyed unless the operator says otherwise (recorded in the WARC).
    obey_robots: bool = True

    def __post_init__(self) -> None:
        checks = (
            ("rate", self.rate >= 0, "must be 0 (no limit) or more requests per second"),
            ("concurrency", 1 <= self.concurrency <= 64, "must be from 1 to 64"),
            ("connect_timeout", self.connect_timeout > 0, "must be more than 0 seconds"),
            ("read_timeout", self.read_timeout > 0, "must be more than 0 seconds"),
            ("retries", 0 <= self.retries <= 20, "must be from 0 to 20"),
            ("backoff", self.backoff >= 0, "must be 0 or more seconds"),
            ("max_backoff", self.max_backoff >= self.backoff, "must be at least backoff"),
            ("max_body", self.max_body >= 1024, "must be at least 1024 bytes"),
            ("max_redirects", 0 <= self.max_redirects <= 20, "must be from 0 to 20"),
            ("max_throttled", self.max_throttled >= 1, "must be at least 1"),
            ("throttle_pause", (self.throttle_pause or 0) >= 0, "must be 0 or more seconds"),
            ("contact", bool(self.contact.strip()), "must say how to reach the operator"),
        )
        for name, ok, rule in checks:
            if not ok:
                raise ConfigError(f"fetch policy: {name}={getattr(self, name)!r} {rule}")

    @property
    def user_agent(self) -> str:
        return f"jparchive/{__version__} (archival harvester; +{self.contact})"

    @property
    def interval(self) -> float:
        """Seconds between request starts to one host."""
        return 1.0 / self.rate if self.rate > 0 else 0.0


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one attempt gave: an HTTP status, or the kind of error that stopped it."""

    status: int | None = None
    error: str | None = None  # "connect", "timeout", "read", "protocol", "too-large", ...
    retry_after: float | None = None  # seconds, already read from the header


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date.

    >>> parse_retry_after("120", 0.0), parse_retry_after("soon", 0.0)
    (120.0, None)
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, float(when.timestamp()) - now)


def next_delay(
    policy: FetchPolicy, attempt: int, outcome: Outcome, jitter: float = 0.0
) -> float | None:
    """Seconds to wait before attempt `attempt + 1`, or None to give up (or not retry).

    `attempt` counts from 0; `jitter` in [0, 1) spreads retries (0.25 adds up to 25%).
    A Retry-After is honoured even past the backoff, up to `max_backoff`.
    """
    retryable = outcome.status in RETRY_STATUSES or outcome.error in RETRY_ERRORS
    if not retryable or attempt >= policy.retries:
        return None
    backoff = min(policy.max_backoff, policy.backoff * 2.0**attempt) * (1.0 + 0.25 * jitter)
    if outcome.retry_after is not None:
        backoff = max(backoff, min(outcome.retry_after, policy.max_backoff))
    return max(backoff, policy.interval)


Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class HostLimiter:
    """Spaces request starts to one host; slows itself down while the host throttles us.

    Every request, failed or not, takes a slot, so errors never speed the crawl up. The
    spacing is kept twice: `wait` gives each request a slot (and a request whose slot a
    hold overtook takes a new one after it), and `gate`, just before its bytes leave,
    keeps the interval from the previous request that really left, so that the server,
    not only the client, sees it kept: after a hold, a slow connection, a redirect hop.
    """

    MAX_SLOWDOWN = 16.0

    def __init__(
        self, interval: float, clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep
    ) -> None:
        self.interval = interval
        self.slowdown = 1.0
        self._clock = clock
        self._sleep = sleep
        self._next = 0.0
        self._booked: float | None = None  # the latest slot given
        self._last: float | None = None  # when the latest request left
        self._hold = 0.0  # no request starts before this (a Retry-After, a 429's pause)
        self._lock = asyncio.Lock()
        self._gate = asyncio.Lock()

    @property
    def spacing(self) -> float:
        return self.interval * self.slowdown

    def set_min_interval(self, seconds: float) -> None:
        """Raise the spacing (robots.txt Crawl-delay); never lowers it, applies at once."""
        self.interval = max(self.interval, seconds)
        latest = max((t for t in (self._booked, self._last) if t is not None), default=None)
        if latest is not None:
            self._next = max(self._next, latest + self.spacing)

    async def wait(self) -> None:
        """Wait for this request's slot: after the previous slot, and after any hold."""
        while True:
            async with self._lock:
                now = self._clock()
                start = max(now, self._next, self._hold)
                self._booked, self._next = start, start + self.spacing
            if start > now:
                await self._sleep(start - now)
            if self._hold <= self._clock():
                return
            # a hold was set while this request waited: its slot is void, it queues again
            # behind the hold (and behind those already queued there), never all at once

    async def gate(self) -> None:
        """Just before the request's bytes leave: wait until the interval has passed since
        the previous request left (and any hold is over), then note that this one leaves."""
        async with self._gate:
            while True:
                now = self._clock()
                start = max(self._hold, -1.0 if self._last is None else self._last + self.spacing)
                if start <= now:
                    break
                await self._sleep(start - now)
            self._last = now
            self._next = max(self._next, now + self.spacing)

    def hold_off(self, seconds: float) -> None:
        """No request starts for `seconds` (a Retry-After from the server), not even one
        already waiting for its slot."""
        self._hold = max(self._hold, self._clock() + seconds)
        self._next = max(self._next, self._hold)

    def record(self, status: int | None) -> None:
        """Adapt to the server: double the spacing on 429/503, recover slowly after."""
        if status in THROTTLE_STATUSES:
            self.slowdown = min(self.MAX_SLOWDOWN, self.slowdown * 2)
        elif status is not None and status < 500:
            self.slowdown = max(1.0, self.slowdown * 0.9)
