"""Reading payloads back out of the WARC files, through the index."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, TypeVar

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord

from pipeline.archive.index import Capture, Index
from pipeline.errors import StoreError

T = TypeVar("T")


def _read_at(fh: BinaryIO, capture: Capture, read: Callable[[ArcWarcRecord], T]) -> T:
    """`read` of the capture's record in the open WARC file `fh`; StoreError if unreadable."""
    try:
        fh.seek(capture.warc_offset)
        return read(next(iter(ArchiveIterator(fh))))
    except Exception as exc:  # warcio raises many kinds; all mean an unreadable record
        raise StoreError(
            f"cannot read capture {capture.capture_id} at "
            f"{capture.warc_file}:{capture.warc_offset}: {exc}; the WARC file is damaged there"
        ) from exc


def payload_at(fh: BinaryIO, capture: Capture, limit: int | None = None) -> bytes:
    """The HTTP payload of a response capture in the open WARC file `fh` (encodings undone).

    With `limit`, at most `limit + 1` bytes are decoded: a compressed body that would
    grow past it (a gzip bomb) is never held whole; the caller sees it is over."""

    def payload(record: ArcWarcRecord) -> bytes:
        stream = record.content_stream()
        return bytes(stream.read() if limit is None else stream.read(limit + 1))

    return _read_at(fh, capture, payload)


def read_payload(raw_dir: Path, capture: Capture) -> bytes:
    """`payload_at` for one capture, opening its file."""
    try:
        with (raw_dir / capture.warc_file).open("rb") as fh:
            return payload_at(fh, capture)
    except OSError as exc:
        raise StoreError(f"cannot open {raw_dir / capture.warc_file}: {exc.strerror}") from exc


class Payloads:
    """Reads capture payloads from the WARCs (revisits through their original), keeping
    files open across reads. Use as a context manager, or call `close`."""

    def __init__(self, raw: Path, index: Index) -> None:
        self.raw, self.index = raw, index
        self.files: dict[str, BinaryIO] = {}

    def __enter__(self) -> Payloads:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read(self, capture: Capture, limit: int | None = None) -> bytes:
        """The capture's payload (a revisit's from its original); with `limit`, at most
        `limit + 1` bytes of it (see `payload_at`)."""
        if capture.record_type == "revisit" and capture.refers_to is not None:
            original = self.index.capture(capture.refers_to)
            if original is None:
                raise StoreError(
                    f"revisit {capture.capture_id} refers to missing capture {capture.refers_to}"
                )
            capture = original
        return payload_at(self._file(capture), capture, limit)

    def location(self, capture: Capture) -> str | None:
        """The Location header of a redirect capture, or None."""

        def location(record: ArcWarcRecord) -> str | None:
            http = record.http_headers
            return http.get_header("Location") if http is not None else None

        return _read_at(self._file(capture), capture, location)

    def _file(self, capture: Capture) -> BinaryIO:
        fh = self.files.get(capture.warc_file)
        if fh is None:
            fh = self.files[capture.warc_file] = (self.raw / capture.warc_file).open("rb")
        return fh

    def close(self) -> None:
        for fh in self.files.values():
            fh.close()
