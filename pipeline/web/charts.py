"""Charts drawn on the server as SVG: nothing fetched, no script, readable without CSS.

Colours are presentation attributes (not `style`), so the pages' Content-Security-Policy
needs no inline styles.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Mapping
from datetime import date

# Eighteen distinguishable colours (Tableau 20 without its two greys, which read as
# "others"): a programme's is chosen by its name, so that it keeps it from page to page
# (`colours` says when it cannot)
PALETTE = (
    "#1f77b4", "#aec7e8", "#ff7f0e", "#ffbb78", "#2ca02c", "#98df8a", "#d62728", "#ff9896",
    "#9467bd", "#c5b0d5", "#8c564b", "#c49c94", "#e377c2", "#f7b6d2", "#bcbd22", "#dbdb8d",
    "#17becf", "#9edae5",
)  # fmt: skip
OTHERS = "others"
OTHERS_COLOUR = "#d9d9d9"
TOP_SERIES = 10  # series a chart names; the rest are one "others" band
MAX_LANES = 120  # rows a timeline draws at most
MAX_BARS = 300  # activities a timeline draws one by one; more: how many started each month


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def colour(name: str) -> str:
    """A series' colour, the same on every page: from its name, not its rank."""
    if name == OTHERS:
        return OTHERS_COLOUR
    return PALETTE[int(hashlib.sha1(name.encode()).hexdigest(), 16) % len(PALETTE)]


def colours(series: list[str]) -> dict[str, str]:
    """A colour each, no two alike: each series its own (`colour`), biggest first (the
    order given), unless one before it in this chart has it; then the next one free.
    180 programmes share eighteen colours, so two of a chart's ten may get the same
    by their names (in a real country's chart three were), and bars must be told apart."""
    taken: set[str] = {OTHERS_COLOUR}
    found: dict[str, str] = {}
    for name in series:
        if name == OTHERS:
            found[name] = OTHERS_COLOUR
            continue
        first = PALETTE.index(colour(name))
        ring = [PALETTE[(first + k) % len(PALETTE)] for k in range(len(PALETTE))]
        free = next((c for c in ring if c not in taken), ring[0])  # 20 taken: share
        found[name] = free
        taken.add(free)
    return found


def _top(counts: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, int]]:
    """The counts with every series past the TOP_SERIES largest in one "others", and
    every year between the first and the last (a year with none is a zero)."""
    totals: dict[str, int] = {}
    for by in counts.values():
        for name, n in by.items():
            totals[name] = totals.get(name, 0) + n
    kept = set(sorted(totals, key=lambda k: (-totals[k], k))[:TOP_SERIES])
    years = [int(y) for y in counts if str(y).isdigit()]
    span = [str(y) for y in range(min(years), max(years) + 1)] if years else list(counts)
    out: dict[str, dict[str, int]] = {y: {} for y in span}
    for year, by in counts.items():
        row = out.setdefault(year, {})
        for name, n in by.items():
            key = name if name in kept else OTHERS
            row[key] = row.get(key, 0) + n
    return out


def stacked_bars(counts: Mapping[str, Mapping[str, int]], title: str) -> str:
    """Bars per year (the outer keys), stacked by series (the inner keys), with a legend.

    >>> "<rect" in stacked_bars({"2007": {"PACO-Serbia": 3}}, "Activities per year")
    True
    """
    counts = _top(counts)
    years = sorted(counts)
    series = sorted({s for by in counts.values() for s in by}, key=lambda s: (s == OTHERS, s))
    if not years:
        return f'<svg role="img" aria-label="{_e(title)}" width="10" height="10"></svg>'
    total = {s: sum(by.get(s, 0) for by in counts.values()) for s in series}
    fill = colours(sorted(series, key=lambda s: (-total[s], s)))
    top = max((sum(by.values()) for by in counts.values()), default=0) or 1
    bar, gap, height, left, bottom = 28, 8, 180, 36, 24
    width = left + len(years) * (bar + gap) + 10
    legend_y = height + bottom + 16
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{_e(title)}" '
        f'width="{max(width, 320)}" height="{legend_y + 18 * len(series)}" class="chart">',
        f"<title>{_e(title)}</title>",
        f'<line x1="{left}" y1="{height}" x2="{width}" y2="{height}" stroke="#555"/>',
        f'<text x="{left - 6}" y="12" text-anchor="end" font-size="11">{top}</text>',
        f'<text x="{left - 6}" y="{height}" text-anchor="end" font-size="11">0</text>',
    ]
    for i, year in enumerate(years):
        x, y = left + i * (bar + gap) + gap, float(height)
        for name in series:
            n = counts[year].get(name, 0)
            if not n:
                continue
            h = n / top * (height - 14)
            y -= h
            out.append(
                f'<rect x="{x}" y="{y:.1f}" width="{bar}" height="{h:.1f}" '
                f'fill="{fill[name]}"><title>{_e(year)}, {_e(name)}: {n}</title></rect>'
            )
        out.append(
            f'<text x="{x + bar / 2}" y="{height + 16}" text-anchor="middle" '
            f'font-size="11">{_e(year)}</text>'
        )
    for j, name in enumerate(series):
        y = legend_y + 18 * j
        out.append(
            f'<rect x="{left}" y="{y - 10}" width="12" height="12" fill="{fill[name]}"/>'
            f'<text x="{left + 18}" y="{y}" font-size="12">{_e(name)}</text>'
        )
    out.append("</svg>")
    return "\n".join(out)


def timeline(spans: list[tuple[str, date, date | None]], title: str) -> str:
    """One bar per activity, from its start to its end, on a shared time axis; past
    MAX_BARS activities, how many started each month (4,000 bars, each with its title,
    made a programme's page 650 KB)."""
    bars = [(label, start, end or start) for label, start, end in spans if start]
    if not bars:
        return ""
    if len(bars) > MAX_BARS:
        return per_month([start for _, start, _ in bars], title)
    first = min(s for _, s, _ in bars)
    last = max(e for _, _, e in bars)
    days = max((last - first).days, 1)
    left, width, row = 8, 720, 10
    lanes = _lanes(bars)
    height = row * (max(lanes, default=0) + 1) + 30
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{_e(title)}" '
        f'width="{left * 2 + width}" height="{height}" class="chart"><title>{_e(title)}</title>'
    ]
    for i, (label, start, end) in zip(lanes, bars, strict=True):
        x = left + (start - first).days / days * width
        w = max((end - start).days / days * width, 3)
        out.append(
            f'<rect x="{x:.1f}" y="{i * row}" width="{w:.1f}" height="{row - 2}" '
            f'fill="{PALETTE[0]}"><title>{_e(label)}: {start} to {end}</title></rect>'
        )
    axis = height - 8
    out.append(f'<text x="{left}" y="{axis}" font-size="11">{first}</text>')
    out.append(
        f'<text x="{left + width}" y="{axis}" font-size="11" text-anchor="end">{last}</text>'
    )
    out.append("</svg>")
    return "\n".join(out)


def per_month(starts: list[date], title: str) -> str:
    """Activities started per month, every month from the first to the last (none: 0)."""
    counts: dict[tuple[int, int], int] = {}
    for d in starts:
        counts[(d.year, d.month)] = counts.get((d.year, d.month), 0) + 1
    (y, m), last = min(counts), max(counts)
    months = []
    while (y, m) <= last:
        months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    left, width, height = 36, 720, 140
    step, top = width / len(months), max(counts.values())
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{_e(title)}" '
        f'width="{left + width + 8}" height="{height + 24}" class="chart">'
        f"<title>{_e(title)}: activities started per month</title>",
        f'<text x="{left - 4}" y="10" text-anchor="end" font-size="11">{top}</text>',
    ]
    for i, (year, month) in enumerate(months):
        n = counts.get((year, month), 0)
        if n:
            h, x, w = n / top * (height - 10), left + i * step, max(step - 1, 1)
            out.append(
                f'<rect x="{x:.1f}" y="{height - h:.1f}" width="{w:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[0]}"><title>{year}-{month:02d}: {n}</title></rect>'
            )
        if month == 1 or i == 0:
            out.append(
                f'<text x="{left + i * step:.1f}" y="{height + 16}" font-size="10">{year}</text>'
            )
    out.append("</svg>")
    return "\n".join(out)


def _lanes(bars: list[tuple[str, date, date]]) -> list[int]:
    """A row for each bar: the first row free by its start (bars that do not overlap
    share one), so a programme of 4,000 activities is as tall as its busiest time, and
    never more than MAX_LANES rows (the rest drawn over the last)."""
    ends: list[date] = []
    found = []
    for _, start, end in bars:
        lane = next((i for i, e in enumerate(ends) if e < start), None)
        if lane is None:
            lane = min(len(ends), MAX_LANES - 1)
            if lane == len(ends):
                ends.append(end)
        ends[lane] = max(ends[lane], end) if lane < len(ends) else end
        found.append(lane)
    return found
