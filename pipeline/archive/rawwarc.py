"""The records of someone else's WARC file, as the exact bytes they wrote, checked.

warcio re-parses what it reads (HTTP headers rebuilt, chunking undone) and reads a cut
gzip member or a lying Content-Length without a word. An import must keep the source's
bytes and trust none of its framing, so records are read here:

    for record in raw_records(fh, wanted, max_block=10 * 2**20):
        record.offset, record.header, record.block   # block None when not wanted

Every gzip member is decompressed to its end and its CRC checked; every record must
hold the bytes its Content-Length promises and end with CRLF CRLF. The first framing
fault raises `ReadProblem` with the offset it was found at: nothing after it in that
file can be told apart from its remains. Work is streamed in blocks (linear time,
memory bounded by `max_block`).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

from pipeline.archive.gzmembers import GzipFault, inflate, is_gzip

BLOCK = 1 << 20
MAX_HEADER = 64 * 1024


class ReadProblem(Exception):
    def __init__(self, offset: int, message: str) -> None:
        super().__init__(message)
        self.offset = offset


@dataclass(frozen=True, slots=True)
class RawRecord:
    offset: int  # where the record starts in the file (its gzip member's start)
    header: bytes  # the WARC header block, without the blank line that ends it
    fields: dict[str, str]  # header names lower-cased → the first value given
    length: int  # Content-Length: bytes in the block
    block: bytes | None  # the block, when it was wanted (and not over max_block)
    problems: tuple[str, ...] = ()  # declared digests that do not hold (when checked)

    @property
    def type(self) -> str:
        return self.fields.get("warc-type", "")

    @property
    def uri(self) -> str:
        return self.fields.get("warc-target-uri", "").strip("<>")


class _Stream:
    """The file's bytes, decompressed member by member when it is gzip (by
    `gzmembers.inflate`), with the offset at which the next unread byte's record starts."""

    def __init__(self, fh: BinaryIO, gzip: bool) -> None:
        self.fh, self.gzip = fh, gzip
        self.buffer = b""
        self.position = 0  # file offset just past what has been taken in (plain files)
        self.member_start = 0  # file offset of the member the buffer's bytes come from
        self._pieces = inflate(fh) if gzip else None
        self._open = False  # the last piece taken was not its member's last

    def record_offset(self) -> int:
        return self.member_start if self.gzip else self.position - len(self.buffer)

    def header_offset(self, header: bytes) -> int:
        """Where the header just read starts: its gzip member's start, or its own offset."""
        if self.gzip:
            return self.member_start
        return self.position - len(self.buffer) - len(header) - 4

    def _fill(self) -> bool:
        """Take in more bytes; False at the end of the file."""
        if self._pieces is None:
            data = self.fh.read(BLOCK)
            self.position += len(data)
            self.buffer += data
            return bool(data)
        try:
            piece = next(self._pieces, None)
        except GzipFault as fault:
            raise ReadProblem(fault.offset, str(fault)) from None
        if piece is None:
            return False
        if not self.buffer:  # a record starting now starts in this member
            self.member_start = piece.start
        self.buffer += piece.data
        self._open = piece.end is None
        return True

    def close_member(self) -> None:
        """When a record has ended with everything read so far, read on to its member's
        end, so that a member cut in its trailer (CRC and length) is found before the
        record counts. (Records that share a member cannot wait for it: memory stays
        bounded, and its fault is found at the next record.)"""
        while self._pieces is not None and self._open and not self.buffer:
            if not self._fill():
                return

    def read_header(self) -> bytes | None:
        """The next header block (up to the blank line), or None at a clean end."""
        while True:
            self.buffer = self.buffer.lstrip(b"\r\n")  # some writers add blank lines
            end = self.buffer.find(b"\r\n\r\n")
            if end >= 0:
                head, self.buffer = self.buffer[:end], self.buffer[end + 4 :]
                return head
            if len(self.buffer) > MAX_HEADER:
                raise ReadProblem(self.record_offset(), "a WARC header with no end")
            if not self._fill():
                if self.buffer:
                    raise ReadProblem(self.record_offset(), "the file ends inside a WARC header")
                return None

    def read_block(
        self, length: int, keep: bool, start: int, digests: Digests | None
    ) -> bytes | None:
        """`length` bytes, kept or only counted (and digested); ReadProblem when the file
        has fewer."""
        kept: list[bytes] = []
        left = length
        while left:
            if not self.buffer and not self._fill():
                raise ReadProblem(
                    start, f"cut: Content-Length {length} but only {length - left} bytes follow"
                )
            piece, self.buffer = self.buffer[:left], self.buffer[left:]
            left -= len(piece)
            if keep:
                kept.append(piece)
            if digests is not None:
                digests.feed(piece)
        return b"".join(kept) if keep else None

    def read_end(self, start: int) -> None:
        while len(self.buffer) < 4 and self._fill():
            pass
        if self.buffer[:4] != b"\r\n\r\n":
            raise ReadProblem(
                start, "the record does not end where its Content-Length says (CRLF CRLF)"
            )
        self.buffer = self.buffer[4:]


def payload_digest(body: bytes) -> str:
    """The WARC payload digest: `sha1:` and the base32 SHA-1 of the body."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


PAGE_DATE = "WARC-Requisite-Of-Date"  # a requisite's page: when that page was captured


def requisite_gap(warc_headers: dict[str, str], fetched_at: str) -> int | None:
    """Seconds between a requisite's capture and its page's (`PAGE_DATE`), if it has one."""
    page = warc_headers.get(PAGE_DATE)
    if not page:
        return None
    try:
        moments = [datetime.strptime(t[:19], "%Y-%m-%dT%H:%M:%S") for t in (page, fetched_at)]
    except ValueError:
        return None
    return int(abs((moments[1] - moments[0]).total_seconds()))


def http_head(block: bytes) -> tuple[int, str | None, bytes]:
    """(status, Content-Type, payload) of an `application/http` block."""
    head, _, payload = block.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    parts = lines[0].split(b" ", 2)
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    content_type = None
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-type":
            content_type = value.strip().decode("latin-1")
            break
    return status, content_type, payload


def what_it_holds(rec: RawRecord) -> tuple[int, str | None, str]:
    """(status, Content-Type, payload digest) of a response, revisit or conversion
    record: a conversion is a text rendering, a 200 of its own content type."""
    block = rec.block or b""
    if rec.type == "conversion":
        status, content_type, payload = 200, rec.fields.get("content-type"), block
    else:
        status, content_type, payload = http_head(block)
    return status, content_type, rec.fields.get("warc-payload-digest") or payload_digest(payload)


def header_fields(header: bytes) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in header.split(b"\r\n")[1:]:
        name, sep, value = line.partition(b":")
        if sep:
            fields.setdefault(
                name.strip().lower().decode("latin-1"), value.strip().decode("utf-8", "replace")
            )
    return fields


def raw_records(
    fh: BinaryIO,
    wanted: Callable[[dict[str, str]], bool],
    max_block: int,
    check_digests: bool = True,
) -> Iterator[RawRecord]:
    """Every record of a WARC file (gzipped or not), in order; see the module docstring.

    With `check_digests`, every record's declared block and payload digests are checked
    as its block streams by (a revisit's are not, as warcio does not: writers disagree
    on what they cover; GNU wget 1.21 gives the SHA-1 of nothing as every revisit's)."""
    stream = _Stream(fh, gzip=is_gzip(fh))
    while True:
        header = stream.read_header()
        if header is None:
            return
        start = stream.header_offset(header)
        if not header.startswith(b"WARC/"):
            raise ReadProblem(start, f"no WARC record here (it starts {header[:12]!r})")
        fields = header_fields(header)
        length_text = fields.get("content-length", "")
        if not length_text.isdigit():
            raise ReadProblem(
                start, f"a WARC header without a valid Content-Length ({length_text!r})"
            )
        length = int(length_text)
        keep = wanted(fields) and length <= max_block
        digests = (
            Digests(fields) if check_digests and fields.get("warc-type") != "revisit" else None
        )
        block = stream.read_block(length, keep, start, digests)
        stream.read_end(start)
        stream.close_member()
        problems = digests.problems() if digests else ()
        yield RawRecord(start, header, fields, length, block, problems)


class Digests:
    """The block digest of a record, and the payload digest of an HTTP one, computed
    with the algorithms the record declares, as its block streams by."""

    def __init__(self, fields: dict[str, str]) -> None:
        self.block_declared = fields.get("warc-block-digest")
        self.payload_declared = fields.get("warc-payload-digest")
        self.block = _hasher(self.block_declared)
        http = fields.get("content-type", "").lower().startswith("application/http")
        self.payload = _hasher(self.payload_declared) if http else None
        self._head: bytes | None = b"" if self.payload is not None else None

    def feed(self, piece: bytes) -> None:
        if self.block is not None:
            self.block.update(piece)
        if self.payload is None:
            return
        if self._head is None:
            self.payload.update(piece)
            return
        self._head += piece
        end = self._head.find(b"\r\n\r\n")
        if end >= 0:
            self.payload.update(self._head[end + 4 :])
            self._head = None
        elif len(self._head) > MAX_HEADER:
            self.payload, self._head = None, None  # no HTTP header end: nothing to check

    def problems(self) -> tuple[str, ...]:
        found = []
        for what, declared, hasher in (
            ("block", self.block_declared, self.block),
            ("payload", self.payload_declared, self.payload),
        ):
            if hasher is not None and declared and not _matches(declared, hasher.digest()):
                actual = base64.b32encode(hasher.digest()).decode()
                found.append(f"{what} digest {declared} does not match the bytes ({actual})")
        return tuple(found)


def _hasher(declared: str | None) -> Any:
    """A hashlib object for the algorithm of `declared` ("sha1:..."), or None."""
    if not declared or ":" not in declared:
        return None
    try:
        return hashlib.new(declared.split(":", 1)[0].strip().lower().replace("-", ""))
    except ValueError:
        return None  # an algorithm hashlib does not know: nothing to check it with


def _matches(declared: str, digest: bytes) -> bool:
    value = declared.split(":", 1)[1].strip().upper()
    return value in (base64.b32encode(digest).decode(), digest.hex().upper())
