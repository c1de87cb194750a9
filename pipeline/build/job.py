"""Build the Parquet tables from the archive: `build(BuildConfig(data=Path("data")))`.

Reads the capture index and WARCs, parses every activity capture, keeps the latest one
that parses per activity, and writes one Parquet file per table under `data/parquet/`.
Rows go out in batches, so memory stays flat however large the archive.

The new dataset is written to `data/.parquet/<build>/` and then swapped in by replacing
the `data/parquet` symlink in one rename: a reader sees the old dataset or the new one,
never half of either. Same input, same bytes: rows are ordered by key and nothing in the
files depends on the clock.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
import shlex
import shutil
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from parsers import FIELD_NAMES, ActivityRecord, NotAnActivity, ParseIssue, parse_activity
from pipeline.archive import Capture, Index, Payloads, WriterLock
from pipeline.build import flatten as R
from pipeline.build.catalogue import Catalogue
from pipeline.build.datapackage import write_datapackage
from pipeline.build.documents import DocumentCounts, DocumentStage, ReadLimits
from pipeline.build.entities import EntityStage, PeopleCounts
from pipeline.build.history import COMPARED, SYNOPSIS_FIELDS, hides_synopsis, history_rows
from pipeline.build.logframes import read_logframes
from pipeline.build.merge import coverage_rows, merge
from pipeline.build.schemas import TABLES
from pipeline.build.sqlite import link_database, write_sqlite
from pipeline.build.treaties import programme_treaty_rows, treaty_rows, treaty_table
from pipeline.build.writer import TableWriter
from pipeline.errors import BuildError, ConfigError
from pipeline.progress import Progress
from pipeline.reports import write_report
from pipeline.urls import shows_synopsis

BATCH_ROWS = 2000
MAX_BODY = 10 * 1024 * 1024  # as the harvest's --max-body


@dataclass(frozen=True, slots=True)
class BuildConfig:
    data: Path
    batch_rows: int = BATCH_ROWS
    progress: bool | None = None
    # Bytes of one page decoded at most (a gzip bomb is cut there and said so).
    max_body: int = MAX_BODY

    # documents: read by OCR when they have no text layer (slow), and each one's limits
    documents: ReadLimits = field(default_factory=ReadLimits)

    def __post_init__(self) -> None:
        if self.max_body < 1024:
            raise ConfigError(f"--max-body {self.max_body} must be at least 1024 bytes")


@dataclass(slots=True)
class BuildReport:
    captures: int = 0
    pages_parsed: int = 0
    activities: int = 0
    not_activities: int = 0
    # captures filed under one activity whose page is another's (its ID# differs): skipped
    other_activity_pages: list[dict[str, Any]] = field(default_factory=list)
    # pages refused unread: larger or deeper than parsers.limits allow
    over_limits: list[dict[str, Any]] = field(default_factory=list)
    parse_issues: int = 0
    logframe_pages: int = 0  # logframe captures read
    logframes: int = 0  # of which read as logframes
    # where a logframe and activity pages say different things (the logframe wins)
    disagreements: list[dict[str, Any]] = field(default_factory=list)
    # per programme and purpose: counted by the logframe, archived, share, missing IDs
    coverage: list[dict[str, Any]] = field(default_factory=list)
    documents: DocumentCounts = field(default_factory=DocumentCounts)
    # people, organisations, places; the uncertain links left apart, for review
    people: PeopleCounts = field(default_factory=PeopleCounts)
    rows: dict[str, int] = field(default_factory=dict)
    fill_rates: dict[str, float] = field(default_factory=dict)
    issues_by_field: dict[str, int] = field(default_factory=dict)
    duration_s: float = 0.0
    output: str = ""
    report_path: str = ""

    def details(self) -> str:
        """Fill rates and parse issues, for the printed summary."""
        rates = ", ".join(f"{name} {share:.0%}" for name, share in self.fill_rates.items())
        issues = ", ".join(f"{name} {n}" for name, n in self.issues_by_field.items()) or "none"
        return f"fields filled (share of activities): {rates}\nparse issues by field: {issues}"

    def summary(self) -> str:
        return (
            f"build: {self.pages_parsed} pages parsed, {self.activities} activities, "
            f"{self.not_activities} non-activity page{'' if self.not_activities == 1 else 's'}, "
            f"{self.logframes} logframe views, {self.parse_issues} parse issues, "
            f"{len(self.disagreements)} logframe disagreements; {self._documents()}"
            f"{self._entities()}tables in {self.output}"
        )

    def _entities(self) -> str:
        p = self.people
        if not p.mentions and not p.places:
            return ""
        review = f" ({len(p.review)} uncertain links listed in the report)" if p.review else ""
        return (f"{p.people} people from {p.mentions} mentions{review}, "
                f"{p.organisations} organisations, {p.places} places; ")  # fmt: skip

    def _documents(self) -> str:
        d = self.documents
        if not d.documents:
            return ""
        unread = ", ".join(f"{n} {why}" for why, n in sorted(d.unread.items()))
        return f"{d.documents} documents, {d.with_text} with text" + (
            f" (without: {unread}); " if unread else "; "
        )


def _cut_issue(limit: int) -> ParseIssue:
    message = f"the decoded page is over --max-body ({limit:,} bytes): read up to there"
    return ParseIssue("page", message, "")


def _activity_groups(index: Index) -> Iterator[tuple[int, list[Capture]]]:
    cur = index.db.execute(
        "SELECT * FROM captures WHERE kind = 'activity' AND status = 200 "
        "AND activity_id IS NOT NULL "
        # markup before text renderings, which have lost the links
        "ORDER BY activity_id, record_type = 'conversion', fetched_at DESC, capture_id DESC"
    )
    captures = (Index.row_to_capture(row) for row in cur)
    for aid, group in itertools.groupby(captures, key=lambda c: c.activity_id):
        yield int(aid or 0), list(group)


def _filled(value: object) -> bool:
    return value not in (None, "", (), [])


def _same_but_synopsis(a: ActivityRecord, b: ActivityRecord) -> bool:
    return all(getattr(a, f) == getattr(b, f) for f in COMPARED if f not in SYNOPSIS_FIELDS)


def _with_synopsis(
    parsed: list[tuple[ActivityRecord, Capture]],
) -> tuple[ActivityRecord, Capture]:
    """The newest record and its capture. When that capture is the view without the
    synopsis and the newest one of the synopsis view says the same otherwise (a harvest
    takes both views of a page, `--variants`), that one: the row cites the view that shows
    it all. Else, when the newest view hid the synopsis, it with the synopsis of the newest
    capture that shows it (a view that shows less is not a page that says less)."""
    newest, capture = parsed[0]
    if shows_synopsis(capture.url):
        return newest, capture
    full = next(((r, c) for r, c in parsed[1:] if shows_synopsis(c.url)), None)
    if full is not None and _same_but_synopsis(newest, full[0]):
        return full
    if not hides_synopsis(newest, capture.url):
        return newest, capture
    shown = next((r for r, c in parsed[1:] if not hides_synopsis(r, c.url)), None)
    if shown is None:
        return newest, capture
    return dataclasses.replace(newest, **{f: getattr(shown, f) for f in SYNOPSIS_FIELDS}), capture


class _Build:
    def __init__(self, config: BuildConfig, out: Path, index: Index) -> None:
        self.config, self.index = config, index
        self.writers = {
            name: TableWriter(out / f"{name}.parquet", s, config.batch_rows)
            for name, s in TABLES.items()
        }
        self.payloads = Payloads(config.data / "raw", index)
        self.documents = DocumentStage(config.data, index, self.payloads, config.documents)
        self.entities = EntityStage(config.data)
        self.pages: dict[int, bytes] = {}  # the bodies of the captures of one activity
        self.report = BuildReport()
        self.catalogue = Catalogue()
        self.filled: Counter[str] = Counter()
        self.issues: Counter[str] = Counter()
        self.archived: dict[str, set[int]] = {}  # programme code → activity IDs
        self.archived_by_purpose: dict[int, set[int]] = {}
        self.treaty_activities: Counter[int] = Counter()  # treaty number → activities

    def parse_one(self, aid: int, capture: Capture) -> ActivityRecord | None:
        """The capture's record, as activity `aid`; None (and said so) when it is none."""
        self.report.pages_parsed += 1
        body = self.payloads.read(capture, self.config.max_body)
        cut = len(body) > self.config.max_body
        url = R.page_url(capture)
        parsed = parse_activity(body[: self.config.max_body], url, capture.content_type)
        if isinstance(parsed, ActivityRecord):
            if self.documents.archived:  # its page is read again for its documents' links
                self.pages[capture.capture_id or 0] = body[: self.config.max_body]
            if parsed.activity_id in (None, aid):  # one row per activity, whatever its URLs
                issues = (*parsed.issues, _cut_issue(self.config.max_body)) if cut else ()
                found = dataclasses.replace(parsed, activity_id=aid)
                return dataclasses.replace(found, issues=issues) if issues else found
            self.report.other_activity_pages.append(
                {"capture_id": capture.capture_id, "url": capture.url,
                 "page_says": parsed.activity_id}
            )  # fmt: skip
            return None
        assert isinstance(parsed, NotAnActivity)
        if parsed.over_limits:  # refused unread: said in parse_issues, not hung on
            self.report.over_limits.append({"capture_id": capture.capture_id, "url": url,
                                            "reason": parsed.reason})  # fmt: skip
            self.writers["parse_issues"].add([{"activity_id": None, "url": url,
                "field": "page", "message": parsed.reason, "raw": ""}])  # fmt: skip
        return None

    def parse_all(self, aid: int, captures: list[Capture]) -> list[tuple[ActivityRecord, Capture]]:
        """Every markup capture's record, newest first (the first is the one kept); a text
        rendering only when no markup capture parses."""
        found: list[tuple[ActivityRecord, Capture]] = []
        self.pages.clear()
        for capture in captures:  # markup first, newest first
            if found and capture.record_type == "conversion":
                break
            record = self.parse_one(aid, capture)
            if record is not None:
                found.append((record, capture))
        if not found:
            self.report.not_activities += 1
        return found

    def add_history(self, aid: int, parsed: list[tuple[ActivityRecord, Capture]]) -> None:
        seen = [
            (R.captured_at(c), c.capture_id or 0, c.payload_digest, r, hides_synopsis(r, c.url))
            for r, c in parsed
        ]
        version_rows, changes = history_rows(aid, seen)
        self.writers["activity_versions"].add(version_rows)
        self.writers["field_changes"].add(changes)

    def add(self, record: ActivityRecord, capture: Capture, aid: int) -> None:
        w = self.writers
        row = R.activity_row(record, capture)
        row["place_id"], why = self.entities.place(row)
        if why:  # a location that names no place found: said, never guessed
            row["issue_count"] += 1
            w["parse_issues"].add([{"activity_id": aid, "url": row["source_url"],
                                    "field": "place", "message": why,
                                    "raw": row["location"] or ""}])  # fmt: skip
            self.issues["place"] += 1
        w["activities"].add([row])
        countries = R.country_rows(record, aid)
        w["activity_countries"].add(countries)
        self.catalogue.add(record, countries)
        if record.programme_code:
            self.archived.setdefault(record.programme_code, set()).add(aid)
        if (key := R.purpose_key(record.project_purpose_code)) is not None:
            self.archived_by_purpose.setdefault(key, set()).add(aid)
        w["activity_groups"].add(R.group_rows(record, aid))
        self.entities.add(record, aid, countries)
        w["activity_links"].add(R.link_rows(record, aid))
        page = self.pages.get(capture.capture_id or 0)
        w["activity_documents"].add(self.documents.links(record, aid, page, capture))
        w["parse_issues"].add(R.issue_rows(record, R.page_url(capture)))
        named = treaty_rows(record, aid)
        w["activity_treaties"].add(named)
        self.treaty_activities.update({row["ets_number"] for row in named})
        self.report.activities += 1
        self.report.parse_issues += len(record.issues)
        self.filled.update(name for name in FIELD_NAMES if _filled(getattr(record, name)))
        self.issues.update(i.field for i in record.issues)

    def run(self, progress: Progress) -> None:
        for aid, captures in _activity_groups(self.index):
            parsed = self.parse_all(aid, captures)
            if parsed:
                self.add(*_with_synopsis(parsed), aid)
                self.add_history(aid, parsed)
            progress.advance(ok=bool(parsed))
        for capture in self.index.captures():
            self.writers["captures"].add([R.capture_row(capture)])
            self.report.captures += 1
        self.parents()
        for name, rows in self.entities.tables().items():
            self.writers[name].add(rows)
        self.report.people = self.entities.summary()
        for row, text in self.documents.rows(self.config.progress):
            self.writers["documents"].add([row])
            if text:
                self.writers["document_texts"].add([{"document_id": row["document_id"],
                                                     "text": text}])  # fmt: skip
        self.report.documents = self.documents.counts

    def parents(self) -> None:
        """The parent tables: what activity pages say, completed by the logframes."""
        limit = self.config.max_body
        logframes = read_logframes(self.index, lambda c: self.payloads.read(c, limit)[:limit])
        c, w, report = self.catalogue, self.writers, self.report
        w["logframe_pages"].add(logframes.page_rows)
        report.logframe_pages = len(logframes.page_rows)
        report.logframes = sum(1 for row in logframes.page_rows if row["kept"])
        merged = merge(c.programme_rows(), c.purpose_rows(), c.result_rows(), logframes)
        w["programmes"].add(merged.programmes)
        w["project_purposes"].add(merged.purposes)
        w["expected_results"].add(merged.results)
        w["countries"].add(c.country_rows())
        named = programme_treaty_rows(logframes)
        self.treaty_activities.update({row["ets_number"]: 0 for row in named})
        w["programme_treaties"].add(named)
        w["treaties"].add(treaty_table(self.treaty_activities))
        coverage = coverage_rows(merged, logframes, self.archived, self.archived_by_purpose)
        w["coverage"].add(coverage)
        report.disagreements = merged.disagreements
        report.coverage = [row for row in coverage if row["level"] == "programme"]

    def close(self) -> None:
        self.payloads.close()
        for writer in self.writers.values():
            writer.close()
        self.report.rows = {name: w.count for name, w in self.writers.items()}
        n = max(self.report.activities, 1)
        self.report.fill_rates = {
            f: round(self.filled[f] / n, 4) for f in FIELD_NAMES if f != "issues"
        }
        self.report.issues_by_field = dict(sorted(self.issues.items()))


def swap_in(data: Path, built: Path) -> Path:
    """Point `data/parquet` at `built` in one atomic rename; remove older builds."""
    link = data / "parquet"
    if link.exists() and not link.is_symlink():
        link.rename(data / ".parquet" / f"moved-{datetime.now(UTC):%Y%m%dT%H%M%S%f}")
    tmp_link = data / f".parquet-link-{os.getpid()}"
    tmp_link.unlink(missing_ok=True)
    tmp_link.symlink_to(built.relative_to(data))
    os.replace(tmp_link, link)
    for old in (data / ".parquet").iterdir():
        if old != built and old.name.startswith("build-"):
            shutil.rmtree(old, ignore_errors=True)
    return link


def build(config: BuildConfig) -> BuildReport:
    """Parse the archive under `config.data` into Parquet tables; returns the report.

    Holds the data root's writer lock: two builds (or a build and a harvest) never run
    on one data root at once."""
    started = time.monotonic()
    index_path = config.data / "raw" / "index.sqlite3"
    if not index_path.exists():
        raise ConfigError(
            f"no archive at {config.data / 'raw'}: "
            f"run `jparchive harvest --data {config.data}` first"
        )
    with WriterLock(config.data, shlex.join(["jparchive", "build", "--data", str(config.data)])):
        try:
            report = _build(config, index_path)
        except OSError as exc:  # the tables' disk: the archive and the last tables stay
            raise BuildError(
                f"cannot write the tables under {config.data / '.parquet'}: {exc.strerror}; "
                "free some space (or make the folder writable) and rerun: the archive and "
                "the previous tables are untouched"
            ) from exc
    report.duration_s = round(time.monotonic() - started, 3)
    try:
        write_report(config.data, "build", report)
    except OSError as exc:
        report.report_path = f"(not written: {exc.strerror})"
    return report


def _build(config: BuildConfig, index_path: Path) -> BuildReport:
    out = config.data / ".parquet" / f"build-{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{os.getpid()}"
    out.mkdir(parents=True)
    with Index(index_path) as index:
        job = _Build(config, out, index)
        total = index.db.execute(
            "SELECT COUNT(DISTINCT activity_id) FROM captures "
            "WHERE kind = 'activity' AND status = 200"
        ).fetchone()[0]
        try:
            with Progress(total, "build", config.progress, failed="not activities") as progress:
                job.run(progress)
        except BaseException:
            job.payloads.close()
            shutil.rmtree(out, ignore_errors=True)  # the previous dataset stays as it was
            raise
        job.close()
        write_datapackage(out, index)
        write_sqlite(out)  # the web app's copy, swapped in with the Parquet files
    job.report.output = str(swap_in(config.data, out))
    link_database(config.data)
    return job.report
