"""A fourth source is one class: a toy one, that yields pages from a dict, goes through the
same harvest job into WARC, resumes like the others, and builds into tables."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import pyarrow.parquet as pq
import pytest

from pipeline.archive import DONE, Exchange, Index, QueueItem
from pipeline.build import BuildConfig, build
from pipeline.errors import ConfigError
from pipeline.fetch import FetchPolicy
from pipeline.harvest import HarvestConfig, harvest
from pipeline.sources import SOURCES, Job, Source, register
from pipeline.urls import activity_url, classify
from tests.conftest import content_type_of, golden_pages
from tests.warcs import read_all

BASE = "http://toy.invalid"  # never contacted: the toy source fetches nothing
PAGES = {activity_url(BASE, int(p.stem)): p for p in golden_pages()[:5]}


class DictSource(Source):
    """Pages from a dict of URL → file, as if each had been fetched."""

    name = "toy"
    taken: ClassVar[list[str]] = []

    async def plan(self, job: Job) -> list[QueueItem]:
        items = [(url, "activity", classify(url).number) for url in PAGES]
        await job.run_io(job.index.enqueue, items)
        todo: list[QueueItem] = await job.run_io(job.index.pending)
        return [i for i in todo if self.owns(i)]

    async def take(self, job: Job, item: QueueItem) -> bool:
        page = PAGES[item.url]
        DictSource.taken.append(item.url)
        await job.archive(
            Exchange(
                url=item.url,
                status=200,
                reason="OK",
                response_headers=[("Content-Type", content_type_of(page))],
                body=page.read_bytes(),
                fetched_at=datetime(2009, 5, 1, tzinfo=UTC),
                request_headers=[("User-Agent", "toy")],
                source="toy",
                source_ref=f"dict:{page.name}",
            )
        )
        await job.queue_io(job.index.finish, item.url, DONE, 200, None)
        return True

    def summary(self) -> dict[str, object]:
        return {"pages_in_the_dict": len(PAGES)}


@pytest.fixture
def toy() -> Iterator[type[DictSource]]:
    register(DictSource)
    DictSource.taken = []
    try:
        yield DictSource
    finally:
        del SOURCES["toy"]


def config(data: Path) -> HarvestConfig:
    return HarvestConfig(base_url=BASE, data=data, policy=FetchPolicy(rate=0), source="toy")


def test_a_toy_source_harvests_through_the_same_job_into_warc(
    toy: type[DictSource], tmp_path: Path
) -> None:
    report = harvest(config(tmp_path))
    assert (report.done, report.failed, report.exit_code) == (len(PAGES), 0, 0)
    assert report.discovered == {"pages_in_the_dict": len(PAGES)}
    records = read_all(tmp_path / "raw")  # digests checked by warcio
    responses = {r.uri: r.payload for r in records if r.type == "response"}
    assert responses == {url: page.read_bytes() for url, page in PAGES.items()}
    info = next(r for r in records if r.type == "warcinfo")
    assert b"source: toy" in info.payload
    with Index(tmp_path / "raw" / "index.sqlite3") as index:
        captures = list(index.captures())
    assert {c.activity_id for c in captures} == {int(p.stem) for p in PAGES.values()}
    assert {c.source for c in captures} == {"toy"}


def test_a_rerun_of_the_toy_source_takes_nothing_again(
    toy: type[DictSource], tmp_path: Path
) -> None:
    harvest(config(tmp_path))
    first = len(toy.taken)
    again = harvest(config(tmp_path))
    assert first == len(PAGES) and len(toy.taken) == first
    assert again.done == len(PAGES)


def test_what_the_toy_source_archived_builds_into_tables(
    toy: type[DictSource], tmp_path: Path
) -> None:
    harvest(config(tmp_path))
    build(BuildConfig(data=tmp_path, progress=False))
    ids = pq.read_table(tmp_path / "parquet" / "activities.parquet").column("activity_id")
    assert sorted(ids.to_pylist()) == sorted(int(p.stem) for p in PAGES.values())


def test_an_unknown_source_names_the_ones_there_are(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--source 'nope': use site, wayback or warc"):
        HarvestConfig(base_url=BASE, data=tmp_path, policy=FetchPolicy(), source="nope")
