"""Faults end in one line, a report and an exit code, never a traceback, and lose nothing
archived: Ctrl-C and SIGTERM (130, 143), a full disk and a read-only file system (1).

The disk tests mount a small tmpfs, which needs root (as CI and `make test` run)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import JPARCHIVE, run_cli
from tests.servers import FaultServer
from tests.warcs import read_all, responses

IDS = "100-160"


def harvest_args(url: str, data: Path) -> list[str]:
    # one URL per ID (--no-variants): the counts below are per activity
    return [str(JPARCHIVE), "harvest", "--base-url", url, "--ids", IDS, "--rate", "0",
            "--no-variants", "--data", str(data), "--no-progress"]  # fmt: skip


def report_of(stdout: str) -> dict[str, object]:
    line = next(x for x in stdout.splitlines() if x.startswith("report: "))
    return json.loads(Path(line.split(": ", 1)[1]).read_text())  # type: ignore[no-any-return]


@pytest.mark.slow
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_stops_the_harvest_cleanly_with_a_summary(
    tmp_path: Path, signum: int, code: int
) -> None:
    data = tmp_path / "data"
    with FaultServer(latency=0.1) as server:
        proc = subprocess.Popen(harvest_args(server.url, data), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)  # fmt: skip
        while len(server.log) < 8:
            time.sleep(0.02)
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == code, out + err
        assert "Traceback" not in err
        name = signal.Signals(signum).name
        assert f"stopped: interrupted ({name}): pages in flight went back to the queue; " \
               "rerun the same command to resume" in out  # fmt: skip
        assert report_of(out)["exit_code"] == code
        done = len(responses(read_all(data / "raw"), "Countries.asp"))  # whole WARC records
        assert 0 < done < 61
        again = subprocess.run(harvest_args(server.url, data), capture_output=True, text=True)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "crawl state: 61 done, 0 failed" in again.stdout
    assert len(responses(read_all(data / "raw"), "Countries.asp")) >= 61


def test_ctrl_c_in_a_build_keeps_the_previous_tables(archive: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(archive, data, symlinks=True)
    before = {p.name: p.read_bytes() for p in (data / "parquet").iterdir()}
    script = (
        "import os, signal, sys\n"
        "import pipeline.build.job as job\n"
        "from pipeline.cli import main\n"
        "real = job.parse_activity\n"
        "def parse(*a, **k):\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    return real(*a, **k)\n"
        "job.parse_activity = parse\n"
        "sys.argv = ['jparchive', 'build', '--data', sys.argv[1], '--no-progress']\n"
        "main()\n"
    )
    done = subprocess.run([str(JPARCHIVE.parent / "python"), "-c", script, str(data)],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 130, done.stderr
    assert done.stderr == (
        "interrupted (SIGINT): nothing done so far is lost; rerun the same command\n"
    )
    assert {p.name: p.read_bytes() for p in (data / "parquet").iterdir()} == before
    assert len(list((data / ".parquet").iterdir())) == 1  # the half-built folder is gone


@contextlib.contextmanager
def small_disk(path: Path, size: str) -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (CI and `make test` run as root)")
    path.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                   check=True)  # fmt: skip
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


@pytest.mark.slow
def test_a_full_disk_stops_the_harvest_in_one_line_and_the_rerun_finishes(
    tmp_path: Path,
) -> None:
    with small_disk(tmp_path / "disk", "600k") as disk, FaultServer() as server:
        data = disk / "data"
        full = subprocess.run(harvest_args(server.url, data), capture_output=True, text=True)
        assert full.returncode == 1, full.stdout + full.stderr
        assert "Traceback" not in full.stderr, full.stderr
        [stopped] = [line for line in full.stdout.splitlines() if line.startswith("stopped: ")]
        # the disk fills where the next write lands: a WARC file, or the index
        full_at = ("No space left on device", "database or disk is full")
        assert any(said in stopped for said in full_at) and str(data) in stopped, stopped
        assert "free some space on that disk and rerun" in stopped
        subprocess.run(["mount", "-o", "remount,size=20m", str(disk)], check=True)
        again = subprocess.run(harvest_args(server.url, data), capture_output=True, text=True)
        assert again.returncode == 0, again.stdout + again.stderr
        assert "crawl state: 61 done, 0 failed" in again.stdout
        audit = run_cli("verify", "--data", str(data))
    assert audit.returncode == 0, audit.stdout  # every record whole, every entry right


@pytest.mark.slow
def test_a_read_only_file_system_is_one_line_for_every_writer(
    archive: Path, tmp_path: Path
) -> None:
    with small_disk(tmp_path / "disk", "20m") as disk:
        data = disk / "data"
        shutil.copytree(archive, data, symlinks=True)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        built = run_cli("build", "--data", str(data), "--no-progress")
        harvested = run_cli("harvest", "--ids", "1", "--data", str(data), "--no-progress")
        queried = run_cli("sql", "SELECT COUNT(*) AS n FROM activities", "--data", str(data))
    for result in (built, harvested):
        assert result.returncode == 1, result.stdout + result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert "Read-only file system" in result.stderr and str(data) in result.stderr
    assert queried.returncode == 0 and "41" in queried.stdout  # readers need no writes
