"""A WARC file's fixity taken as it is written is the one read from the finished file,
whatever the sizes of the writes; a change is found in its block."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pipeline.archive.fixity import BLOCK, Fixity, FixityWriter


@pytest.mark.parametrize("seed", range(5))
def test_fixity_taken_while_writing_is_the_finished_files(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    path = tmp_path / "file.bin"
    out = FixityWriter(path.open("xb"))
    for _ in range(60):
        size = rng.choice([0, 1, 99, BLOCK - 1, BLOCK, BLOCK + 1, 5 * BLOCK + 3])
        out.write(rng.randbytes(size))
    out.close()
    taken = out.fixity()
    assert taken == Fixity.of(path) and taken.size == path.stat().st_size
    assert taken.first_change(path) is None
    raw = bytearray(path.read_bytes())
    at = rng.randrange(len(raw))
    raw[at] ^= 1
    path.write_bytes(bytes(raw))
    start = at - at % BLOCK
    assert taken.first_change(path) == (
        start,
        f"bytes {start}-{min(start + BLOCK, len(raw)) - 1} are not those it held when it was closed",
    )


def test_one_write_of_many_blocks_is_cut_into_blocks(tmp_path: Path) -> None:
    """A 64 MiB document written at once is cut into blocks without copying the rest
    each time."""
    out = FixityWriter((tmp_path / "big.bin").open("xb"))
    out.write(bytes(64 << 20))
    out.close()
    assert len(out.fixity().blocks) == (64 << 20) // BLOCK * 8
