"""A map of Europe and its neighbours drawn on the server as SVG: activities per country
(shaded, each a link to its page) and per city where places are resolved (dots).

    europe_map({"RS": 120, "UA": 80}, names, cities=[("Belgrade", 44.8, 20.5, 40)])

The shapes are Natural Earth's (public domain), made once into `data/europe.json` by
`pipeline.web.mapdata`; nothing is fetched, no script runs, and colours are presentation
attributes, so the pages' Content-Security-Policy holds. Countries too small to see at
this size (Monaco, San Marino, Liechtenstein, Andorra, Malta) get a dot of their shade.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

SHAPES = Path(__file__).parent / "data" / "europe.json"
# Lambert azimuthal equal-area centred on 18°E 52°N, scaled so that Iceland, Morocco,
# Jordan, the Caspian and the North Cape fit WIDTH × HEIGHT px
LON0, LAT0 = math.radians(18.0), math.radians(52.0)
SCALE, LEFT, TOP = 1010.0, 0.47, 0.37
WIDTH, HEIGHT = 960, 760
FRAME = (0.0, 0.0, float(WIDTH), float(HEIGHT))
# Light to dark blue (ColorBrewer Blues, 6 classes); no activity: grey
SHADES = ("#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
NONE_SHADE = "#e3e3e3"
SMALL = 40.0  # px²: a country whose largest piece is smaller gets a dot as well
CITY = "#d95f02"


def project(lat: float, lon: float) -> tuple[float, float]:
    """(x, y) in the map's pixels of a point in degrees."""
    phi, lam = math.radians(lat), math.radians(lon)
    cos_c = math.sin(LAT0) * math.sin(phi) + math.cos(LAT0) * math.cos(phi) * math.cos(lam - LON0)
    k = math.sqrt(2 / max(1 + cos_c, 1e-9))
    x = k * math.cos(phi) * math.sin(lam - LON0)
    north = math.cos(LAT0) * math.sin(phi) - math.sin(LAT0) * math.cos(phi) * math.cos(lam - LON0)
    y = -k * north
    return ((x + LEFT) * SCALE, (y + TOP) * SCALE)


@cache
def shapes() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SHAPES.read_text(encoding="utf-8"))
    return data


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def shade(n: int, most: int) -> str:
    """A count's shade: classes on a log scale up to the largest count."""
    if n <= 0:
        return NONE_SHADE
    if most <= 1:
        return SHADES[-1]
    step = math.log(n) / math.log(most) * (len(SHADES) - 1)
    return SHADES[min(len(SHADES) - 1, round(step))]


def europe_map(
    counts: Mapping[str, int],
    names: Mapping[str, str],
    cities: Sequence[tuple[str, float, float, int]] = (),
    href: Callable[[str], str] = lambda code: f"/country/{code}",
    title: str = "Activities per country",
) -> str:
    """The map as an SVG element: each country with activities shaded and linked (its
    name and count as its title); `cities` (name, latitude, longitude, count) as dots
    sized by their count. Countries outside the frame are listed below it by the page."""
    data = shapes()
    most = max(counts.values(), default=0)
    out = [
        f'<svg class="map" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'role="group" aria-labelledby="map-title"><title id="map-title">{_e(title)}</title>',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
    ]
    dots = []
    for code, country in sorted(data["countries"].items()):
        n = counts.get(code, 0)
        fill = shade(n, most)
        path = f'<path d="{country["d"]}" fill="{fill}" stroke="#8a8a8a" stroke-width="0.5"'
        if not n:
            out.append(path + "/>")
            continue
        label = f"{names.get(code, country['name'])}: {n:,} activit{'y' if n == 1 else 'ies'}"
        out.append(f'<a href="{_e(href(code))}">{path}><title>{_e(label)}</title></path></a>')
        if country.get("small"):
            x, y = country["point"]
            dot = f'<circle cx="{x}" cy="{y}" r="4" fill="{fill}" stroke="#333">'
            dots.append(f'<a href="{_e(href(code))}">{dot}<title>{_e(label)}</title></circle></a>')
    out += dots
    out += _cities(cities)
    out.append(_legend(most))
    out.append("</svg>")
    return "".join(out)


def _cities(cities: Sequence[tuple[str, float, float, int]]) -> list[str]:
    most = max((n for *_, n in cities), default=0)
    out = []
    for name, lat, lon, n in sorted(cities, key=lambda c: -c[3]):  # small dots on top
        x, y = project(lat, lon)
        if not (0 <= x <= WIDTH and 0 <= y <= HEIGHT) or n <= 0:
            continue
        r = 2 + 8 * math.sqrt(n / most)
        label = f"{name}: {n:,} activit{'y' if n == 1 else 'ies'}"
        dot = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{CITY}" fill-opacity="0.7"'
        out.append(f'{dot} stroke="#fff"><title>{_e(label)}</title></circle>')
    return out


def _legend(most: int) -> str:
    if most <= 0:
        return ""
    out = [f'<g class="legend" transform="translate(12 {HEIGHT - 40})">']
    bounds = [round(math.exp(math.log(most) * i / (len(SHADES) - 1))) for i in range(len(SHADES))]
    for i, (colour, n) in enumerate(zip(SHADES, bounds, strict=True)):
        out.append(f'<rect x="{i * 52}" y="0" width="50" height="12" fill="{colour}"/>'
                   f'<text x="{i * 52}" y="26" font-size="11">{n:,}</text>')  # fmt: skip
    out.append('<text x="0" y="-4" font-size="11">activities (log scale)</text></g>')
    return "".join(out)


def activities_map(rows: Sequence[Mapping[str, Any]], names: Mapping[str, str], title: str) -> str:
    """The map of rows (country, city, latitude, longitude, n), as `MAP_SQL` gives them:
    activities per country where they took place, and per city where it is known; the
    countries the map cannot show are named below it."""
    counts: dict[str, int] = {}
    cities = []
    for r in rows:
        if r["country"]:
            counts[r["country"]] = counts.get(r["country"], 0) + r["n"]
        if r["city"] and r["latitude"] is not None:
            cities.append((r["city"], r["latitude"], r["longitude"], r["n"]))
    if not counts and not cities:
        return ""
    svg = europe_map(counts, names, cities, title=title)
    beyond = [f"{_e(names.get(c, c))} ({counts[c]:,})" for c in outside(counts)]
    return svg + (f'<p class="beyond">Beyond the map: {", ".join(beyond)}.</p>' if beyond else "")


def outside(counts: Mapping[str, int]) -> list[str]:
    """The codes counted that the map does not draw (beyond its frame, or no shape)."""
    return sorted(code for code, n in counts.items() if n and code not in shapes()["countries"])
