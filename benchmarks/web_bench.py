"""The web app at scale: latency of `/search` and `/activity/<id>` over 50,000 activities.

    python benchmarks/web_bench.py [--pages 50000] [--requests 300] [--write]

A synthetic archive (pipeline.fixtures.synth, seed 7, as build_bench) is built with
`jparchive build`, whose time is split into the Parquet build and the SQLite copy; then
`jparchive serve` runs in a child process and one client asks, one request at a time
over real HTTP, for searches (common and rare words, with and without a country or
year filter, later pages) and activity pages (random IDs). p50, p95 and max per route.
"""

from __future__ import annotations

import argparse
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.build_bench import make_archive
from benchmarks.common import machine, write_section
from pipeline.build import BuildConfig, build
from pipeline.build.sqlite import write_sqlite

BIN = Path(sys.executable).parent
SEARCHES = [
    {"q": "seminar"}, {"q": "training"}, {"q": "conference", "country": "RS"},
    {"q": "workshop", "from": "2010", "to": "2012"}, {"q": "experts", "page": "5"},
    {"q": "judges prosecutors"}, {"q": "cybercrime"}, {"q": "round table", "country": "UA"},
]  # fmt: skip


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return statistics.median(ordered) * 1000, p95 * 1000, ordered[-1] * 1000


def timed(client: httpx.Client, url: str, params: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    response = client.get(url, params=params)
    took = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{response.url} answered {response.status_code}: {response.text[:200]}")
    return took


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(data: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen([str(BIN / "jparchive"), "serve", "--data", str(data),
                             "--port", str(port)], stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            httpx.get(url + "/", timeout=5)
            return proc, url
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("jparchive serve did not start")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        make_archive(data, args.pages)
        started = time.perf_counter()
        build(BuildConfig(data=data, progress=False))
        build_s = time.perf_counter() - started
        started = time.perf_counter()
        write_sqlite((data / "parquet").resolve())  # again, alone, to time the copy by itself
        sqlite_s = time.perf_counter() - started
        size = (data / "jparchive.db").stat().st_size / 1e6
        with sqlite3.connect(data / "jparchive.db") as db:
            ids = [r[0] for r in db.execute("SELECT activity_id FROM activities")]
        proc, url = serve(data)
        rng = random.Random(1)
        try:
            with httpx.Client(timeout=30) as client:
                for _ in range(10):  # warm the page cache and Datasette's schema cache
                    timed(client, url + "/search", SEARCHES[0])
                search = [timed(client, url + "/search", rng.choice(SEARCHES))
                          for _ in range(args.requests)]  # fmt: skip
                activity = [timed(client, f"{url}/activity/{rng.choice(ids)}")
                            for _ in range(args.requests)]  # fmt: skip
        finally:
            proc.terminate()
            proc.wait(10)
    rows = [
        "| route | requests | p50 | p95 | max |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, samples in (("/search", search), ("/activity/<id>", activity)):
        p50, p95, top = percentiles(samples)
        rows.append(f"| `{name}` | {len(samples)} | {p50:.1f} ms | {p95:.1f} ms | {top:.1f} ms |")
    body = "\n".join([
        "## The web app (`benchmarks/web_bench.py`)",
        "",
        f"{machine()}. {args.pages:,} synthetic activities; `jparchive build` took "
        f"{build_s:.1f} s, of which the SQLite copy (`jparchive.db`, {size:.0f} MB, with its "
        f"FTS5 index) takes {sqlite_s:.1f} s on its own. `jparchive serve` in a child "
        "process, one client over real HTTP, one request at a time; searches mix common "
        "and rare words, country and year filters and later pages, activities are drawn "
        "at random. Target: p95 under 100 ms for both.",
        "",
        *rows,
    ])  # fmt: skip
    print(body)
    if args.write:
        write_section("web", body)
        print("wrote docs/benchmarks.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
