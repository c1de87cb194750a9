"""Parsing speed: parse_activity vs a BeautifulSoup + lxml baseline vs the lexbor floor.

    python benchmarks/parse_bench.py [--pages 3000] [--baseline-pages 300] [--write]

Pages are synthetic, in the fixture site's markup (pipeline.fixtures.synth, seed 1).
The floor is the time selectolax alone takes to build the trees from the same bytes.
Each figure is the best of --repeat runs. --write records the table in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from selectolax.lexbor import LexborHTMLParser

from benchmarks.bs4_baseline import parse_activity_bs4
from benchmarks.common import machine, write_section
from parsers import parse_activity
from pipeline.fixtures.render import content_type, render_activity
from pipeline.fixtures.synth import synthetic_specs

Page = tuple[bytes, str]


def pages_per_second(fn: Callable[[bytes, str], object], pages: list[Page], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for body, ctype in pages:
            fn(body, ctype)
        best = min(best, time.perf_counter() - started)
    return len(pages) / best


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=3000)
    parser.add_argument("--baseline-pages", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--write", action="store_true", help="record the results in docs/benchmarks.md"
    )
    args = parser.parse_args()
    pages = [
        (render_activity(s), content_type(s.style)) for s in synthetic_specs(args.pages, seed=1)
    ]
    size = sum(len(b) for b, _ in pages) / len(pages)
    floor = pages_per_second(lambda b, _c: LexborHTMLParser(b), pages, args.repeat)
    ours = pages_per_second(lambda b, c: parse_activity(b, None, c), pages, args.repeat)
    base = pages_per_second(
        lambda b, c: parse_activity_bs4(b, None, c), pages[: args.baseline_pages], args.repeat
    )
    table = f"""## Parsing (`benchmarks/parse_bench.py`)

{args.pages} synthetic pages (mean {size / 1024:.1f} KiB), best of {args.repeat};
baseline on the first {args.baseline_pages}. Machine: {machine()}.

| what | pages/s | ms/page | vs parse_activity |
|---|---:|---:|---:|
| lexbor tree only (the floor) | {floor:,.0f} | {1000 / floor:.3f} | {floor / ours:.2f}× |
| `parse_activity` (selectolax/lexbor) | {ours:,.0f} | {1000 / ours:.3f} | 1.00× |
| BeautifulSoup + lxml baseline | {base:,.0f} | {1000 / base:.3f} | {base / ours:.3f}× |

Targets: ≥ 15× the baseline (measured {ours / base:.1f}×); ≥ 1/3 of the floor's pages/s
(measured {ours / floor:.2f} of the floor).
"""
    print(table)
    if args.write:
        write_section("parse", table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
