"""Every command stops within 2 s of SIGTERM or SIGINT, in every phase, with its
documented code (143, 130), and leaves the archive consistent.

Each phase is held in a C call that checks no signal (`tests/stall.py`: an endless
SQLite query, standing for a long zlib, Arrow or SQLite step), so the clean stop cannot
run and the watchdog of `pipeline.stopping` must end the command; the fetching phase is
the clean one (a slow server: the workers are cancelled, the summary is printed)."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pipeline.archive import Index
from pipeline.fixtures.server import FixtureServer
from tests.conftest import JPARCHIVE, run_cli
from tests.servers import FaultServer, alive, child_pids, free_port, wait_until_up
from tests.test_exit_codes import good_warc

# measured times: run alone, not beside other tests (`make unit` runs these after)
pytestmark = pytest.mark.serial

LIMIT = 2.0  # seconds from the signal to the exit
ROOT = Path(__file__).resolve().parent.parent
SIGNALS = [(signal.SIGTERM, 143), (signal.SIGINT, 130)]


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    with FixtureServer() as server:
        yield server.url


def unclosed(data: Path) -> Path:
    """The archive as a crash leaves it: a WARC file the index says is still open."""
    with Index(data / "raw" / "index.sqlite3") as index:
        index.db.execute("UPDATE warc_files SET closed = 0")
    return data


Args = Callable[[Path, Path, str], list[str]]
HARVEST = ["--ids", "18356,16939", "--rate", "0", "--no-progress"]
# phase → (function that stalls, the command's arguments given (fresh data, a built archive
# copy, the site's URL)); the archive's copy is made only for the phases that use it
PHASES: dict[str, tuple[str, Args]] = {
    "harvest: recovery of a crashed WARC file": (
        "pipeline.archive.store:recover",
        lambda d, a, s: ["harvest", "--base-url", s, *HARVEST, "--data", str(unclosed(a))]),
    "harvest: planning": (
        "pipeline.sources.site:SiteSource.plan",
        lambda d, a, s: ["harvest", "--base-url", s, *HARVEST, "--data", str(d)]),
    "harvest: writing a WARC record (writer thread)": (
        "pipeline.archive.store:WarcStore.write",
        lambda d, a, s: ["harvest", "--base-url", s, *HARVEST, "--data", str(d)]),
    "import: reading a WARC file": (
        "pipeline.sources.warcimport:raw_records",
        lambda d, a, s: ["harvest", "--source", "warc", str(good_warc(d.parent / "g.warc.gz")),
                         "--data", str(d), "--no-progress"]),
    "build: parsing": (
        "pipeline.build.job:parse_activity",
        lambda d, a, s: ["build", "--data", str(a), "--no-progress"]),
    "build: reading a document": (
        "pipeline.build.documents:read_text",
        lambda d, a, s: ["build", "--data", str(a), "--no-progress"]),
    "build: the SQLite copy": (
        "pipeline.build.job:write_sqlite",
        lambda d, a, s: ["build", "--data", str(a), "--no-progress"]),
    "verify": ("pipeline.archive.verify:_audit_warc", lambda d, a, s: ["verify", "--data", str(a)]),
    "status": ("pipeline.archive.status:status", lambda d, a, s: ["status", "--data", str(a)]),
    "wacz": ("pipeline.handoff.wacz:_cdxj",
             lambda d, a, s: ["wacz", str(d.parent / "out.wacz"), "--data", str(a)]),
    "sql": ("pipeline.query.sql:connect", lambda d, a, s: ["sql", "SELECT 1", "--data", str(a)]),
    "search": ("pipeline.query.search:search_sql",
               lambda d, a, s: ["search", "cybercrime", "--data", str(a)]),
    "coverage": ("pipeline.query:coverage", lambda d, a, s: ["coverage", "--data", str(a)]),
}  # fmt: skip


def stopped_in(proc: subprocess.Popen[str], signum: int) -> float:
    """Send `signum`; the seconds until the process ended."""
    proc.send_signal(signum)
    sent = time.monotonic()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        pytest.fail(f"still running 15 s after {signal.Signals(signum).name}")
    return time.monotonic() - sent


@pytest.mark.slow
@pytest.mark.parametrize(("signum", "code"), SIGNALS, ids=["SIGTERM", "SIGINT"])
@pytest.mark.parametrize("phase", PHASES)
def test_a_signal_stops_every_phase_within_two_seconds(
    phase: str, signum: int, code: int, tmp_path: Path, archive: Path, site: str
) -> None:
    target, args = PHASES[phase]
    copy = tmp_path / "archive"
    shutil.copytree(archive, copy, symlinks=True)
    command = [sys.executable, "-m", "tests.stall", target, *args(tmp_path / "data", copy, site)]
    proc = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)  # fmt: skip
    assert proc.stderr is not None
    line = proc.stderr.readline()  # the phase has begun once this is said
    assert line == "STALLED\n", line + proc.stderr.read()
    took = stopped_in(proc, signum)
    out, err = proc.communicate()
    name = signal.Signals(signum).name
    assert proc.returncode == code, out + err
    assert took <= LIMIT, f"{phase}: {took:.2f} s after {name}"
    assert f"interrupted ({name})" in out + err and "Traceback" not in err, out + err
    if "harvest" in phase or "build" in phase or "import" in phase:
        if (copy / "parquet").exists():  # the tables as they were, the archive whole
            assert run_cli("verify", "--data", str(copy)).returncode == 0
        assert run_cli("status", "--data", str(copy)).returncode == 0


@pytest.mark.slow
@pytest.mark.parametrize(("signum", "code"), SIGNALS, ids=["SIGTERM", "SIGINT"])
def test_a_signal_while_fetching_stops_cleanly_within_two_seconds(
    signum: int, code: int, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    with FaultServer(latency=3.0) as server:
        args = [str(JPARCHIVE), "harvest", "--base-url", server.url, "--ids", "1-40",
                "--rate", "0", "--data", str(data), "--no-progress"]  # fmt: skip
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        while not any(entry.activity_id for entry in server.log):
            time.sleep(0.02)
        took = stopped_in(proc, signum)
        out, err = proc.communicate()
    assert proc.returncode == code, out + err
    assert took <= LIMIT, f"{took:.2f} s"
    assert "stopped: interrupted" in out and "Traceback" not in err  # the clean stop's summary
    assert err.count("interrupted") == 0, err  # said once, in the summary


@pytest.mark.parametrize(("signum", "code"), SIGNALS, ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_the_web_app_within_two_seconds(
    signum: int, code: int, archive: Path
) -> None:
    port = free_port()
    proc = subprocess.Popen([str(JPARCHIVE), "serve", "--data", str(archive), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    wait_until_up(port)
    children = child_pids(proc.pid)  # the workers, and Datasette's pages' own process
    assert len(children) == 3
    took = stopped_in(proc, signum)
    out, err = proc.communicate()
    assert proc.returncode == code and took <= LIMIT, (took, out, err)
    assert not any(alive(c) for c in children), "a process outlived the server"
    assert err.strip().splitlines()[-1] == (  # not a harvest's "rerun to resume"
        f"interrupted ({signal.Signals(signum).name}): the web app stopped (it writes "
        "nothing: there is nothing to resume)"
    )


def test_the_servers_processes_end_when_it_is_killed(archive: Path) -> None:
    """SIGKILL leaves the server no time to end its children (the workers, Datasette's
    pages): each sees its parent gone and ends by itself."""
    port = free_port()
    proc = subprocess.Popen([str(JPARCHIVE), "serve", "--data", str(archive), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    wait_until_up(port)
    children = child_pids(proc.pid)
    assert len(children) == 3
    proc.kill()
    proc.communicate()
    deadline = time.monotonic() + LIMIT
    while any(alive(c) for c in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(c) for c in children)
