"""What a harvest did: `HarvestReport`, its summary line and its exit code."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipeline.archive import DONE, FAILED, SKIPPED, Index

EXIT_OK, EXIT_FAILURES, EXIT_RATE_LIMITED = 0, 1, 3  # 2, usage errors, is the CLI's


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


def finish_report(index: Index, report: HarvestReport, scope: str | None) -> None:
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
