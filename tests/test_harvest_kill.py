"""SIGKILL a running harvest at random points; rerunning finishes the job with nothing lost."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import JPARCHIVE
from tests.servers import FaultServer
from tests.warcs import read_all, responses

IDS = range(200, 500)
CONCURRENCY = 4
KILLS = 3


@pytest.mark.slow
def test_sigkill_at_random_points_then_resume(tmp_path: Path) -> None:
    seed = int(os.environ.get("KILL_SEED", time.time_ns() % 10_000))
    rng = random.Random(seed)
    data = tmp_path / "data"
    with FaultServer(latency=0.03) as server:
        args = [
            str(JPARCHIVE),
            "harvest",
            "--base-url",
            server.url,
            "--ids",
            f"{IDS[0]}-{IDS[-1]}",
            "--rate",
            "0",
            "--concurrency",
            str(CONCURRENCY),
            "--no-variants",  # one URL per ID: the final counts are per activity
            "--data",
            str(data),
            "--no-progress",
        ]
        for _ in range(KILLS):
            proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.8, 2.5))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        final = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert final.returncode == 0, f"seed {seed}: {final.stdout}{final.stderr}"
    assert f"{len(IDS)} done, 0 failed" in final.stdout, f"seed {seed}: {final.stdout}"

    db = sqlite3.connect(data / "raw" / "index.sqlite3")
    per_activity = Counter(
        aid for (aid,) in db.execute("SELECT activity_id FROM captures WHERE kind = 'activity'")
    )
    db.close()
    assert set(per_activity) == set(IDS), f"seed {seed}: activities missing from the index"
    extra_indexed = sum(n - 1 for n in per_activity.values())
    assert extra_indexed <= KILLS * CONCURRENCY, f"seed {seed}: {extra_indexed} duplicate captures"

    records = read_all(data / "raw")  # every WARC readable, every digest right
    per_url = Counter(r.uri for r in responses(records, "Countries.asp"))
    assert len(per_url) == len(IDS)
    extra_archived = sum(n - 1 for n in per_url.values())
    assert extra_archived <= KILLS * CONCURRENCY, f"seed {seed}: {extra_archived} duplicate records"
    runs_with_pages = {r.file for r in responses(records, "Countries.asp")}
    assert len(runs_with_pages) >= 2, f"seed {seed}: no kill landed while pages were being fetched"
