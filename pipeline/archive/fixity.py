"""What a WARC file was when it was closed: its sha256, size and a digest of each block,
kept in the index so that the fixity audit can find any byte changed since.

    out = FixityWriter(path.open("xb"))   # the digests are taken as bytes are written
    out.write(...); out.fixity()          # what the file holds, with no second read
    Fixity.of(path)                       # the same, read from a file (after a recovery)
    sums.first_change(path)               # None, or the offset of the first block that differs

Record digests and gzip checksums do not cover every byte of a file: a gzip member's
header holds a time, flags and the writer's system, which no checksum covers, so a
byte flipped there is read back as sound. The whole file's sha256 covers them; the
block digests say where the change is, to a block (`BLOCK` bytes), so that the audit can
name an offset as it does for a record.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

BLOCK = 1 << 16  # 64 KiB: a 1 GB file keeps 16,384 block digests (128 KiB in the index)
BLOCK_DIGEST = 8  # bytes of each block's blake2b: a change is found, not proven


@dataclass(frozen=True, slots=True)
class Fixity:
    sha256: str
    size: int
    blocks: bytes  # BLOCK_DIGEST bytes per BLOCK bytes of the file, in order

    @classmethod
    def of(cls, path: Path) -> Fixity:
        """Read `path` once, in blocks: its sha256, size and block digests."""
        sums = _Sums()
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(BLOCK), b""):
                sums.add(block)
        return sums.fixity()

    def first_change(self, path: Path) -> tuple[int, str] | None:
        """None when `path` is what it was; else the offset of the first block that
        differs (or where the file now ends short or runs on) and what is wrong."""
        now = Fixity.of(path)
        if now.sha256 == self.sha256 and now.size == self.size:
            return None
        for n in range(0, min(len(now.blocks), len(self.blocks)), BLOCK_DIGEST):
            if now.blocks[n : n + BLOCK_DIGEST] != self.blocks[n : n + BLOCK_DIGEST]:
                start = n // BLOCK_DIGEST * BLOCK
                end = min(start + BLOCK, now.size, self.size) - 1
                return start, f"bytes {start}-{end} are not those it held when it was closed"
        if now.size != self.size:
            at = min(now.size, self.size)
            return at, f"{now.size} bytes where it had {self.size} when it was closed"
        return 0, "its sha256 is not the one it had when it was closed"  # a block collision


class _Sums:
    """The digests of bytes given in any pieces, blocks cut at every BLOCK bytes."""

    def __init__(self) -> None:
        self.whole = hashlib.sha256()
        self.blocks = bytearray()
        self.pending = bytearray()  # the bytes of a block not yet full
        self.size = 0

    def add(self, data: bytes) -> None:
        self.whole.update(data)
        self.size += len(data)
        view, at = memoryview(data), 0
        if self.pending:  # fill the block begun by earlier pieces first
            at = min(BLOCK - len(self.pending), len(view))
            self.pending += view[:at]
            if len(self.pending) < BLOCK:
                return
            self.blocks += _digest(self.pending)
            self.pending.clear()
        while len(view) - at >= BLOCK:  # whole blocks straight from `data`: linear time
            self.blocks += _digest(view[at : at + BLOCK])
            at += BLOCK
        self.pending += view[at:]

    def fixity(self) -> Fixity:
        last = _digest(self.pending) if self.pending else b""
        return Fixity(self.whole.hexdigest(), self.size, bytes(self.blocks + last))


class FixityWriter:
    """A file being written, its digests taken as the bytes go by: closing a 1 GiB file
    needs no second read of it (a stop must end within two seconds)."""

    def __init__(self, fh: BinaryIO) -> None:
        self._fh = fh
        self._sums = _Sums()

    def write(self, data: bytes) -> int:
        written = self._fh.write(data)
        self._sums.add(data[:written])
        return written

    def tell(self) -> int:
        return self._fh.tell()

    def flush(self) -> None:
        self._fh.flush()

    def fileno(self) -> int:
        return self._fh.fileno()

    def close(self) -> None:
        self._fh.close()

    def fixity(self) -> Fixity:
        return self._sums.fixity()


def _digest(block: bytes | bytearray | memoryview) -> bytes:
    return hashlib.blake2b(block, digest_size=BLOCK_DIGEST).digest()
