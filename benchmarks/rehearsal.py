"""A scale rehearsal: the whole path at the real site's size, through a fake Wayback Machine.

    python benchmarks/rehearsal.py [--sizes 10000,30000] [--captures 3] [--seed 1] [--write]

For each size, a fake Wayback (made linear: requests counted as they come, captures
looked up by URL) holds that many synthetic activities with `--captures` captures each:
an older version, the current page, and the view without the synopsis. The Wayback
harvest (`--captures all`, no `--list` first) is killed twice with SIGKILL at random
moments (the first early, while the CDX listing or the first WARC file is being written)
and resumed until it finishes; then `build`, `verify` (which must say sound, exit 0),
`wacz`, `search`, `history` and `coverage` run, each as its own process. Per stage: wall
and CPU time, peak memory, and the data directory's size after it; and how many requests
each page took and how many pages were fetched twice. With two sizes, each stage's time
per 1,000 activities shows whether it is linear. Minutes, not part of `make test`.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import machine, write_section
from pipeline.fixtures.render import render_activity
from pipeline.fixtures.synth import synthetic_specs
from tests.servers import Capture, FakeWayback

BIN = Path(sys.executable).parent
ORIGIN = "http://www.jp.coe.int/CEAD"
STAMPS = ("20070405101010", "20090101000000", "20110301120000")


@dataclass
class Stage:
    name: str
    wall: float = 0.0
    cpu: float = 0.0
    peak_mb: float = 0.0
    disk_mb: float = 0.0
    runs: int = 0


def captures(activities: int, per_page: int, seed: int) -> list[Capture]:
    """An older version, the page as it is, and the view without its synopsis."""
    out = []
    for spec in synthetic_specs(activities, seed):
        aid = spec.record.activity_id
        full = render_activity(spec)
        older = full.replace(b"</html>", b"<!-- 2007 -->\n</html>")
        page = f"{ORIGIN}/Countries.asp?ID={aid}"
        variants = [
            (f"{page}&ActSyn=True", older),
            (f"{page}&ActSyn=True", full),
            (page, render_activity(spec, synopsis=False)),
        ]
        for stamp, (url, body) in zip(STAMPS, variants[:per_page], strict=False):
            out.append(Capture(stamp, url, body))
    return out


def _size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def _hwm_kb(pid: int) -> int:
    """The process's peak resident size so far (VmHWM), in KiB. Not wait4's ru_maxrss:
    a forked child starts with its parent's, and the parent here holds the fake archive."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    line = next((x for x in status.splitlines() if x.startswith("VmHWM:")), "VmHWM: 0 kB")
    return int(line.split()[1])


def run_stage(stage: Stage, args: list[str], data: Path, kill_after: float | None = None) -> int:
    """Run one command, adding its wall and CPU time and peak memory to `stage`; with
    `kill_after`, SIGKILL it then (if it is still running). Returns its exit status."""
    started = time.monotonic()
    log = data.parent / "stage.log"
    with log.open("w") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
    deadline = None if kill_after is None else started + kill_after
    peak = 0
    while True:  # wait4 for the child's own usage; WNOHANG to kill it on time
        peak = max(peak, _hwm_kb(proc.pid))
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if deadline is not None and time.monotonic() >= deadline:
            proc.send_signal(signal.SIGKILL)
            deadline = None
        time.sleep(0.02)
    proc.returncode = os.waitstatus_to_exitcode(status)
    stage.wall += time.monotonic() - started
    stage.cpu += usage.ru_utime + usage.ru_stime
    stage.peak_mb = max(stage.peak_mb, peak / 1024)
    stage.disk_mb = _size_mb(data)
    stage.runs += 1
    if kill_after is None and proc.returncode not in (0,):
        said = log.read_text(errors="replace")[-3000:]
        raise SystemExit(f"{' '.join(args[1:3])} exited {proc.returncode}:\n{said}")
    return proc.returncode


def rehearse(activities: int, per_page: int, seed: int) -> dict[str, object]:
    rng = random.Random(seed)
    held = captures(activities, per_page, seed)
    jp = str(BIN / "jparchive")
    with tempfile.TemporaryDirectory() as tmp, FakeWayback(captures=held, page_size=5000) as server:
        data = Path(tmp) / "data"
        harvest = [jp, "harvest", "--source", "wayback", "--wayback-url", server.url,
                   "--captures", "all", "--rate", "0", "--cdx-rate", "1000", "--concurrency", "8",
                   "--data", str(data), "--no-progress"]  # fmt: skip
        names = ("harvest", "build", "verify", "wacz", "search", "history", "coverage")
        stages = {name: Stage(name) for name in names}
        kills = [rng.uniform(1.5, 5.0), rng.uniform(3.0, 25.0)]
        for after in kills:
            code = run_stage(stages["harvest"], harvest, data, kill_after=after)
            if code == 0:
                break  # it finished first: a kill needs a larger size
        run_stage(stages["harvest"], harvest, data)
        run_stage(stages["build"], [jp, "build", "--data", str(data), "--no-progress"], data)
        run_stage(stages["verify"], [jp, "verify", "--data", str(data)], data)
        run_stage(stages["wacz"], [jp, "wacz", str(Path(tmp) / "a.wacz"), "--data", str(data)],
                  data)  # fmt: skip
        run_stage(stages["search"], [jp, "search", "seminar", "--data", str(data)], data)
        first = held[0].original.split("ID=")[1].split("&")[0]
        run_stage(stages["history"], [jp, "history", first, "--data", str(data)], data)
        run_stage(stages["coverage"], [jp, "coverage", "--data", str(data)], data)
        replays = {t: n for t, n in server.counts.items() if "id_/" in t}
        return {
            "activities": activities,
            "captures": len(held),
            "stages": stages,
            "requests_per_page": sum(replays.values()) / max(len(replays), 1),
            "fetched_twice": sum(1 for n in replays.values() if n > 1),
            "wacz_mb": (Path(tmp) / "a.wacz").stat().st_size / 1e6,
            "index": wacz_index(Path(tmp) / "a.wacz"),
            "kills": [round(k, 1) for k in kills],
        }


def wacz_index(path: Path) -> dict[str, int]:
    """What a replay tool reads of the WACZ's index to find one page: the blocks' index
    (index.idx, read whole) and one gzip block of index.cdx.gz; and the record itself."""
    with zipfile.ZipFile(path) as z:
        idx = z.read("indexes/index.idx").decode().splitlines()[1:]
        blocks = [json.loads(line.split(" ", 2)[2])["length"] for line in idx]
        lines = gzip.decompress(z.read("indexes/index.cdx.gz")).decode().splitlines()
        records = sorted(int(json.loads(x.split(" ", 2)[2])["length"]) for x in lines)
        return {
            "cdx_gz": z.getinfo("indexes/index.cdx.gz").file_size,
            "idx": z.getinfo("indexes/index.idx").file_size,
            "lines": len(lines),
            "block": max(blocks, default=0),
            "record": records[len(records) // 2] if records else 0,
        }


def report(results: list[dict[str, object]]) -> str:
    lines = [
        "## Scale rehearsal (`benchmarks/rehearsal.py`)",
        "",
        f"{machine()}. A fake Wayback Machine (linear) holding synthetic activities with "
        "three captures each (an older version, the page, the view without its synopsis); "
        "the Wayback harvest (`--captures all`, 8 in flight, no rate limit, no `--list` "
        "first) killed twice with SIGKILL at random moments and resumed, then each command "
        "as its own process. Peak memory is the process's peak resident size (VmHWM, "
        "read every 20 ms); disk is the data directory after the stage. Run on an idle "
        "machine: the figures are wall times.",
        "",
    ]
    for r in results:
        stages: dict[str, Stage] = r["stages"]  # type: ignore[assignment]
        pages = stages["harvest"]
        rate = int(r["captures"]) / pages.wall  # type: ignore[call-overload]
        lines += [
            f"### {r['activities']:,} activities, {r['captures']:,} captures",
            "",
            f"Kills after {r['kills'][0]} s and {r['kills'][1]} s of the first two harvest runs "  # type: ignore[index]
            f"({pages.runs} runs in all); {rate:.0f} captures a second over the three; "
            f"{r['requests_per_page']:.4f} requests per page; {r['fetched_twice']} pages "
            f"fetched twice; WACZ {r['wacz_mb']:.1f} MB. `verify` said sound.",
            "",
            _index_line(r["index"]),  # type: ignore[arg-type]
            "",
            "| stage | wall s | CPU s | peak MB | disk MB |",
            "|---|---:|---:|---:|---:|",
            *(
                f"| {s.name} | {s.wall:.1f} | {s.cpu:.1f} | {s.peak_mb:.0f} | {s.disk_mb:.0f} |"
                for s in stages.values()
            ),
            "",
        ]
    if len(results) > 1:
        small, large = results[0], results[-1]
        lines += [
            f"Linearity: each stage's wall time per 1,000 activities at {small['activities']:,} "
            f"and {large['activities']:,} (a linear stage keeps its figure):",
            "",
            "| stage | small | large | ratio |",
            "|---|---:|---:|---:|",
        ]
        for name, s in small["stages"].items():  # type: ignore[attr-defined]
            big = large["stages"][name]  # type: ignore[index]
            a = s.wall / int(small["activities"]) * 1000  # type: ignore[call-overload]
            b = big.wall / int(large["activities"]) * 1000  # type: ignore[call-overload]
            lines.append(f"| {name} | {a:.2f} s | {b:.2f} s | {b / a:.2f} |")
    return "\n".join(lines)


def _index_line(i: dict[str, int]) -> str:
    reads = i["idx"] + i["block"] + i["record"]
    return (
        f"The WACZ's index: {i['lines']:,} lines in `index.cdx.gz` ({i['cdx_gz'] / 1e6:.1f} MB, "
        f"gzip blocks of 1,024 lines) and `index.idx` ({i['idx'] / 1e3:.0f} KB); a replay "
        f"tool finds a page by reading the idx, one block ({i['block'] / 1e3:.0f} KB at most) "
        f"and the record (median {i['record'] / 1e3:.1f} KB): {reads / 1e3:.0f} KB, not the "
        "whole index."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,30000", help="activities, comma-separated")
    parser.add_argument("--captures", type=int, default=3, choices=(1, 2, 3))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks.md")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = [rehearse(n, args.captures, args.seed) for n in sizes]
    text = report(results)
    print(text)
    if args.write:
        write_section("rehearsal", text)
        print("wrote docs/benchmarks.md")


if __name__ == "__main__":
    main()
