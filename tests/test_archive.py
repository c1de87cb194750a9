"""The WARC store on its own: crash recovery, rolling files, reading payloads back."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

from pipeline.archive import Exchange, WarcStore, payload_digest, read_payload, recover
from pipeline.archive.index import Index
from tests.warcs import read_all

INFO = {"software": "jparchive-tests"}


def exchange(n: int, body: bytes | None = None) -> Exchange:
    return Exchange(
        url=f"http://site.test/CEAD/Countries.asp?ID={n}&ActSyn=True",
        status=200,
        reason="OK",
        response_headers=[("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")],
        body=body if body is not None else f"<html>page {n}</html>".encode(),
        fetched_at=datetime(2007, 3, 21, 10, 0, tzinfo=UTC),
    )


def test_payload_digest_is_sha1_base32() -> None:
    assert payload_digest(b"") == "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ"


def test_a_crashed_file_loses_only_its_partial_last_record(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    with Index(raw / "index.sqlite3") as index:
        store = WarcStore(raw, index, INFO)
        for n in range(3):
            store.write(exchange(n), activity_id=n, kind="activity")
        name = store._name
        assert store._fh is not None
        store._fh.close()  # a crash: the file is never marked closed
        good_size = (raw / name).stat().st_size
        half_record = gzip.compress(b"WARC/1.1\r\nWARC-Type: response\r\n" + b"x" * 5000)[:700]
        with (raw / name).open("ab") as fh:
            fh.write(half_record)
        again = WarcStore(raw, index, INFO)  # the next run checks unclosed files first
        assert again.recovered == {name: len(half_record)}
        again.close()
    assert (raw / name).stat().st_size == good_size
    assert (raw / f"{name}.partial").read_bytes() == half_record
    assert [r.type for r in read_all(raw)] == ["warcinfo"] + ["response", "request"] * 3


def test_recover_leaves_a_sound_file_alone(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    with Index(raw / "index.sqlite3") as index, WarcStore(raw, index, INFO) as store:
        store.write(exchange(1), activity_id=1, kind="activity")
        name = store._name
    assert recover(raw / name) == 0
    assert not (raw / f"{name}.partial").exists()


def test_files_roll_at_the_size_limit_and_every_one_starts_with_warcinfo(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    with (
        Index(raw / "index.sqlite3") as index,
        WarcStore(raw, index, INFO, max_bytes=2000) as store,
    ):
        for n in range(6):
            store.write(
                exchange(n, bytes(range(256)) * 8 + bytes([n])), activity_id=n, kind="activity"
            )
    files = sorted(raw.glob("*.warc.gz"))
    assert len(files) >= 3
    records = read_all(raw)
    for path in files:
        assert next(r for r in records if r.file == path.name).type == "warcinfo"


def test_payload_reads_back_from_the_index_and_chunked_framing_is_renamed(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    with Index(raw / "index.sqlite3") as index, WarcStore(raw, index, INFO) as store:
        capture = store.write(exchange(5), activity_id=5, kind="activity")
        assert read_payload(raw, capture) == b"<html>page 5</html>"
        stored = index.capture(capture.capture_id or 0)
    assert stored == capture
    [response] = [r for r in read_all(raw) if r.type == "response"]
    assert response.headers["WARC-Date"] == "2007-03-21T10:00:00Z"
    assert response.payload == b"<html>page 5</html>"
