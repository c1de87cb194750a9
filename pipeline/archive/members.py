"""Gzip members of a WARC file, each decompressed to its end and checked whole.

warcio reads a gzip member cut mid-payload without raising (it gives a short body), so
"whole" is decided here: the member's deflate stream ends, its CRC-32 and length trailer
match (zlib checks both), and the WARC record inside has all the bytes its
Content-Length promises, then the closing CRLF CRLF. The members are read by
`gzmembers.inflate`, as the audit and imports read them: time linear in the file's
size, memory bounded whatever a member claims.

    for member in members(fh):
        if not member.whole:
            print(f"{member.start}: {member.problem}")
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from pipeline.archive.gzmembers import GzipFault, inflate

MAX_HEADER = 64 * 1024  # a WARC header block larger than this is not a record we wrote


@dataclass(frozen=True, slots=True)
class Member:
    start: int  # offset of the member in the file
    end: int  # offset just past it (where the next one starts)
    whole: bool
    problem: str | None = None  # why it is not whole
    record_type: str | None = None  # WARC-Type of the record inside


class _Record:
    """Reads a WARC record's header off the front of a member's decompressed bytes and
    counts the rest, so that a record cut short (or padded) is seen."""

    def __init__(self) -> None:
        self.head = b""
        self.expected: int | None = None  # header + Content-Length + CRLF CRLF
        self.size = 0
        self.record_type: str | None = None
        self.problem: str | None = None

    def feed(self, data: bytes) -> None:
        self.size += len(data)
        if self.expected is None and self.problem is None and len(self.head) < MAX_HEADER:
            self.head += data[: MAX_HEADER - len(self.head)]
            self._read_head()

    def _read_head(self) -> None:
        if not self.head.startswith(b"WARC/") and len(self.head) >= 5:
            self.problem = "the member holds no WARC record"
            return
        end = self.head.find(b"\r\n\r\n")
        if end < 0:
            if len(self.head) >= MAX_HEADER:
                self.problem = "a WARC header with no end"
            return
        length = None
        for line in self.head[:end].split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            key = name.strip().lower()
            if key == b"content-length" and value.strip().isdigit():
                length = int(value.strip())
            elif key == b"warc-type":
                self.record_type = value.strip().decode("latin-1")
        if length is None:
            self.problem = "a WARC header without a Content-Length"
            return
        self.expected = end + 4 + length + 4

    def verdict(self) -> str | None:
        if self.problem:
            return self.problem
        if self.expected is None:
            return "the WARC header is cut"
        if self.size != self.expected:
            return f"the record holds {self.size} bytes where its header promises {self.expected}"
        return None


def members(fh: BinaryIO, start: int = 0) -> Iterator[Member]:
    """Every gzip member from `start` to the end of `fh`; the first that is not whole
    ends the walk (what follows it cannot be told apart from its remains)."""
    record = _Record()
    try:
        for piece in inflate(fh, start):
            record.feed(piece.data)
            if piece.end is None:
                continue
            problem = record.verdict()
            yield Member(piece.start, piece.end, problem is None, problem, record.record_type)
            if problem is not None:
                return
            record = _Record()
    except GzipFault as fault:
        yield Member(fault.offset, fault.offset, False, str(fault))
