"""Polite HTTP: the fetch policy and its pure decisions, and the fetcher that applies them.

    policy.py    FetchPolicy (every knob with its reason), next_delay, HostLimiter
    fetcher.py   Fetcher.get(url): limits, retries, redirects; every answer handed on to be
                 archived

May import `pipeline.archive` (for `Exchange`) and `pipeline.errors`; knows no source.
"""

from pipeline.fetch.fetcher import Fetcher, FetchResult, FetchStats, limiter_key
from pipeline.fetch.policy import FetchPolicy, HostLimiter, Outcome, next_delay

__all__ = [
    "FetchPolicy",
    "FetchResult",
    "FetchStats",
    "Fetcher",
    "HostLimiter",
    "Outcome",
    "limiter_key",
    "next_delay",
]
