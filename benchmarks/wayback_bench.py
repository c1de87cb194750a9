"""A Wayback harvest at the default limits against a fake Wayback Machine: wall time
against the ideal (replays ÷ rate), requests per archived activity, CPU per page.

    python benchmarks/wayback_bench.py [--activities 2000] [--captures 3] [--latency 0.2]
                                       [--write]

The fake holds `--activities` activities with `--captures` captures each and answers
every request after `--latency` seconds; `jparchive harvest --source wayback` runs as a
child process with no limit flags, so at its defaults (4 replays a second, 4 in flight,
CDX 0.4 a second). Targets (issue 14): within 1.1× of the ideal time, and at most 1.02
requests per activity besides the CDX pages when nothing fails.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import machine, write_section
from pipeline.sources.wayback import REPLAY_RATE
from tests.servers import Capture, FakeWayback

BIN = Path(sys.executable).parent
ORIGIN = "http://www.jp.coe.int/CEAD"


def captures(activities: int, per_page: int) -> list[Capture]:
    out = []
    for n in range(1, activities + 1):
        for k in range(per_page):
            body = f"<html><body><table><tr><td>Title</td><td>Activity {n}, v{k}</td></tr>"
            body += f"<tr><td>Status</td><td>Completed</td></tr></table>{'x' * 8000}</body></html>"
            out.append(Capture(f"20{7 + k:02d}0101000000", f"{ORIGIN}/Countries.asp?ID={n}"
                               "&ActSyn=True", body.encode()))  # fmt: skip
    return out


def run(activities: int, per_page: int, latency: float, rate: float | None) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp, FakeWayback(
        captures=captures(activities, per_page), page_size=5000, latency=latency
    ) as server:  # fmt: skip
        args = [str(BIN / "jparchive"), "harvest", "--source", "wayback", "--wayback-url",
                server.url, "--data", str(Path(tmp) / "data"), "--no-progress"]  # fmt: skip
        if rate is not None:
            args += ["--rate", str(rate), "--cdx-rate", "50"]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        done = subprocess.run(args, capture_output=True, text=True)
        wall = time.monotonic() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            raise SystemExit(f"the harvest failed:\n{done.stdout}{done.stderr}")
        replays = sum(1 for r in server.log if "id_/" in r.target)
        cdx = sum(1 for r in server.log if r.target.startswith("/cdx/"))
        cdx_started = [r.start for r in server.log if "id_/" in r.target]
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    used_rate = rate or REPLAY_RATE
    ideal = activities / used_rate
    return {"wall": wall, "ideal": ideal, "replays": replays, "cdx": cdx, "cpu": cpu,
            "replay_span": max(cdx_started) - min(cdx_started), "rate": used_rate}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--activities", type=int, default=2000)
    parser.add_argument("--captures", type=int, default=3)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--rate", type=float, help="instead of the default (for a quick run)")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    r = run(args.activities, args.captures, args.latency, args.rate)
    per_activity = r["replays"] / args.activities
    lines = [
        "## Wayback harvest (`benchmarks/wayback_bench.py`)",
        "",
        f"{machine()}. A fake Wayback Machine with {args.activities:,} activities, "
        f"{args.captures} captures each, every answer after {args.latency * 1000:.0f} ms; "
        f"the latest capture of each harvested at {r['rate']:g} replays a second.",
        "",
        "| what | measured | target |",
        "|---|---:|---:|",
        f"| wall time | {r['wall']:.1f} s | |",
        f"| ideal (replays ÷ rate) | {r['ideal']:.1f} s | |",
        f"| wall ÷ ideal | {r['wall'] / r['ideal']:.3f} | ≤ 1.1 |",
        f"| replays from first to last, ÷ ideal | {r['replay_span'] / r['ideal']:.3f} | |",
        f"| requests per archived activity, besides CDX | {per_activity:.3f} | ≤ 1.02 |",
        f"| CDX pages asked | {r['cdx']:.0f} | |",
        f"| CPU per page (the harvest process) | {r['cpu'] / args.activities * 1000:.2f} ms | |",
    ]
    print("\n".join(lines))
    if args.write:
        write_section("wayback", "\n".join(lines))
        print("wrote docs/benchmarks.md")


if __name__ == "__main__":
    main()
