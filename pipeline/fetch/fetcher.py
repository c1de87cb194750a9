"""One polite GET, with retries and redirects, every response archived.

`Fetcher.get(url)` returns the final `FetchResult`; along the way each response
(redirects, 5xx, 429 included) goes to the `WarcStore`. Decisions come from
`pipeline.fetch.policy`; this module only does the I/O.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import httpx

from pipeline.archive import Exchange
from pipeline.errors import RateLimited
from pipeline.fetch.policy import THROTTLE_STATUSES, FetchPolicy, HostLimiter, Outcome, next_delay
from pipeline.fetch.policy import parse_retry_after as _parse_retry_after

Archiver = Callable[[Exchange], Awaitable[None]]
# (URL, the 3xx answer, its target) → why not to follow it, or None: a source's own rule
RedirectRule = Callable[[str, Exchange, str], str | None]


@dataclass(slots=True)
class FetchResult:
    """How fetching one URL ended."""

    url: str
    final_url: str
    status: int | None = None
    error: str | None = None  # why it failed; None on success
    attempts: int = 0  # requests made, redirect hops included
    hops: int = 0  # of them, redirects followed
    body: bytes = b""
    content_type: str | None = None
    truncated: bool = False
    headers: list[tuple[str, str]] = field(default_factory=list)  # of the last answer

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(slots=True)
class FetchStats:
    requests: int = 0
    retries: int = 0
    bytes: int = 0
    throttled_in_a_row: int = 0
    throttled_since: float | None = None  # monotonic time of the streak's first 429/503
    by_status: dict[str, int] = field(default_factory=dict)
    by_error: dict[str, int] = field(default_factory=dict)

    def count(self, outcome: Outcome) -> None:
        self.requests += 1
        if outcome.status is not None:
            key = str(outcome.status)
            self.by_status[key] = self.by_status.get(key, 0) + 1
        if outcome.error is not None:
            self.by_error[outcome.error] = self.by_error.get(outcome.error, 0) + 1


def limiter_key(url: str) -> str:
    """One clock per host, and a separate one for a host's CDX API (paced on its own)."""
    parts = urlsplit(url)
    host = parts.netloc.lower()
    return f"{host}/cdx" if parts.path.startswith("/cdx/") else host


def _error_kind(exc: Exception) -> str:
    if isinstance(exc, httpx.TimeoutException | TimeoutError):
        return "timeout"
    if isinstance(exc, httpx.ConnectError):
        return "connect"
    if isinstance(exc, httpx.ReadError | httpx.RemoteProtocolError):
        return "read"
    return "protocol"


class Fetcher:
    """Fetches URLs within a `FetchPolicy`, one `HostLimiter` per host."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        policy: FetchPolicy,
        archive: Archiver,
        stats: FetchStats | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        redirect_rule: RedirectRule | None = None,
    ) -> None:
        self.redirect_rule = redirect_rule
        self.client = client
        self.policy = policy
        self.archive = archive
        self.stats = stats or FetchStats()
        self.limiters: dict[str, HostLimiter] = {}
        self._sleep = sleep

    def limiter(self, url: str) -> HostLimiter:
        key = limiter_key(url)
        if key not in self.limiters:
            self.limiters[key] = HostLimiter(self.policy.interval)
        return self.limiters[key]

    async def _attempt(self, url: str, limit: int) -> tuple[Outcome, Exchange | None]:
        headers = {"User-Agent": self.policy.user_agent, "Accept-Encoding": "identity"}
        started = datetime.now(UTC)
        limiter = self.limiter(url)

        async def trace(event: str, info: dict[str, object]) -> None:
            if event == "http11.send_request_headers.started":
                await limiter.gate()

        try:
            async with asyncio.timeout(self.policy.read_timeout):
                async with self.client.stream(
                    "GET", url, headers=headers, extensions={"trace": trace}
                ) as resp:
                    body, truncated = await self._read_body(resp, limit)
        except (httpx.HTTPError, TimeoutError, OSError) as exc:
            return Outcome(error=_error_kind(exc)), None
        exchange = Exchange(
            url=url,
            status=resp.status_code,
            reason=resp.reason_phrase,
            response_headers=[
                (k.decode("latin-1"), v.decode("latin-1")) for k, v in resp.headers.raw
            ],
            body=body,
            fetched_at=started,
            http_version=resp.http_version,
            request_headers=[
                (k.decode("latin-1"), v.decode("latin-1")) for k, v in resp.request.headers.raw
            ],
            truncated=truncated,
        )
        retry_after = _parse_retry_after(resp.headers.get("retry-after"), started.timestamp())
        outcome = Outcome(status=resp.status_code, retry_after=retry_after)
        return outcome, exchange

    async def _read_body(self, resp: httpx.Response, limit: int) -> tuple[bytes, bool]:
        chunks: list[bytes] = []
        size = 0
        async for chunk in resp.aiter_raw():
            if size + len(chunk) > limit:
                chunks.append(chunk[: limit - size])
                return b"".join(chunks), True
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks), False

    def _note_throttle(self, outcome: Outcome, url: str) -> None:
        if outcome.status in THROTTLE_STATUSES:
            self.stats.throttled_in_a_row += 1
            if self.stats.throttled_since is None:
                self.stats.throttled_since = time.monotonic()
            lasting = time.monotonic() - self.stats.throttled_since
            limit = self.policy.give_up_after
            if self.stats.throttled_in_a_row >= self.policy.max_throttled or (
                limit is not None and lasting > limit
            ):
                raise RateLimited(
                    f"{self.stats.throttled_in_a_row} answers in a row were 429/503 over "
                    f"{lasting:.0f}s (last: GET {url}); "
                    "stopped so the server does not block us; rerun later to resume"
                )
        elif outcome.status is not None:
            self.stats.throttled_in_a_row = 0
            self.stats.throttled_since = None

    def _redirect(
        self, url: str, exchange: Exchange, seen: set[str]
    ) -> tuple[str | None, str | None]:
        """(next URL, None) to follow a redirect, or (None, reason) to stop."""
        location = next((v for k, v in exchange.response_headers if k.lower() == "location"), None)
        if not location:
            return None, f"HTTP {exchange.status} without a Location header"
        target = urljoin(url, location)
        host = (urlsplit(target).hostname or "").lower()
        if self.policy.allowed_hosts and host not in self.policy.allowed_hosts:
            return None, f"redirect to {target} not followed: {host} is not an allowed host"
        if target in seen or len(seen) > self.policy.max_redirects:
            return None, f"redirect loop after {len(seen)} hops (last: {target})"
        if self.redirect_rule is not None and (why := self.redirect_rule(url, exchange, target)):
            return None, why
        return target, None

    async def get(
        self, url: str, retries: int | None = None, max_body: int | None = None
    ) -> FetchResult:
        """Fetch `url`, following allowed redirects and retrying what the policy retries
        (at most `retries` times, when given: a caller that knows better, say); a body
        over `max_body` (the policy's, unless given) is cut and marked truncated."""
        policy = self.policy if retries is None else replace(self.policy, retries=retries)
        limit = self.policy.max_body if max_body is None else max_body
        result = FetchResult(url=url, final_url=url)
        current, seen, attempt = url, {url}, 0  # attempt: retries of the current URL
        while True:
            limiter = self.limiter(current)
            await limiter.wait()
            outcome, exchange = await self._attempt(current, limit)
            result.attempts += 1
            self.stats.count(outcome)
            limiter.record(outcome.status)
            # before anything awaits: the other workers must not slip past the hold
            if outcome.retry_after:
                limiter.hold_off(min(outcome.retry_after, self.policy.max_backoff))
            elif outcome.status == 429 and self.policy.throttle_pause:
                limiter.hold_off(self.policy.throttle_pause)  # no Retry-After: the policy's
            if exchange is not None:
                await self.archive(exchange)
                self.stats.bytes += len(exchange.body)
            self._note_throttle(outcome, current)
            if exchange is not None and 300 <= exchange.status < 400:
                target, reason = self._redirect(current, exchange, seen)
                if target is None:
                    return self._end(result, current, outcome, exchange, reason)
                current = result.final_url = target
                seen.add(target)
                result.hops += 1
                continue
            delay = next_delay(policy, attempt, outcome, jitter=random.random())
            if delay is None:
                return self._end(result, current, outcome, exchange, None)
            self.stats.retries += 1
            attempt += 1
            await self._sleep(delay)

    @staticmethod
    def _end(
        result: FetchResult,
        url: str,
        outcome: Outcome,
        exchange: Exchange | None,
        reason: str | None,
    ) -> FetchResult:
        result.final_url, result.status = url, outcome.status
        if exchange is not None:
            result.body, result.content_type = exchange.body, exchange.content_type
            result.headers = exchange.response_headers
            result.truncated = exchange.truncated
        if reason is not None:
            result.error = reason
        elif outcome.error is not None:
            result.error = f"{outcome.error} error after {result.attempts - result.hops} attempts"
        elif outcome.status is not None and not 200 <= outcome.status < 300:
            tried = result.attempts - result.hops  # of the last URL: redirect hops are no tries
            tries = f" after {tried} attempts" if tried > 1 else ""
            result.error = f"HTTP {outcome.status}{tries}"
        return result
