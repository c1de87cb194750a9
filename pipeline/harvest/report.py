"""What a harvest did: `HarvestReport`, its summary line and its exit code."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipeline.archive import DONE, FAILED, PENDING, SKIPPED, Index, QueueItem
from pipeline.urls import DOCUMENT, REQUISITE

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
    reindexed_records: dict[str, int] = field(default_factory=dict)  # a crash left unindexed
    requisites: dict[str, int] = field(default_factory=dict)  # by state: what pages load
    requisite_failures: list[dict[str, Any]] = field(default_factory=list)
    documents: dict[str, int] = field(default_factory=dict)  # by state: what pages link to
    document_failures: list[dict[str, Any]] = field(default_factory=list)
    requisites_far: int = 0  # Wayback: requisites captured over a year from their page
    discovered: dict[str, Any] = field(default_factory=dict)
    this_run: dict[str, int] = field(default_factory=dict)  # done, failed, skipped, pending
    report_path: str = ""

    def summary(self) -> str:
        run = self.this_run
        pending = self.queued - self.done - self.failed - self.skipped
        line = (
            f"harvest: {run.get('done', 0)} done, {run.get('failed', 0)} failed, "
            f"{run.get('skipped', 0)} skipped by robots.txt this run; "
            f"{self.requests} requests, {self.retries} retries, "
            f"{self.bytes / 1e6:.1f} MB in {self.duration_s:.1f}s\n"
            f"crawl state: {self.done} done, {self.failed} failed, {self.skipped} skipped, "
            f"{pending} pending of {self.queued} queued"
        )
        if any(self.requisites.values()):
            r = self.requisites
            line += (
                f"\nrequisites (what the pages load): {r.get('done', 0)} done, "
                f"{r.get('failed', 0)} failed, {r.get('pending', 0)} pending"
            )
            if self.requisites_far:
                line += (
                    f"; {self.requisites_far} captured over a year from their page "
                    "(captures.requisite_gap_s): not how the page looked then"
                )
        if any(self.documents.values()):
            d = self.documents
            line += (
                f"\ndocuments (what the pages link to): {d.get('done', 0)} done, "
                f"{d.get('failed', 0)} failed, {d.get('pending', 0)} pending"
            )
        if found := sum(self.reindexed_records.values()):
            line += f"\nrecovered: {found} whole records a crash left unindexed, indexed now"
        for note in self.discovered.get("notes", []):  # what the source wants said
            line += f"\n{note}"
        if self.stopped:
            line += f"\nstopped: {self.stopped}"
        return line


FAR = 365 * 24 * 3600  # seconds: a requisite this far from its page is another era's


def _failure(item: QueueItem) -> dict[str, Any]:
    error = item.error or "not fetched: the run stopped first"
    return {"url": item.url, "status": item.status, "attempts": item.attempts, "error": error}


def finish_report(index: Index, report: HarvestReport, scope: str | None) -> None:
    """What this run did, and what the crawl state holds, of the queue this run works on:
    the same data root may also hold crawls of another base URL or Wayback service
    (`scope` is their URL prefix; None, an import's, keeps no queue of its own)."""
    every = [i for i in index.items() if scope is None or i.url.startswith(scope)]
    items = [i for i in every if i.kind not in (REQUISITE, DOCUMENT)]  # the pages
    loaded = [i for i in every if i.kind == REQUISITE]
    linked = [i for i in every if i.kind == DOCUMENT]
    report.requisites, report.documents = (
        {state: sum(1 for i in group if i.state == state) for state in (DONE, FAILED, PENDING)}
        for group in (loaded, linked)
    )
    report.queued = len(items)
    report.done = sum(1 for i in items if i.state == DONE)
    report.failed = sum(1 for i in items if i.state == FAILED)
    report.skipped = sum(1 for i in items if i.state == SKIPPED)
    mine = index.finished_in(index.run)
    # this run's failures, and (for a queue of its own) what it left undone
    failed = [i for i in items if (i.state == FAILED and i.url in mine)
              or (i.state == PENDING and scope is not None)]  # fmt: skip
    report.this_run = {
        state: sum(1 for i in items if i.url in mine and i.state == state)
        for state in (DONE, FAILED, SKIPPED)
    }
    report.this_run[PENDING] = sum(1 for i in failed if i.state == PENDING)
    report.failures = [_failure(i) for i in failed]
    # a logo the server no longer has is said, not a failed harvest (exit 0 stays 0)
    report.requisite_failures = [_failure(i) for i in loaded if i.state == FAILED]
    report.document_failures = [_failure(i) for i in linked if i.state == FAILED]
    report.truncated = sorted({c.url for c in index.captures() if c.truncated})
    report.requisites_far = index.db.execute(
        "SELECT COUNT(*) FROM captures WHERE kind = ? AND requisite_gap_s > ?",
        (REQUISITE, FAR),
    ).fetchone()[0]
    if report.exit_code == EXIT_OK and report.failures:
        report.exit_code = EXIT_FAILURES
