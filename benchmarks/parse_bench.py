"""Parsing speed: parse_activity vs a BeautifulSoup + lxml baseline vs the lexbor floor.

    python benchmarks/parse_bench.py [--pages 3000] [--baseline-pages 300] [--write]

Pages are synthetic, in the fixture site's markup (pipeline.fixtures.synth, seed 1).
The floor is the time selectolax alone takes to build the trees from the same bytes,
measured two ways:

- each tree dropped before the next is built (`LexborHTMLParser(page)` in a loop). Here
  glibc gives the freed tree's memory back to the system and faults it in again for the
  next page: most of this figure is that, not lexbor;
- steady state: each tree kept until the next one is built, so memory is reused. This is
  what building a tree costs inside `parse_activity`, whose other allocations keep the
  memory in use (the stage table shows the same figure there).

Each figure is the best of --repeat runs. --write records the tables in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from selectolax.lexbor import LexborHTMLParser

from benchmarks.bs4_baseline import parse_activity_bs4
from benchmarks.common import machine, write_section
from parsers import dom, parse_activity, parse_logframe
from parsers.activity import record_from_rows
from parsers.activity.sections import LABEL_KEYS
from parsers.encoding import decode_html
from parsers.rows import page_rows
from pipeline.fixtures.logframes import render_logframe, synthetic_logframes
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


def steady_rate(fn: Callable[[bytes, str], object], pages: list[Page], repeat: int) -> float:
    """Pages a second of `fn`, each result (a tree) kept until the next one exists."""
    best = float("inf")
    for _ in range(repeat):
        kept = None
        started = time.perf_counter()
        for body, ctype in pages:
            kept = fn(body, ctype)
        best = min(best, time.perf_counter() - started)
        del kept
    return len(pages) / best


def label_texts_only(body: bytes, ctype: str) -> tuple[LexborHTMLParser, dict[str, str]]:
    """The least a Python parser over lexbor does: decode, build the tree, and map each
    row's first text to the rest, with no marking, sections, cleaning or field reading.
    The tree is returned so that the timing loop keeps it, as the steady floor does."""
    tree = LexborHTMLParser(decode_html(body, ctype).text)
    found: dict[str, str] = {}
    for tr in tree.css("tr"):
        parts = tr.text(deep=True, separator="\t", strip=True).split("\t", 1)
        if len(parts) == 2:
            found[parts[0]] = parts[1]
    return tree, found


STAGES = ("decode", "mark", "tree", "rows", "walk and fields")


def stage_times(pages: list[Page], repeat: int) -> list[float]:
    """Mean µs per page of each step `parse_activity` takes, timed inside one run."""
    clock = time.perf_counter_ns
    totals = [0] * len(STAGES)
    for _ in range(repeat):
        for body, ctype in pages:
            t0 = clock()
            decoded = decode_html(body, ctype)
            t1 = clock()
            marked = dom.mark(decoded.text)
            t2 = clock()
            tree = LexborHTMLParser(marked)
            t3 = clock()
            rows = page_rows(tree, LABEL_KEYS)
            t4 = clock()
            record_from_rows(rows, None, decoded, partial(dom.page_text, tree))
            t5 = clock()
            for i, (a, b) in enumerate(
                zip((t0, t1, t2, t3, t4), (t1, t2, t3, t4, t5), strict=True)
            ):
                totals[i] += b - a
    return [t / (repeat * len(pages)) / 1000 for t in totals]


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
    dropped = pages_per_second(lambda b, _c: LexborHTMLParser(b), pages, args.repeat)
    steady = steady_rate(lambda b, _c: LexborHTMLParser(b), pages, args.repeat)
    ours = pages_per_second(lambda b, c: parse_activity(b, None, c), pages, args.repeat)
    least = steady_rate(label_texts_only, pages, args.repeat)
    base = pages_per_second(
        lambda b, c: parse_activity_bs4(b, None, c), pages[: args.baseline_pages], args.repeat
    )
    stages = stage_times(pages, args.repeat)
    logframes = [(render_logframe(s), "text/html") for s in synthetic_logframes(300, seed=1)]
    lf_size = sum(len(b) for b, _ in logframes) / len(logframes)
    lf_rate = pages_per_second(lambda b, c: parse_logframe(b, None, c), logframes, args.repeat)

    def line(what: str, rate: float) -> str:
        return f"| {what} | {rate:,.0f} | {1000 / rate:.3f} | {rate / ours:.2f}× |"

    stage_lines = "\n".join(
        f"| {name} | {us:.0f} |" for name, us in zip(STAGES, stages, strict=True)
    )
    table = f"""## Parsing (`benchmarks/parse_bench.py`)

{args.pages} synthetic pages (mean {size / 1024:.1f} KiB), best of {args.repeat};
baseline on the first {args.baseline_pages}. Machine: {machine()}.

| what | pages/s | ms/page | vs parse_activity |
|---|---:|---:|---:|
{line("lexbor tree only, steady state (the floor)", steady)}
{line("lexbor tree only, each dropped before the next", dropped)}
{line("each row's label → text, no field logic (Python's least)", least)}
{line("`parse_activity` (selectolax/lexbor)", ours)}
{line("BeautifulSoup + lxml baseline", base)}

Logframe pages (`parse_logframe`, 300 synthetic logframes of the fixture site's three
markups, mean {lf_size / 1024:.1f} KiB): {lf_rate:,.0f} pages/s, {1000 / lf_rate:.3f} ms a page.

Targets: ≥ 15× the baseline (measured {ours / base:.1f}×); ≥ 1/3 of the floor's pages/s
(measured {ours / steady:.2f} of the steady-state floor, {ours / dropped:.2f} of the
drop-each-tree loop).

The two floors differ by memory, not by lexbor: a tree dropped before the next is built
hands its memory back to the system, and the next tree faults it in again. Kept one
tree longer, lexbor builds a page in {1000 / steady * 1000:.0f} µs, and that is what it
costs inside `parse_activity` too (the `tree` stage below), so the steady-state figure
is the floor our parser is held to. To check: with glibc's trimming off
(`MALLOC_TRIM_THRESHOLD_=100000000 MALLOC_MMAP_THRESHOLD_=100000000`) the drop-each loop
runs as fast as the steady one, and `parse_activity` runs no faster than without.

A third of the steady floor is {1000 / steady * 3000:.0f} µs a page. The least a Python
parser over lexbor can do (decode, build the tree, one query, each row's text split at its
first cell) takes {1000 / least * 1000:.0f} µs of it, before any of the work the issue
asks for: sections, line and paragraph structure, nested tables, labels in other markup,
and 48 fields read, typed and checked.

Where `parse_activity`'s time goes (µs a page, timed inside one run):

| stage | µs |
|---|---:|
{stage_lines}
"""
    print(table)
    if args.write:
        write_section("parse", table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
