"""SIGKILL during a Wayback harvest's first WARC file, after its first CDX page (a record
over 1 MiB: 5,000 rows) is written: the rerun recovers the file, finishes in bounded time
and `verify` says sound. Recovery used to loop forever on exactly this file."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from pipeline.archive import Index, read_payload
from tests.conftest import JPARCHIVE, run_cli
from tests.servers import Capture, FakeWayback

ORIGIN = "http://www.jp.coe.int/CEAD"


def captures(n: int) -> list[Capture]:
    body = "<html><body><table><tr><td>Title</td><td>Activity {}</td></tr></table></body></html>"
    return [Capture("20080101000000", f"{ORIGIN}/Countries.asp?ID={k}&ActSyn=True",
                    body.format(k).encode()) for k in range(1, n + 1)]  # fmt: skip


@pytest.mark.slow
def test_sigkill_during_the_first_warc_file_of_a_wayback_harvest(tmp_path: Path) -> None:
    seed = int(os.environ.get("KILL_SEED", time.time_ns() % 10_000))
    rng = random.Random(seed)
    data = tmp_path / "data"
    with FakeWayback(captures=captures(6000), page_size=5000, latency=0.1) as server:
        args = [str(JPARCHIVE), "harvest", "--source", "wayback", "--wayback-url", server.url,
                "--ids", "1-80", "--rate", "0", "--cdx-rate", "1000", "--data", str(data),
                "--no-progress"]  # fmt: skip
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while not any("id_/" in r.target for r in server.log) and proc.poll() is None:
            time.sleep(0.01)  # the CDX pages are in: replays have begun
        time.sleep(rng.uniform(0.0, 1.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with Index(data / "raw" / "index.sqlite3", readonly=True) as index:
            cdx_pages = [c for c in index.captures() if "/cdx/" in c.url]
            assert index.unclosed_warcs(), f"seed {seed}: the first WARC file was closed"
        largest = max(len(read_payload(data / "raw", c)) for c in cdx_pages)
        assert largest > 1 << 20, f"seed {seed}: the CDX page is {largest} bytes"
        again = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, f"seed {seed}: {again.stdout}{again.stderr}"
    assert "crawl state: 80 done, 0 failed" in again.stdout, again.stdout
    audit = run_cli("verify", "--data", str(data))
    assert audit.returncode == 0, f"seed {seed}: {audit.stdout}"
