"""Datasette's pages (`/data/`) in a process of their own (pipeline.web.sqlproc): at the
lowest CPU priority, forwarded to whole (status, headers, streamed bodies), started
again by `serve` when it dies, and a page that says so meanwhile; `serve`'s worker
processes. `tests/test_signals.py` checks that they end with the server, even a killed
one."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pipeline.web.app import asgi_app, make_datasette
from pipeline.web.sqlproc import NICE, Forwarder
from tests.conftest import JPARCHIVE, run_cli
from tests.servers import child_pids, free_port, wait_until_up
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
    assert nice == min(19, os.nice(0) + NICE) and NICE == 19
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


def test_serve_runs_its_workers_and_starts_a_dead_sql_process_again(archive: Path) -> None:
    """`jparchive serve --workers 2`: two processes of pages and one of Datasette's;
    while that one is dead, /data/ says so in a page (503), then it is back."""
    port = free_port()
    proc = subprocess.Popen([str(JPARCHIVE), "serve", "--data", str(archive), "--port",
                             str(port), "--workers", "2"], stderr=subprocess.PIPE)  # fmt: skip
    try:
        wait_until_up(port)
        site = f"http://127.0.0.1:{port}"
        assert httpx.get(site + "/activity/18356", timeout=30).status_code == 200
        children = child_pids(proc.pid)
        [first] = [p for p in children if b"sqlproc" in Path(f"/proc/{p}/cmdline").read_bytes()]
        assert len(children) == 3
        time.sleep(max(0.0, 2.2 - (time.monotonic() - started(first))))
        os.kill(first, signal.SIGKILL)
        down = httpx.get(site + "/data/jparchive", timeout=30)
        assert down.status_code == 503 and "are not running" in down.text
        assert down.headers["content-type"].startswith("text/html")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            r = httpx.get(site + "/data/jparchive.json", params={"sql": "select 1 as one"})
            if r.status_code == 200:
                break
            time.sleep(0.2)
        assert r.status_code == 200 and r.json()["rows"] == [[1]]
    finally:
        proc.terminate()
        proc.communicate(timeout=10)


def started(pid: int) -> float:
    """When `pid` started, on the clock of time.monotonic() (both count from boot)."""
    ticks = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
    return ticks / os.sysconf("SC_CLK_TCK")


def test_a_sql_pages_process_that_is_not_there_gives_a_page_that_says_so(
    archive: Path, tmp_path: Path
) -> None:
    ds = make_datasette(archive)

    async def ask() -> httpx.Response:
        app = asgi_app(ds, Forwarder(tmp_path / "nobody.sock"))
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return await client.get("/data/jparchive")

    r = asyncio.run(ask())
    assert r.status_code == 503 and r.headers["content-type"].startswith("text/html")
    assert "are not running" in r.text


def test_serve_on_a_taken_port_says_so_in_one_line(archive: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "--data", str(archive), "--port", str(port))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"Error: ConfigError: serve: cannot listen on 127.0.0.1:{port}: Address already in use"
    ]
