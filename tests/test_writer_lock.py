"""One writer per data root: a second harvest, import or build exits 2 at once, naming
the holder, and the first run's WARC files stay whole."""

from __future__ import annotations

import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from pipeline.archive import WriterLock, holder
from pipeline.build import BuildConfig, build
from pipeline.errors import LockHeld
from tests.conftest import JPARCHIVE, run_cli
from tests.servers import FaultServer
from tests.warcs import read_all, responses

IDS = range(300, 330)


def harvest_args(url: str, data: Path) -> list[str]:
    return [
        "harvest", "--base-url", url, "--ids", f"{IDS[0]}-{IDS[-1]}", "--rate", "0",
        "--concurrency", "2", "--data", str(data), "--no-progress",
    ]  # fmt: skip


def wait_for_holder(data: Path, proc: subprocess.Popen[str]) -> dict[str, object]:
    for _ in range(200):
        if (found := holder(data)) and found.get("pid") == proc.pid:
            return found
        time.sleep(0.02)
    raise AssertionError("the first harvest never took the lock")


@pytest.mark.slow
def test_a_second_harvest_exits_2_naming_the_first_and_leaves_its_warc_whole(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    with FaultServer(latency=0.05) as server:
        first = subprocess.Popen(
            [str(JPARCHIVE), *harvest_args(server.url, data)], stdout=subprocess.PIPE, text=True
        )
        found = wait_for_holder(data, first)
        assert "harvest" in str(found["command"])
        second = run_cli(*harvest_args(server.url, data))
        imported = run_cli("harvest", "--source", "warc", "x.warc.gz", "--data", str(data))
        out, _ = first.communicate(timeout=120)
        per_id = Counter(r.activity_id for r in server.log if r.activity_id is not None)
    assert second.returncode == 2 and imported.returncode == 2
    assert imported.stderr.startswith("Error: LockHeld:")
    assert second.stderr.startswith(f"Error: LockHeld: {data} is being written by PID {first.pid}")
    assert "one writer at a time" in second.stderr and second.stdout == ""
    assert first.returncode == 0, out
    # each page fetched once under each of its two URLs (the variants)
    assert set(per_id) == set(IDS) and set(per_id.values()) == {2}
    records = read_all(data / "raw")  # every digest checked
    assert len(responses(records, "Countries.asp")) == 2 * len(IDS)
    assert holder(data) is None  # released at the end


def test_a_build_while_another_writer_holds_the_lock_fails_at_once(archive: Path) -> None:
    with WriterLock(archive, "jparchive build (the first)"):
        with pytest.raises(LockHeld, match=r"is being written by PID \d+ \(jparchive build"):
            build(BuildConfig(data=archive, progress=False))
        result = run_cli("build", "--data", str(archive), "--no-progress")
    assert result.returncode == 2
    assert "Error: LockHeld:" in result.stderr and "jparchive build (the first)" in result.stderr


def test_a_sigkilled_holder_leaves_no_lock_behind(tmp_path: Path) -> None:
    code = (
        "import sys, time; from pathlib import Path; from pipeline.archive import WriterLock\n"
        "lock = WriterLock(Path(sys.argv[1]), 'held by a child'); lock.acquire()\n"
        "print('held', flush=True); time.sleep(60)\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None and child.stdout.readline() == "held\n"
    found = holder(tmp_path)
    assert found is not None and (found["pid"], found["command"]) == (child.pid, "held by a child")
    child.kill()
    child.communicate()
    assert holder(tmp_path) is None  # the kernel dropped it with the process
    with WriterLock(tmp_path, "next"):
        assert holder(tmp_path) is not None
