"""The fixity audit: `verify(data)` reads every byte of the archive and says what is wrong.

    report = verify(Path("data"))
    report.problems   # [{"file": ..., "offset": ..., "problem": ...}], empty when sound

It checks that every WARC file's gzip members are whole, and that every record's framing
holds and its declared block and payload digests match (revisits through their
original). Every closed WARC file must still be, byte for byte, what it was when it was
closed (`fixity`: the bytes no digest covers, such as a gzip header's, included). Every
index entry must point at a record that is there and is what the index says. The built
Parquet files must match the sha256 and size in `datapackage.json`. It takes no lock and
writes nothing but its report: it can run beside a harvest (it reads what is on disk; a
file still being written may end in a torn record, said as such).
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.archive.fixity import Fixity
from pipeline.archive.index import Capture, Index
from pipeline.archive.rawwarc import ReadProblem, raw_records
from pipeline.errors import ConfigError

MAX_BLOCK = 0  # the audit keeps no block in memory: digests are computed as bytes go by


@dataclass(slots=True)
class VerifyReport:
    warc_files: int = 0
    records: int = 0
    bytes: int = 0
    captures: int = 0
    parquet_files: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    duration_s: float = 0.0
    report_path: str = ""

    @property
    def sound(self) -> bool:
        return not self.problems

    def problem(self, file: str, offset: int | None, text: str) -> None:
        self.problems.append({"file": file, "offset": offset, "problem": text})

    def summary(self) -> str:
        verdict = "sound" if self.sound else f"{len(self.problems)} problems"
        return (
            f"verify: {self.warc_files} WARC files ({self.bytes / 1e6:.1f} MB), "
            f"{self.records} records, {self.captures} index entries, "
            f"{self.parquet_files} Parquet files: {verdict}"
        )

    def lines(self) -> list[str]:
        out = []
        for p in self.problems:
            where = p["file"] + (f" at offset {p['offset']}" if p["offset"] is not None else "")
            out.append(f"  problem: {where}: {p['problem']}")
        return out + [f"  note: {n}" for n in self.notes]


@dataclass(frozen=True, slots=True)
class _Seen:
    type: str
    uri: str
    payload_digest: str | None


def _audit_warc(
    path: Path, report: VerifyReport, record_ids: dict[str, tuple[str, int]]
) -> dict[int, _Seen]:
    """Every record of one WARC file checked; what was found at each offset. Each
    WARC-Record-ID must be unique in the archive (`record_ids`: where each was seen)."""
    seen: dict[int, _Seen] = {}
    report.warc_files += 1
    report.bytes += path.stat().st_size
    with path.open("rb") as fh:
        try:
            for rec in raw_records(fh, lambda fields: False, MAX_BLOCK):
                report.records += 1
                seen[rec.offset] = _Seen(rec.type, rec.uri, rec.fields.get("warc-payload-digest"))
                for problem in rec.problems:
                    report.problem(path.name, rec.offset, f"{rec.type} record: {problem}")
                record_id = rec.fields.get("warc-record-id")
                if record_id and (first := record_ids.get(record_id)):
                    text = f"{rec.type} record {record_id}: the same WARC-Record-ID as at"
                    report.problem(path.name, rec.offset, f"{text} {first[0]} offset {first[1]}")
                elif record_id:
                    record_ids[record_id] = (path.name, rec.offset)
        except ReadProblem as exc:
            report.problem(path.name, exc.offset, f"{exc}; the rest of the file cannot be read")
    return seen


def _audit_index(index: Index, files: dict[str, dict[int, _Seen]], report: VerifyReport) -> None:
    by_id: dict[int, Capture] = {}
    for capture in index.captures():
        report.captures += 1
        by_id[capture.capture_id or 0] = capture
        where = (capture.warc_file, capture.warc_offset)
        if capture.warc_file not in files:
            report.problem(capture.warc_file, None, f"capture {capture.capture_id}: no such file")
            continue
        record = files[capture.warc_file].get(capture.warc_offset)
        if record is None:
            report.problem(*where, f"capture {capture.capture_id}: no record starts here")
        elif record.type != capture.record_type or record.uri != capture.url:
            said = f"capture {capture.capture_id} is a {capture.record_type} of {capture.url}"
            report.problem(*where, f"{said}, the record a {record.type} of {record.uri}")
        elif record.payload_digest and record.payload_digest != capture.payload_digest:
            digests = f"index {capture.payload_digest}, record {record.payload_digest}"
            report.problem(*where, f"capture {capture.capture_id}: payload digest {digests}")
    for capture in by_id.values():  # a revisit's payload is its original's
        if capture.record_type != "revisit":
            continue
        original = by_id.get(capture.refers_to or -1)
        if original is None or original.payload_digest != capture.payload_digest:
            text = f"revisit {capture.capture_id}: its original {capture.refers_to} "
            report.problem(
                capture.warc_file, capture.warc_offset, text + "is missing or has another payload"
            )


def _audit_fixity(
    raw: Path, fixities: dict[str, Fixity], closed: set[str], report: VerifyReport
) -> None:
    """Each closed file against what it held when it was closed."""
    for name, fixity in sorted(fixities.items()):
        path = raw / name
        if not path.exists():
            report.problem(name, None, f"closed with {fixity.size} bytes, now missing")
        elif change := fixity.first_change(path):
            report.problem(name, *change)
    unknown = sorted(closed - set(fixities))
    if unknown:
        said = f"{len(unknown)} WARC files closed before their fixity was kept"
        report.notes.append(f"{said}: checked by their records only ({', '.join(unknown)})")


def file_sha256(path: Path) -> str:
    """The sha256 of a file, read in blocks (the data package's fixity, and an import's)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _audit_tables(parquet: Path, report: VerifyReport) -> None:
    package = parquet / "datapackage.json"
    if not package.exists():
        report.notes.append(f"no built tables in {parquet}: nothing of them to check")
        return
    try:
        resources = json.loads(package.read_text(encoding="utf-8"))["resources"]
    except (ValueError, KeyError, OSError) as exc:
        report.problem(str(package), None, f"not a readable data package ({exc})")
        return
    for resource in resources:
        path = parquet / str(resource.get("path", ""))
        report.parquet_files += 1
        if not path.is_file():
            report.problem(str(path), None, "listed in datapackage.json but missing")
        elif path.stat().st_size != resource.get("size_bytes"):
            says = resource.get("size_bytes")
            report.problem(str(path), None, f"{path.stat().st_size} bytes; the package says {says}")
        elif file_sha256(path) != resource.get("sha256"):
            report.problem(str(path), None, "its sha256 is not the one in datapackage.json")


def verify(data: Path) -> VerifyReport:
    """Audit the archive and tables under `data`; the report lists every problem found."""
    started = time.monotonic()
    report = VerifyReport()
    raw = data / "raw"
    if not (raw / "index.sqlite3").exists():
        raise ConfigError(f"no archive at {raw}: nothing to verify")
    record_ids: dict[str, tuple[str, int]] = {}
    files = {p.name: _audit_warc(p, report, record_ids) for p in sorted(raw.glob("*.warc.gz"))}
    with Index(raw / "index.sqlite3", readonly=True) as index:
        _audit_index(index, files, report)
        unclosed = index.unclosed_warcs()
        _audit_fixity(raw, index.fixities(), set(files) - set(unclosed), report)
    if unclosed:
        report.notes.append(f"still open (being written, or left by a crash): {unclosed}")
    partial = sorted(p.name for p in raw.glob("*.partial*"))
    if partial:
        report.notes.append(f"torn tails cut off by recovery, kept apart: {partial}")
    _audit_tables(data / "parquet", report)
    report.duration_s = round(time.monotonic() - started, 3)
    return report
