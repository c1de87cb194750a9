"""What fetching the pages' requisites costs a harvest: requests, bytes and time per page,
with and without `--no-requisites`.

    python benchmarks/requisites_bench.py [--pages 2000] [--write]

A server on 127.0.0.1 (the tests' FaultServer) serves synthetic activity pages in the
fixture site's markup, each loading the fixture site's stylesheets, images and script
(9 requisites, 4 of them through the stylesheets); `jparchive harvest` runs as a child
process at concurrency 8 and no rate limit, once with requisites (the default) and once
without.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import machine, write_section
from pipeline.fixtures.assets import ASSETS
from tests.servers import FaultServer

BIN = Path(sys.executable).parent


def run(pages: int, requisites: bool) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp, FaultServer() as server:
        data = Path(tmp) / "data"
        args = [str(BIN / "jparchive"), "harvest", "--base-url", server.url, "--ids",
                f"1-{pages}", "--rate", "0", "--concurrency", "8", "--data", str(data),
                "--no-progress", "--requisites" if requisites else "--no-requisites"]  # fmt: skip
        started = time.monotonic()
        done = subprocess.run(args, capture_output=True, text=True)
        wall = time.monotonic() - started
        if done.returncode != 0:
            raise SystemExit(f"the harvest failed:\n{done.stdout}{done.stderr}")
        warc = sum(p.stat().st_size for p in (data / "raw").glob("*.warc.gz"))
        return {"wall": wall, "requests": len(server.log), "warc": warc}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    n = args.pages
    without, with_them = run(n, False), run(n, True)
    lines = [
        "## Requisites (`benchmarks/requisites_bench.py`)",
        "",
        f"{machine()}. {n:,} synthetic activity pages from a server on 127.0.0.1, each "
        f"loading the fixture site's {len(ASSETS)} requisites (stylesheets, GIFs, a script); "
        "concurrency 8, no rate limit.",
        "",
        "| | requests per page | WARC bytes per page | wall s |",
        "|---|---:|---:|---:|",
        *(f"| {name} | {r['requests'] / n:.4f} | {r['warc'] / n:,.0f} | {r['wall']:.1f} |"
          for name, r in (("--no-requisites", without), ("requisites (default)", with_them))),
        "",
        f"Each requisite is fetched once per URL, so their cost is {len(ASSETS)} requests "
        "for the whole harvest, whatever its size; what grows with the pages is reading "
        "each page for what it loads.",
    ]  # fmt: skip
    print("\n".join(lines))
    if args.write:
        write_section("requisites", "\n".join(lines))
        print("wrote docs/benchmarks.md")


if __name__ == "__main__":
    main()
