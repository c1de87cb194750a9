"""The records of a selection of activities, with their provenance: what `wacz --ids`
puts in its one WARC.

    for chunk in selected_records(data, {18356, 19011}): fh.write(chunk)

Per WARC file the selection draws from, in the file's order: its `warcinfo` records (who
made it, how), then each selected capture (the activities' responses and revisits, and
the originals the revisits point at) with the records about it: its request, and the
metadata that names it (`WARC-Concurrent-To` or `WARC-Refers-To`), such as an import's
note of the file it came from. Every record is copied byte for byte (its gzip member
whole), so its digests still hold.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from pipeline.archive import Capture, Index


def _captures(data: Path, ids: set[int]) -> dict[str, set[int]]:
    """WARC file → offsets of the selected captures (and of their revisits' originals)."""
    with Index(data / "raw" / "index.sqlite3", readonly=True) as index:
        wanted: list[Capture] = [c for c in index.captures() if c.activity_id in ids]
        originals = {c.refers_to for c in wanted if c.refers_to is not None}
        wanted += [c for c in (index.capture(i) for i in originals) if c is not None]
    out: dict[str, set[int]] = {}
    for capture in wanted:
        out.setdefault(capture.warc_file, set()).add(capture.warc_offset)
    return out


def _spans(path: Path, offsets: set[int]) -> list[tuple[int, int]]:
    """(offset, length) of the records of `path` the selection takes, in file order."""
    records = []  # (offset, length, type, record id, the IDs it names)
    with path.open("rb") as fh:
        it = ArchiveIterator(fh)
        for record in it:
            h = record.rec_headers
            named = {h.get_header(n) for n in ("WARC-Concurrent-To", "WARC-Refers-To")} - {None}
            offset = it.get_record_offset()
            it.read_to_end(record)
            records.append((offset, it.get_record_length(), record.rec_type,
                            h.get_header("WARC-Record-ID"), named))  # fmt: skip
    chosen = {r[3] for r in records if r[0] in offsets}
    return [
        (offset, length)
        for offset, length, kind, record_id, named in records
        if kind == "warcinfo" or record_id in chosen or named & chosen
    ]


def selected_records(data: Path, ids: set[int]) -> Iterator[bytes]:
    """The raw records (gzip members) of the selection, with their provenance."""
    for name, offsets in sorted(_captures(data, ids).items()):
        path = data / "raw" / name
        with path.open("rb") as fh:
            for offset, length in _spans(path, offsets):
                fh.seek(offset)
                yield fh.read(length)
