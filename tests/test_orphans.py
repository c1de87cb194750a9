"""A kill between a WARC write and its index commit leaves a whole record the index does
not know; the next run indexes it, as the store would have, and marks its queue item done
(so the page is not fetched again)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipeline.archive import DONE, PENDING, Capture, Exchange, Index, WarcStore
from tests.conftest import run_cli

SITE = "http://127.0.0.1:8000/CEAD/Countries.asp?ID={}&ActSyn=True"
REPLAY = (
    "http://127.0.0.1:9000/web/20070405101010id_/http://www.jp.coe.int/CEAD/Countries.asp?ID={}"
)


def exchange(n: int, source: str) -> Exchange:
    body = f"<html>activity {n}</html>".encode()
    common = dict(status=200, reason="OK", response_headers=[("Content-Type", "text/html")],
                  body=body, request_headers=[("User-Agent", "t")])  # fmt: skip
    if source == "site":
        return Exchange(url=SITE.format(n), fetched_at=datetime(2026, 1, 1, tzinfo=UTC), **common)  # type: ignore[arg-type]
    replay = REPLAY.format(n)
    return Exchange(
        url=f"http://www.jp.coe.int/CEAD/Countries.asp?ID={n}", source="wayback",
        fetched_at=datetime(2007, 4, 5, 10, 10, 10, tzinfo=UTC), source_ref=replay,
        warc_headers={"WARC-Source-URI": replay, "WARC-Wayback-Timestamp": "20070405101010"},
        **common,  # type: ignore[arg-type]
    )  # fmt: skip


def lost(capture: Capture) -> Capture:
    return dataclasses.replace(capture, capture_id=None)


@pytest.mark.parametrize("source", ["site", "wayback"])
def test_a_record_the_index_never_learnt_of_is_indexed_by_the_next_run(
    tmp_path: Path, source: str
) -> None:
    raw = tmp_path / "data" / "raw"
    with Index(raw / "index.sqlite3") as index:
        index.start_run("test")
        queued = [SITE.format(n) if source == "site" else REPLAY.format(n) for n in (1, 2, 3)]
        index.enqueue([(url, "activity", n) for url, n in zip(queued, (1, 2, 3), strict=True)])
        with WarcStore(raw, index, {"source": source}) as store:
            written = [store.write(exchange(n, source), activity_id=n, kind="activity",
                                   done_url=url) for n, url in zip((1, 2, 3), queued, strict=True)]  # fmt: skip
        name = written[0].warc_file
        # as a kill after the fsync and before the commit leaves it
        index.db.execute("DELETE FROM captures WHERE capture_id = ?", (written[2].capture_id,))
        index.db.execute("UPDATE queue SET state = 'pending' WHERE url = ?", (queued[2],))
        index.db.execute("UPDATE warc_files SET closed = 0")
        assert index.state(queued[2]) == PENDING
    with Index(raw / "index.sqlite3") as index:
        store = WarcStore(raw, index, {"source": source})
        store.close()
        assert store.reindexed == {name: 1} and store.recovered == {name: 0}
        found = [lost(c) for c in index.captures()]
        assert found == [lost(c) for c in written]  # the same entry the store had made
        assert index.state(queued[2]) == DONE
    assert run_cli("verify", "--data", str(tmp_path / "data")).returncode == 0
