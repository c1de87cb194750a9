"""Writes queued to the writer thread keep their order and never fail silently."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from pipeline.archive import WarcStore
from pipeline.archive.index import Index
from pipeline.errors import StoreError
from pipeline.fetch.policy import FetchPolicy
from pipeline.harvest import HarvestConfig
from pipeline.harvest import Job as _Job


def make_job(tmp_path: Path) -> tuple[_Job, Index]:
    config = HarvestConfig(
        base_url="http://127.0.0.1:9", data=tmp_path, policy=FetchPolicy(), ids=(1,)
    )
    index = Index(tmp_path / "raw" / "index.sqlite3")
    return _Job(config, index, WarcStore(tmp_path / "raw", index, {})), index


def test_queued_writes_run_in_order(tmp_path: Path) -> None:
    job, index = make_job(tmp_path)
    seen: list[int] = []

    async def go() -> None:
        for n in range(200):
            await job.queue_io(seen.append, n)
        await job.drain()

    asyncio.run(go())
    job.io.shutdown()
    index.close()
    assert seen == list(range(200))


def test_a_failed_write_is_raised_at_the_next_call(tmp_path: Path) -> None:
    job, index = make_job(tmp_path)

    def disk_full() -> None:
        raise StoreError("cannot write data/raw/x.warc.gz: No space left on device")

    async def go() -> None:
        await job.queue_io(disk_full)
        await asyncio.sleep(0.05)
        await job.queue_io(print)

    with pytest.raises(StoreError, match="No space left on device"):
        asyncio.run(go())
    job.io.shutdown()
    index.close()
