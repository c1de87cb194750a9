"""Fetch decisions without a network: retry delays, Retry-After, the host limiter."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Coroutine
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

import pytest

from pipeline.errors import ConfigError
from pipeline.fetch.policy import FetchPolicy, HostLimiter, Outcome, next_delay, parse_retry_after

POLICY = FetchPolicy(rate=1.0, retries=3, backoff=2.0, max_backoff=60.0)


@pytest.mark.parametrize(
    ("attempt", "outcome", "delay"),
    [
        (0, Outcome(status=200), None),
        (0, Outcome(status=404), None),
        (0, Outcome(status=403), None),
        (0, Outcome(status=500), 2.0),
        (1, Outcome(status=502), 4.0),
        (2, Outcome(status=503), 8.0),
        (3, Outcome(status=503), None),  # retries used up
        (0, Outcome(status=408), 2.0),
        (0, Outcome(status=504), 2.0),
        (0, Outcome(status=429), 2.0),
        (0, Outcome(status=429, retry_after=30.0), 30.0),  # Retry-After beats the backoff
        (0, Outcome(status=429, retry_after=0.0), 2.0),  # ... but never speeds us up
        (0, Outcome(status=503, retry_after=3600.0), 60.0),  # capped at max_backoff
        (0, Outcome(error="connect"), 2.0),
        (0, Outcome(error="timeout"), 2.0),
        (0, Outcome(error="read"), 2.0),
        (0, Outcome(error="too-large"), None),
    ],
)
def test_next_delay(attempt: int, outcome: Outcome, delay: float | None) -> None:
    assert next_delay(POLICY, attempt, outcome) == delay


def test_jitter_adds_up_to_a_quarter() -> None:
    assert next_delay(POLICY, 1, Outcome(status=500), jitter=0.999) == pytest.approx(4.0 * 1.24975)


def test_delay_is_never_below_the_request_interval() -> None:
    slow = FetchPolicy(rate=0.1, backoff=1.0)
    assert next_delay(slow, 0, Outcome(status=500)) == 10.0


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 5 ", 5.0),
        ("", None),
        (None, None),
        ("soon", None),
        (format_datetime(datetime(2026, 1, 1, 0, 1, 0, tzinfo=UTC), usegmt=True), 60.0),
        (format_datetime(datetime(2025, 1, 1, tzinfo=UTC), usegmt=True), 0.0),
    ],
)
def test_parse_retry_after(value: str | None, seconds: float | None) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC).timestamp()
    assert parse_retry_after(value, now) == seconds


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rate": -1}, "fetch policy: rate=-1 must be 0 (no limit) or more requests per second"),
        ({"concurrency": 0}, "fetch policy: concurrency=0 must be from 1 to 64"),
        ({"retries": 99}, "fetch policy: retries=99 must be from 0 to 20"),
        ({"max_body": 10}, "fetch policy: max_body=10 must be at least 1024 bytes"),
        ({"contact": " "}, "fetch policy: contact=' ' must say how to reach the operator"),
        ({"backoff": 10, "max_backoff": 5}, "fetch policy: max_backoff=5 must be at least backoff"),
    ],
)
def test_policy_validation_names_the_setting(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as info:
        FetchPolicy(**kwargs)  # type: ignore[arg-type]
    assert str(info.value) == message


def test_user_agent_names_the_tool_and_the_contact() -> None:
    ua = FetchPolicy(contact="mailto:archivist@example.org").user_agent
    assert ua.startswith("jparchive/") and "mailto:archivist@example.org" in ua


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def run(coro: object) -> None:
    asyncio.run(coro)  # type: ignore[arg-type]


def test_limiter_spaces_request_starts() -> None:
    clock = FakeClock()
    limiter = HostLimiter(0.5, clock, clock.sleep)

    async def five() -> list[float]:
        starts = []
        for _ in range(5):
            await limiter.wait()
            starts.append(clock.now)
        return starts

    starts = asyncio.run(five())
    assert [b - a for a, b in itertools.pairwise(starts)] == [0.5] * 4


def test_limiter_slows_down_on_429_and_recovers_slowly() -> None:
    limiter = HostLimiter(1.0, FakeClock())
    for _ in range(3):
        limiter.record(429)
    assert limiter.slowdown == 8.0
    limiter.record(200)
    assert limiter.slowdown == pytest.approx(7.2)
    for _ in range(10):
        limiter.record(429)
    assert limiter.slowdown == HostLimiter.MAX_SLOWDOWN
    limiter.record(500)  # a server error is no reason to speed up
    assert limiter.slowdown == HostLimiter.MAX_SLOWDOWN


def test_limiter_hold_off_and_crawl_delay() -> None:
    clock = FakeClock()
    limiter = HostLimiter(0.1, clock, clock.sleep)
    limiter.set_min_interval(2.0)
    limiter.set_min_interval(1.0)  # never lowers
    assert limiter.interval == 2.0

    async def go() -> None:
        await limiter.wait()
        limiter.hold_off(30.0)
        await limiter.wait()

    asyncio.run(go())
    assert clock.sleeps == [30.0]


def test_crawl_delay_learnt_after_a_request_applies_to_the_next_one() -> None:
    clock = FakeClock()
    limiter = HostLimiter(0.0, clock, clock.sleep)

    async def go() -> None:
        await limiter.wait()  # robots.txt, at no rate limit
        limiter.set_min_interval(0.3)  # its Crawl-delay
        await limiter.wait()

    asyncio.run(go())
    assert clock.sleeps == [pytest.approx(0.3)]


def test_spacing_counts_from_when_the_request_really_left() -> None:
    clock = FakeClock()
    limiter = HostLimiter(0.25, clock, clock.sleep)

    async def go() -> None:
        await limiter.wait()  # released at 100.0
        clock.now += 0.016  # opening the connection takes 16 ms
        await limiter.gate()
        await limiter.wait()
        await limiter.gate()

    asyncio.run(go())
    assert clock.now == pytest.approx(100.266)  # 0.25 s after the request left, not after release


class VirtualClock:
    """Time that passes only when every task is asleep: the earliest sleeper wakes."""

    def __init__(self) -> None:
        self.now = 100.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + seconds, next(self._order), future))
        await future

    async def run(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(work)
        while not task.done():
            for _ in range(20):  # let everything that can run, run
                await asyncio.sleep(0)
            if self._sleepers and not task.done():
                wake, _, future = heapq.heappop(self._sleepers)
                self.now = max(self.now, wake)
                future.set_result(None)
        task.result()


def test_requests_released_by_a_hold_keep_the_interval() -> None:
    """Five requests wait for their slots; a 429's hold comes while they wait: after it,
    they start one interval apart, not all at once."""
    clock = VirtualClock()
    limiter = HostLimiter(0.25, clock, clock.sleep)
    starts: list[float] = []

    async def one() -> None:
        await limiter.wait()
        await limiter.gate()
        starts.append(clock.now)

    async def go() -> None:
        await limiter.wait()
        await limiter.gate()
        waiting = [asyncio.ensure_future(one()) for _ in range(5)]
        await clock.sleep(0.1)
        limiter.hold_off(10.0)  # the first answer, a 429, comes while they wait
        await asyncio.gather(*waiting)

    asyncio.run(clock.run(go()))
    assert starts[0] >= 110.1
    assert [b - a for a, b in itertools.pairwise(starts)] == [pytest.approx(0.25)] * 4
