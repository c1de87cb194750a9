"""Hostile pages: parse time and peak memory of the shapes that once grew with the square
of a page, at two sizes each, so that linear growth shows (twice the page, twice the
time).

    python benchmarks/hostile_bench.py [--scale 1.0] [--repeat 3] [--write]

`--scale` shrinks every size (the tests run it at 0.02); `--write` puts the table in
docs/benchmarks.md. Times are the best of `--repeat` runs; memory is tracemalloc's peak
during one parse.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import machine, write_section
from parsers import NotALogframe, NotAnActivity, parse_activity, parse_logframe

HEAD = b"<table><tr><td>Title</td><td>x</td></tr><tr><td>Status</td><td>y</td></tr></table>"


def chain(open_tag: bytes, close_tag: bytes, depth: int) -> Callable[[int], bytes]:
    return lambda n: HEAD + (open_tag * depth + close_tag * depth) * max(1, n // depth)


# The pages issue 13 found quadratic, at its sizes: name → (page, what it measured then).
ISSUE_PAGES: dict[str, tuple[bytes, str]] = {
    "16k nested <div>": (HEAD + b"<div>" * 16_000 + b"x" + b"</div>" * 16_000, "48 s"),
    "100k nested <div>": (HEAD + b"<div>" * 100_000, "never finished"),
    "16k unclosed <script>": (HEAD + b"<script>" * 16_000, "21 s"),
    '50k `<td a="` left open': (b"<table><tr>" + b'<td a="' * 50_000, "> 10 s"),
}

# Shapes within the limits, so parsed: name → (page of size n, the larger n).
SHAPES: dict[str, tuple[Callable[[int], bytes], int]] = {
    "unclosed <script>": (lambda n: HEAD + b"<script>" * n, 16_000),
    '`<td a="` left open': (lambda n: b"<table><tr>" + b'<td a="' * n, 16_000),
    "lists 45 deep, repeated": (chain(b"<ul><li>Title: x", b"</li></ul>", 45), 4_000),
    "tables 24 deep, repeated": (
        chain(b"<table><tr><td>Title</td><td>", b"</td></tr></table>", 24),
        2_000,
    ),
    "labelled tables 12 deep, repeated": (
        chain(b"<table><tr><td>Description</td><td>", b"</td></tr></table>", 12),
        2_000,
    ),
    "rows of two pairs": (
        lambda n: b"<table>" + b"<tr><td>Title</td><td>x</td><td>Status</td><td>y</td></tr>" * n,
        1_800,
    ),
    "contact: one long word": (
        lambda n: b"<table><tr><td>Contact</td><td>" + b"1." * n,
        500_000,
    ),
}


LF_HEAD = (
    b"<table><tr><td>(Joint Programmes)</td></tr><tr><td>X-1&nbsp;&nbsp; A title</td></tr>"
    b"<tr><td>Coordinating DG:</td><td>DG I</td></tr></table><table>"
)
# Logframe pages, parsed by `parse_logframe`: name → (page of size n, the larger n).
LOGFRAME_SHAPES: dict[str, tuple[Callable[[int], bytes], int]] = {
    "logframe: purpose rows": (
        lambda n: (
            LF_HEAD + b"<tr><td>Project Purpose 1 2010/DG I/JP/1 T 1 000</td><td>i</td>"
            b"<td>s</td><td>a</td></tr>" * n
        ),
        1_800,
    ),
    "logframe: result lines in one cell": (
        lambda n: LF_HEAD + b"<tr><td>" + b"Expected Result 1.1 x (1 Activity)<br>" * n,
        16_000,
    ),
    "logframe: documents labels, linked": (
        lambda n: LF_HEAD + b"<tr><td>Documents/Links: http://a.b/c</td></tr>" * n,
        4_000,
    ),
    "logframe: a title of digit groups": (
        lambda n: LF_HEAD + b"<tr><td>Project Purpose 1 2010/DG I/JP/1 " + b"123 " * n,
        200_000,
    ),
    "logframe: text rendering, cells apart": (
        lambda n: (
            b"(Joint Programmes)\nX   T\nCoordinating DG:\nDG I\nOverall Objectives\n"
            + b"line\n \n" * n
        ),
        100_000,
    ),
}


def measure(
    page: bytes, repeat: int, parse: Callable[[bytes], object] = parse_activity
) -> tuple[float, float, str]:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        parsed = parse(page)
        best = min(best, time.perf_counter() - started)
    tracemalloc.start()
    parse(page)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    if not isinstance(parsed, NotAnActivity | NotALogframe):
        return best, peak, "parsed"
    return (
        best,
        peak,
        "refused: " + parsed.reason if parsed.over_limits else "parsed (not its kind)",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    issue = [
        "| page | size | time | peak memory | before | outcome |",
        "|---|---:|---:|---:|---|---|",
    ]
    for name, (page, before) in ISSUE_PAGES.items():
        took, peak, outcome = measure(page, args.repeat)
        issue.append(f"| {name} | {len(page) / 1024:,.0f} KB | {took * 1000:,.1f} ms | "
                     f"{peak / 1e6:.1f} MB | {before} | {outcome[:70]} |")  # fmt: skip
        print(issue[-1], flush=True)
    rows = [
        "| shape | n | page | time | per KB | peak memory | outcome |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    shapes: list[tuple[str, Callable[[int], bytes], int, Callable[[bytes], object]]]
    shapes = [(name, make, size, parse_activity) for name, (make, size) in SHAPES.items()]
    shapes += [(n, make, size, parse_logframe) for n, (make, size) in LOGFRAME_SHAPES.items()]
    for name, make, size, parse in shapes:
        for n in (max(2, int(size * args.scale / 2)), max(4, int(size * args.scale))):
            page = make(n)
            took, peak, outcome = measure(page, args.repeat, parse)
            kb = len(page) / 1024
            rows.append(
                f"| {name} | {n:,} | {kb:,.0f} KB | {took * 1000:,.1f} ms | "
                f"{took * 1e6 / kb:,.1f} µs | {peak / 1e6:.1f} MB | {outcome[:40]} |"
            )
            print(rows[-1], flush=True)
    body = "\n".join(
        [
            "## Hostile pages (`benchmarks/hostile_bench.py`)",
            "",
            f"{machine()}. Each shape at half and at full size: time should double, not",
            'quadruple. "before" is what issue 13 measured with the earlier parser. The',
            '"logframe:" shapes go through `parse_logframe`, the others `parse_activity`.',
            "Pages past `parsers/limits.py` (4 MiB, 20,000 tags, 100 deep) are refused",
            "unread, which is what keeps the worst case bounded.",
            "",
            *rows,
        ]
    )
    if args.write:
        write_section("hostile", body)
        print("wrote docs/benchmarks.md")


if __name__ == "__main__":
    main()
