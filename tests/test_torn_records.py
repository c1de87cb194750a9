"""Torn records are found and cut: a gzip member cut mid-payload (which warcio reads as a
short record without a word), a record cut short inside a whole member, garbage; and
SIGKILLs while 20+ MB records are written leave files that pass `gzip -t` and
`warcio check` after the rerun."""

from __future__ import annotations

import gzip
import io
import os
import random
import signal
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter

from pipeline.archive import Exchange, Index, WarcStore, recover
from pipeline.archive.members import members
from tests.conftest import JPARCHIVE
from tests.servers import Body, FaultServer
from tests.warcs import read_all

WARCIO = JPARCHIVE.parent / "warcio"


def exchange(n: int, body: bytes) -> Exchange:
    return Exchange(
        url=f"http://site.test/CEAD/Countries.asp?ID={n}&ActSyn=True",
        status=200,
        reason="OK",
        response_headers=[("Content-Type", "text/html")],
        body=body,
        fetched_at=datetime(2010, 1, 1, tzinfo=UTC),
    )


def a_record(body: bytes) -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True, warc_version="1.1")
    writer.write_record(
        writer.create_warc_record(
            "http://x.test/", "resource", payload=io.BytesIO(body), length=len(body)
        )
    )
    return out.getvalue()


def sound(path: Path) -> None:
    """The file passes `gzip -t` and `warcio check`, as an archivist would check it."""
    gz = subprocess.run(["gzip", "-t", str(path)], capture_output=True, text=True)
    assert gz.returncode == 0, f"gzip -t {path.name}: {gz.stderr}"
    check = subprocess.run([str(WARCIO), "check", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, f"warcio check {path.name}: {check.stdout}{check.stderr}"


def archive_with_a_torn_tail(tmp_path: Path, tail: bytes) -> tuple[Path, int]:
    raw = tmp_path / "raw"
    with Index(raw / "index.sqlite3") as index, WarcStore(raw, index, {}) as store:
        store.write(exchange(1, b"<html>one</html>"), activity_id=1, kind="activity")
        name = store._name
    path = raw / name
    size = path.stat().st_size
    with path.open("ab") as fh:
        fh.write(tail)
    with Index(raw / "index.sqlite3") as index:
        index.db.execute("UPDATE warc_files SET closed = 0")  # as a crash leaves it
    return path, size


def test_warcio_alone_reads_a_member_cut_mid_payload_without_a_word() -> None:
    torn = a_record(os.urandom(200_000))[:120_000]
    record = next(iter(ArchiveIterator(io.BytesIO(torn))))
    assert len(record.content_stream().read()) < 200_000  # short, and no error raised
    (member,) = list(members(io.BytesIO(torn)))
    assert not member.whole and member.problem == "the gzip member is cut"


@pytest.mark.parametrize(
    ("name", "tail"),
    [
        ("member cut mid-payload", a_record(os.urandom(300_000))[:150_000]),
        ("member cut in its header", a_record(b"x" * 1000)[:15]),
        ("garbage", b"not gzip at all" * 10),
        ("gzip, but no WARC record", gzip.compress(b"hello")),
    ],
    ids=lambda value: value if isinstance(value, str) else "",  # the bytes vary by run
)
def test_the_next_run_cuts_a_torn_tail_and_keeps_it_apart(
    tmp_path: Path, name: str, tail: bytes
) -> None:
    path, good_size = archive_with_a_torn_tail(tmp_path, tail)
    with Index(tmp_path / "raw" / "index.sqlite3") as index:
        store = WarcStore(tmp_path / "raw", index, {})
        store.close()
    assert store.recovered == {path.name: len(tail)}
    assert path.stat().st_size == good_size
    assert path.with_name(path.name + ".partial").read_bytes() == tail
    sound(path)


def test_a_record_cut_short_inside_a_whole_member_is_found() -> None:
    data = a_record(b"y" * 5000)
    inner = gzip.decompress(data)
    short = gzip.compress(inner[:-100])  # whole gzip, cut record
    found = list(members(io.BytesIO(data + short)))
    assert [m.whole for m in found] == [True, False]
    assert "promises" in (found[1].problem or "")


def test_recover_leaves_a_sound_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "a.warc.gz"
    path.write_bytes(a_record(b"a") + a_record(b"b" * 100_000))
    assert recover(path) == 0 and not path.with_name("a.warc.gz.partial").exists()


@pytest.mark.slow
def test_sigkill_while_large_records_are_written_then_rerun_leaves_sound_files(
    tmp_path: Path,
) -> None:
    seed = int(os.environ.get("KILL_SEED", time.time_ns() % 10_000))
    rng = random.Random(seed)
    big = {n: Body(body=rng.randbytes(22 * 1024 * 1024)) for n in range(1, 7)}
    data = tmp_path / "data"
    with FaultServer(dict(big)) as server:
        args = [
            str(JPARCHIVE), "harvest", "--base-url", server.url, "--ids", "1-6", "--rate", "0",
            "--concurrency", "2", "--max-body", str(64 * 1024 * 1024), "--data", str(data),
            "--no-progress", "--no-variants",  # each big body once
        ]  # fmt: skip
        for _ in range(4):
            proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.6, 2.5))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        final = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert final.returncode == 0, f"seed {seed}: {final.stdout}{final.stderr}"
    files = sorted((data / "raw").glob("*.warc.gz"))
    torn = sorted((data / "raw").glob("*.partial*"))
    print(f"seed {seed}: {len(torn)} torn tails cut")
    for path in files:
        sound(path)
    audit = subprocess.run([str(JPARCHIVE), "verify", "--data", str(data)], capture_output=True,
                           text=True, timeout=300)  # fmt: skip
    assert audit.returncode == 0, f"seed {seed}: {audit.stdout}"
    bodies = {r.uri: r.payload for r in read_all(data / "raw") if r.type == "response"}
    for n, behaviour in big.items():
        url = f"{server.url}/CEAD/Countries.asp?ID={n}&ActSyn=True"
        assert bodies[url] == behaviour.body, f"seed {seed}: activity {n} not whole"
