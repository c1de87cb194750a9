"""Gzip members of a file, inflated one after another with their exact offsets: the one
reader of gzip members for recovery (`members`), the fixity audit and imports (`rawwarc`).

    for piece in inflate(fh):
        piece.start   # offset in the file of the member these bytes come from
        piece.data    # at most `block` decompressed bytes
        piece.end     # on a member's last piece: the offset just past it

A member that is cut, corrupt, or not gzip at all raises `GzipFault` with its offset.

Why this is written with care: when a member ends inside a call whose output was
capped, CPython's `decompressobj` leaves the bytes that follow the member in both
`unconsumed_tail` and `unused_data`, and every further call appends them to
`unused_data` again. A drain loop on `unconsumed_tail` alone then never ends (and grows
memory), and an offset that subtracts both counts the leftover twice. Here a drain stops
at `eof`, and only `unused_data` is what follows the member. Time is linear in the
file's size and memory bounded by `block`, whatever a member claims.
"""

from __future__ import annotations

import zlib
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import BinaryIO

BLOCK = 1 << 20
GZIP_MAGIC = b"\x1f\x8b"


class GzipFault(Exception):
    """A member that cannot be read whole; `offset` is where it starts."""

    def __init__(self, offset: int, message: str) -> None:
        super().__init__(message)
        self.offset = offset


@dataclass(frozen=True, slots=True)
class Piece:
    start: int  # file offset of the member these bytes come from
    data: bytes  # decompressed bytes (at most `block`; may be empty on a last piece)
    end: int | None = None  # on a member's last piece: the offset just past the member


def is_gzip(fh: BinaryIO) -> bool:
    """Whether the file starts with a gzip member (it is read from its start)."""
    fh.seek(0)
    head = fh.read(2)
    fh.seek(0)
    return head == GZIP_MAGIC


def inflate(fh: BinaryIO, start: int = 0, block: int = BLOCK) -> Iterator[Piece]:
    """Every member from `start` to the end of `fh`, as pieces of decompressed bytes."""
    fh.seek(start)
    raw = b""  # bytes of the file read, not yet given to an inflater
    offset = start  # the file offset of raw[0]
    while True:
        while len(raw) < 2:
            more = fh.read(block)
            if not more:
                break
            raw += more
        if not raw:
            return
        if not raw.startswith(GZIP_MAGIC):
            raise GzipFault(offset, "not a gzip member")
        raw, offset = yield from _member(fh, raw, offset, block)


def _member(
    fh: BinaryIO, raw: bytes, start: int, block: int
) -> Generator[Piece, None, tuple[bytes, int]]:
    """The member starting at `start` (`raw` holds its first bytes); returns what was read
    past its end and that end's offset (a generator's return value)."""
    inflater = zlib.decompressobj(wbits=31)
    fed = 0  # bytes of the file given to this inflater (the tail given again not counted)
    data = raw
    try:
        while True:
            fed += len(data)
            out = inflater.decompress(data, block)
            while not inflater.eof and inflater.unconsumed_tail:  # capped: drain in blocks
                yield Piece(start, out)
                out = inflater.decompress(inflater.unconsumed_tail, block)
            if inflater.eof:
                rest = inflater.unused_data  # not unconsumed_tail: see the module docstring
                end = start + fed - len(rest)
                yield Piece(start, out, end)
                return rest, end
            if out:
                yield Piece(start, out)
            data = fh.read(block)
            if not data:
                raise GzipFault(start, "the gzip member is cut")
    except zlib.error as exc:
        raise GzipFault(start, f"bad gzip data ({exc})") from None
