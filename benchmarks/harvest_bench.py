"""Harvest speed: jparchive against Scrapy on the same local server, and the rate limiter.

    python benchmarks/harvest_bench.py [--pages 2000] [--latency 0.1] [--concurrency 8] [--write]

A local asyncio server answers every page after `--latency` seconds. Both harvesters run
as child processes in one run: jparchive (WARC writing on, robots.txt obeyed) and Scrapy
(same concurrency, no delay, robots.txt obeyed, items with the body to JSON lines). We
report wall time against the ideal (pages × latency / concurrency) and client CPU time
per page (user + system of the child). Then `--rate R` is measured at the server.
Needs Scrapy: `pip install -e '.[bench]'` (the Makefile's `bench` target does it).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import machine, write_section
from tests.servers import FaultServer

BIN = Path(sys.executable).parent

SPIDER = textwrap.dedent(
    """
    import scrapy

    class Pages(scrapy.Spider):
        name = "pages"

        def __init__(self, base, first, last, **kw):
            super().__init__(**kw)
            self.base, self.first, self.last = base, int(first), int(last)

        async def start(self):  # Scrapy 2.13 and later
            for request in self.start_requests():
                yield request

        def start_requests(self):  # earlier Scrapy
            for n in range(self.first, self.last + 1):
                yield scrapy.Request(f"{self.base}/CEAD/Countries.asp?ID={n}&ActSyn=True")

        def parse(self, response):
            yield {"url": response.url, "status": response.status, "body": response.text}
    """
)


def run_child(args: list[str]) -> tuple[float, float, int]:
    """(wall seconds, child CPU seconds, exit code) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        print(proc.stderr[-2000:], file=sys.stderr)
    return wall, cpu, proc.returncode


def jparchive(
    server: FaultServer, pages: int, concurrency: int, work: Path, rate: float = 0
) -> tuple[float, float, int]:
    return run_child(
        [
            str(BIN / "jparchive"),
            "harvest",
            "--base-url",
            server.url,
            "--ids",
            f"1-{pages}",
            "--rate",
            str(rate),
            "--concurrency",
            str(concurrency),
            "--data",
            str(work),
            "--no-progress",
            "--contact",
            "benchmark@localhost",
        ]
    )


def scrapy(
    server: FaultServer, pages: int, concurrency: int, work: Path
) -> tuple[float, float, int]:
    spider = work / "spider.py"
    spider.write_text(SPIDER)
    return run_child(
        [
            str(BIN / "scrapy"),
            "runspider",
            str(spider),
            "-a",
            f"base={server.url}",
            "-a",
            "first=1",
            "-a",
            f"last={pages}",
            "-O",
            str(work / "items.jsonl"),
            "-s",
            f"CONCURRENT_REQUESTS={concurrency}",
            "-s",
            f"CONCURRENT_REQUESTS_PER_DOMAIN={concurrency}",
            "-s",
            "DOWNLOAD_DELAY=0",
            "-s",
            "ROBOTSTXT_OBEY=True",
            "-s",
            "LOG_LEVEL=WARNING",
            "-s",
            "TELNETCONSOLE_ENABLED=False",
        ]
    )


def achieved_rate(server: FaultServer) -> float:
    starts = sorted(r.start for r in server.log if r.activity_id is not None)
    return (len(starts) - 1) / (starts[-1] - starts[0])


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rates", default="5,20", help="rates to check, requests per second")
    parser.add_argument(
        "--write", action="store_true", help="record the results in docs/benchmarks.md"
    )
    args = parser.parse_args()
    ideal = args.pages * args.latency / args.concurrency
    rows, rate_rows = [], []
    with tempfile.TemporaryDirectory() as tmp, FaultServer(latency=args.latency) as server:
        for n in range(1, args.pages + 1):
            server.page(
                n
            )  # rendered before the clock starts: the server must not be the bottleneck
        for name, runner in (("jparchive", jparchive), ("Scrapy", scrapy)):
            work = Path(tmp) / name
            work.mkdir()
            wall, cpu, code = runner(server, args.pages, args.concurrency, work)
            rows.append((name, wall, cpu, code))
            print(f"{name}: {wall:.1f}s wall, {cpu:.1f}s CPU, exit {code}", flush=True)
        for rate in (float(r) for r in args.rates.split(",")):
            server.log.clear()
            pages = int(rate * 15)  # about 15 seconds each
            work = Path(tmp) / f"rate-{rate}"
            jparchive(server, pages, args.concurrency, work, rate=rate)
            rate_rows.append((rate, pages, achieved_rate(server)))
            print(f"--rate {rate}: {rate_rows[-1][2]:.3f}/s achieved", flush=True)
    ours, theirs = rows[0], rows[1]
    lines = [
        "## Harvesting (`benchmarks/harvest_bench.py`)",
        "",
        f"{args.pages} pages from a local asyncio server answering each after "
        f"{args.latency * 1000:.0f} ms, concurrency {args.concurrency};",
        f"ideal wall time {ideal:.1f} s.",
        f"Machine: {machine()} (server, client and Scrapy share it).",
        "",
        "| harvester | wall s | × ideal | CPU s | CPU ms/page | exit |",
        "|---|---:|---:|---:|---:|---:|",
        *(
            f"| {name} | {wall:.1f} | {wall / ideal:.2f} | {cpu:.1f} | "
            f"{cpu * 1000 / args.pages:.2f} | {code} |"
            for name, wall, cpu, code in rows
        ),
        "",
        "jparchive writes gzip WARC 1.1 (request + response records, fsync per page) and its",
        "SQLite index; Scrapy writes JSON lines. CPU per page: jparchive "
        f"{ours[2] / theirs[2]:.2f}× Scrapy's.",
        "",
        "| `--rate` | pages | achieved at the server | vs target |",
        "|---:|---:|---:|---:|",
        *(f"| {r:g} | {n} | {a:.3f}/s | {a / r:.3f} |" for r, n, a in rate_rows),
    ]
    table = "\n".join(lines) + "\n"
    print(table)
    if args.write:
        write_section("harvest", table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
