"""Datasette's pages (`/data/`) in a process of their own (pipeline.web.sqlproc): at a
lower CPU priority than the researchers' pages, forwarded to whole (status, headers,
streamed bodies), started again when it dies, and a page that says so when it cannot
start. `tests/test_signals.py` checks that it ends with the server, even a killed one."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pipeline.web.app import asgi_app, make_datasette
from pipeline.web.sqlproc import NICE, SqlProcess
from tests.servers import alive, child_pids
from tests.webapp import web_app


@pytest.fixture(scope="module")
def site(archive: Path) -> Iterator[str]:
    with web_app(archive) as url:
        yield url


def sql_child() -> int:
    [pid] = [p for p in child_pids(os.getpid())
             if b"pipeline.web.sqlproc" in Path(f"/proc/{p}/cmdline").read_bytes()]  # fmt: skip
    return pid


def test_the_sql_pages_run_apart_at_a_lower_priority(site: str) -> None:
    pid = sql_child()
    nice = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])
    assert nice == min(19, os.nice(0) + NICE)
    assert pid != os.getpid()


def test_what_datasette_answers_is_forwarded_whole(site: str) -> None:
    page = httpx.get(site + "/data/jparchive/activities.csv", params={"_stream": "on"})
    assert page.status_code == 200 and page.text.startswith("activity_id,title,")
    assert page.text.count("\n") > 40  # every row, streamed through
    missing = httpx.get(site + "/data/jparchive/no_such_table")
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]
    moved = httpx.get(site + "/data/")
    assert moved.status_code == 302 and moved.headers["location"] == "/data/jparchive"
    assert len(httpx.get(site + "/data/jparchive").headers.get_list("date")) == 1


def test_a_sql_pages_process_that_dies_is_started_again(site: str) -> None:
    first = sql_child()
    os.kill(first, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while alive(first) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(2.1)  # one that died at once is not started again in a loop
    r = httpx.get(site + "/data/jparchive.json", params={"sql": "select 1 as one"}, timeout=30)
    assert r.status_code == 200 and r.json()["rows"] == [[1]]
    assert sql_child() != first


def test_a_sql_pages_process_that_cannot_start_gives_a_page_that_says_so(
    archive: Path, tmp_path: Path
) -> None:
    ds = make_datasette(archive)

    async def ask() -> httpx.Response:
        transport = httpx.ASGITransport(app=asgi_app(ds, sql))  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return await client.get("/data/jparchive")

    with SqlProcess(tmp_path / "no-data") as sql:  # the child finds no database and ends
        r = asyncio.run(ask())
    assert r.status_code == 503 and r.headers["content-type"].startswith("text/html")
    assert "are not running" in r.text
