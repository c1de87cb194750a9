"""Records a crash left in a WARC file that the index does not know, indexed again.

A response is fsynced before the index names it, so a kill between the two leaves a
whole record on disk that no capture points at (and a rerun would fetch the page again).
After recovery has cut a crashed file's torn tail, `reindex(path, index)` reads the file
and indexes every response, revisit or conversion record at an offset the index does not
know, from its own headers, and marks done the queue item it answered. What it indexes
is said in the harvest report (`reindexed_records`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pipeline.archive.index import DONE, PENDING, Capture, Index
from pipeline.archive.rawwarc import (
    PAGE_DATE,
    RawRecord,
    ReadProblem,
    raw_records,
    requisite_gap,
    what_it_holds,
)
from pipeline.urls import classify

CAPTURED = ("response", "revisit", "conversion")
MAX_BLOCK = 256 * 1024 * 1024  # the largest record whose HTTP head is read back


def _capture(rec: RawRecord, name: str, length: int, source: str, index: Index) -> Capture:
    """The index entry of a record, read from its headers and its HTTP head."""
    status, content_type, digest = what_it_holds(rec)
    original = index.first_with_digest(digest) if rec.type == "revisit" else None
    source_uri = rec.fields.get("warc-source-uri")
    ref = None
    if source_uri and source_uri.startswith("file:"):  # an import: the file and offset
        offset = rec.fields.get("warc-source-offset", "0")
        ref = f"{unquote(urlsplit(source_uri).path)}#offset={offset}"
    elif source_uri or source == "wayback":
        ref = source_uri or rec.uri
    page = classify(rec.uri)
    return Capture(
        url=rec.uri,
        activity_id=page.number if page.kind == "activity" else None,
        kind=page.kind,
        fetched_at=rec.fields.get("warc-date", "")[:19] + "Z",  # as the store writes it
        status=status,
        content_type=content_type,
        payload_digest=digest,
        record_type=rec.type,
        warc_file=name,
        warc_offset=rec.offset,
        warc_length=length,
        refers_to=original.capture_id if original else None,
        truncated=bool(rec.fields.get("warc-truncated")),
        source="warc" if ref and "#offset=" in ref else source,
        source_ref=ref,
        cdx_digest=rec.fields.get("warc-wayback-cdx-digest"),
        requisite_gap_s=requisite_gap(
            {PAGE_DATE: rec.fields.get(PAGE_DATE.lower(), "")}, rec.fields.get("warc-date", "")
        ),
    )


def _with_ends(path: Path) -> Iterator[tuple[RawRecord, int]]:
    """Every record of `path` up to its first fault, with the offset just past it; the
    blocks of warcinfo and captured records kept (one at a time)."""
    wanted = {"warcinfo", *CAPTURED}
    held: RawRecord | None = None
    with path.open("rb") as fh:
        try:
            for rec in raw_records(fh, lambda f: f.get("warc-type") in wanted, MAX_BLOCK, False):
                if held is not None:
                    yield held, rec.offset
                held = rec
        except ReadProblem:
            pass  # recovery cut the torn tail; what cannot be read is not indexed
        if held is not None:
            yield held, path.stat().st_size


def _source(warcinfo: bytes) -> str | None:
    """The `source:` field of a warcinfo record of ours ("site", "wayback", "warc")."""
    for line in warcinfo.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"source":
            return value.strip().decode("latin-1") or None
    return None


def reindex(path: Path, index: Index) -> int:
    """Index the captured records of `path` (a file whose torn tail is cut) that the
    index does not know; returns how many."""
    known = {
        row[0]
        for row in index.db.execute(
            "SELECT warc_offset FROM captures WHERE warc_file = ?", (path.name,)
        )
    }
    source, found = "site", 0
    for rec, end in _with_ends(path):
        if rec.type == "warcinfo":
            source = _source(rec.block or b"") or source
        if rec.type not in CAPTURED or rec.offset in known or rec.block is None:
            continue  # (a block over MAX_BLOCK is not a record we wrote)
        capture = _capture(rec, path.name, end - rec.offset, source, index)
        queued = (capture.source_ref, capture.url)
        done = next((u for u in queued if u and index.state(u) == PENDING), None)
        index.add_capture(capture, done_url=done if capture.status == 200 else None, state=DONE)
        found += 1
    return found
