"""The one reader of gzip members (recovery's `members`, the audit's and imports'
`raw_records`) over random sequences of records, 0 to 40 MB, compressible and not, whole
and cut at a random byte: it always ends, in bounded time, with warcio's offsets and the
right verdict.

The records over 1 MiB are the point: when such a member ends inside a capped zlib call
while the next member's bytes follow in the same read, CPython's zlib keeps the leftover
in both `unconsumed_tail` and `unused_data`. Recovery looped forever on it and the audit
counted the leftover twice (wrong offsets, "no record starts here")."""

from __future__ import annotations

import contextlib
import io
import random
import signal
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warcio.archiveiterator import ArchiveIterator

from pipeline.archive.gzmembers import GzipFault, inflate
from pipeline.archive.members import members
from pipeline.archive.rawwarc import ReadProblem, raw_records
from pipeline.archive.store import gzip_member, record_bytes

MB = 1 << 20
SIZES = st.one_of(
    st.integers(0, 4096),
    st.integers(MB - 64, MB + 64),  # about the reader's block: the edge that looped
    st.integers(1, 3 * MB),
    st.integers(3 * MB, 40 * MB),
)


@contextlib.contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail (rather than hang the suite) when the work inside takes longer."""

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError(f"took more than {seconds} s: a reader that does not end")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def body(rng: random.Random, size: int, compressible: bool) -> bytes:
    if compressible:
        return (b"Cybercrime seminar in Belgrade. " * (size // 32 + 1))[:size]
    return rng.randbytes(size)


def archive(rng: random.Random, specs: list[tuple[int, bool]]) -> bytes:
    out = io.BytesIO()
    for n, (size, compressible) in enumerate(specs):
        fields = [("WARC-Type", "resource"), ("WARC-Target-URI", f"http://x.test/{n}")]
        out.write(gzip_member(record_bytes(fields, body(rng, size, compressible))))
    return out.getvalue()


def warcio_offsets(data: bytes) -> list[tuple[int, int]]:
    """(offset, length) of every record, as warcio's iterator tells them."""
    found = []
    iterator = ArchiveIterator(io.BytesIO(data))
    for record in iterator:
        record.content_stream().read()
        found.append((iterator.get_record_offset(), iterator.get_record_length()))
    return found


RECORDS = st.lists(st.tuples(SIZES, st.booleans()), min_size=1, max_size=5).filter(
    lambda specs: sum(size for size, compressible in specs if not compressible) <= 48 * MB
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs=RECORDS, seed=st.integers(0, 2**32))
def test_whole_files_are_read_to_their_end_with_warcios_offsets(
    specs: list[tuple[int, bool]], seed: int
) -> None:
    data = archive(random.Random(seed), specs)
    expected = warcio_offsets(data)
    with deadline(60):
        found = list(members(io.BytesIO(data)))
        records = [r.offset for r in raw_records(io.BytesIO(data), lambda f: False, 0)]
    assert all(m.whole for m in found), [m.problem for m in found]
    assert [(m.start, m.end - m.start) for m in found] == expected
    assert records == [offset for offset, _ in expected]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs=RECORDS, seed=st.integers(0, 2**32), cut=st.floats(0, 1, exclude_max=True))
def test_files_cut_at_a_random_byte_end_with_the_right_verdict(
    specs: list[tuple[int, bool]], seed: int, cut: float
) -> None:
    whole = archive(random.Random(seed), specs)
    expected = warcio_offsets(whole)
    at = int(len(whole) * cut)
    data = whole[:at]
    before = [(o, n) for o, n in expected if o + n <= at]  # the records wholly kept
    torn = next((o for o, n in expected if o < at < o + n), None)
    with deadline(60):
        found = list(members(io.BytesIO(data)))
        offsets: list[int] = []
        problem: ReadProblem | None = None
        try:
            offsets.extend(r.offset for r in raw_records(io.BytesIO(data), lambda f: False, 0))
        except ReadProblem as exc:
            problem = exc
    assert [(m.start, m.end - m.start) for m in found if m.whole] == before
    assert offsets == [o for o, _ in before]
    if torn is None:  # cut on a boundary: a shorter file, but a sound one
        assert all(m.whole for m in found) and problem is None
    else:
        assert not found[-1].whole and found[-1].start == torn
        assert problem is not None and problem.offset == torn


def test_a_large_record_followed_by_another_in_the_same_read_ends() -> None:
    """The case that looped: a 3,000,000-byte record, then a small one, in one file."""
    data = archive(random.Random(1), [(3_000_000, True), (10, True)])
    with deadline(20):
        found = list(members(io.BytesIO(data)))
        pieces = list(inflate(io.BytesIO(data)))
    assert [(m.start, m.end - m.start) for m in found] == warcio_offsets(data)
    assert max(len(p.data) for p in pieces) <= MB  # output bounded by the block
    ends = [p.end for p in pieces if p.end is not None]
    assert ends == [m.end for m in found]


@pytest.mark.parametrize(
    ("tail", "problem"),
    [
        (b"\x1f\x8b\x08\x00garbage" * 20, "bad gzip data"),
        (b"plain text after the members", "not a gzip member"),
        (b"\x1f", "not a gzip member"),
    ],
)
def test_a_fault_names_the_member_it_starts_at(tail: bytes, problem: str) -> None:
    data = archive(random.Random(2), [(2 * MB, False)])
    with pytest.raises(GzipFault) as caught:
        list(inflate(io.BytesIO(data + tail)))
    assert caught.value.offset == len(data) and problem in str(caught.value)


def test_a_member_cut_in_its_trailer_does_not_count_its_record() -> None:
    """The record's bytes are all there, but the member's CRC and length are not: the
    record is not whole (an import must not copy it, the audit must not pass it)."""
    data = archive(random.Random(3), [(0, False)])
    for cut in range(len(data) - 8, len(data)):
        (member,) = list(members(io.BytesIO(data[:cut])))
        assert not member.whole and member.problem == "the gzip member is cut"
        with pytest.raises(ReadProblem) as caught:
            list(raw_records(io.BytesIO(data[:cut]), lambda f: True, MB))
        assert caught.value.offset == 0
