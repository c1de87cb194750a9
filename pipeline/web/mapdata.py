"""Makes `pipeline/web/data/europe.json`, the shapes of the web app's map, from Natural
Earth's countries as the `world-atlas` npm package ships them (TopoJSON, 1:50m):

    make map-data    # npm pack world-atlas, then: python -m pipeline.web.mapdata FILE

Each country within the map's frame (Europe and its neighbours) is projected (Lambert
azimuthal equal-area, centred on Europe), cut to the frame, simplified to what shows at
the map's size, and written as one SVG path, with a point to mark it by (the middle of
its largest piece's box: a dot for countries too small to see, such as Monaco). The web
app reads the result and needs nothing else; this is run once, when the shapes change.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import pycountry

from pipeline.web.maps import FRAME, HEIGHT, SHAPES, SMALL, WIDTH, project

Point = tuple[float, float]
Ring = list[Point]
TOLERANCE = 0.35  # px: finer detail does not show on a 960 px map
SOURCE = {
    "data": "Natural Earth 1:50m Admin 0 countries, version 4.1.0 (naturalearthdata.com)",
    "licence": "public domain (Natural Earth's terms of use)",
    "via": "world-atlas 2.0.2 (npm, ISC licence, Mike Bostock): the same shapes as TopoJSON",
}
NO_CODE = {"Kosovo": "XK", "N. Cyprus": "CY-NORTH"}  # Natural Earth gives them no ISO number


def _arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """The topology's arcs in degrees (longitude, latitude): delta-decoded, transformed."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    decoded = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        decoded.append(points)
    return decoded


def _ring(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> Ring:
    points: Ring = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc if not points else arc[1:])
    return [project(lat, lon) for lon, lat in points]


def _clip(ring: Ring) -> Ring:
    """Sutherland–Hodgman against the frame (a rectangle: every edge convex)."""
    x0, y0, x1, y1 = FRAME
    for axis, at, low in ((0, x0, True), (0, x1, False), (1, y0, True), (1, y1, False)):

        def inside(p: Point, axis: int = axis, at: float = at, low: bool = low) -> bool:
            return p[axis] >= at if low else p[axis] <= at

        out: Ring = []
        for i, p in enumerate(ring):
            q = ring[i - 1]
            if inside(p):
                if not inside(q):
                    out.append(_cross(q, p, axis, at))
                out.append(p)
            elif inside(q):
                out.append(_cross(q, p, axis, at))
        ring = out
        if not ring:
            break
    return ring


def _cross(q: Point, p: Point, axis: int, at: float) -> Point:
    t = (at - q[axis]) / (p[axis] - q[axis])
    return (q[0] + t * (p[0] - q[0]), q[1] + t * (p[1] - q[1]))


def _simplify(ring: Ring) -> Ring:
    """Douglas–Peucker (iterative) to TOLERANCE px."""
    if len(ring) < 4:
        return ring
    keep = [False] * len(ring)
    x0, y0 = ring[0]  # a ring starts where it ends: split it at its point farthest away
    pivot = max(range(len(ring)), key=lambda i: math.hypot(ring[i][0] - x0, ring[i][1] - y0))
    keep[0] = keep[pivot] = keep[-1] = True
    stack = [(0, pivot), (pivot, len(ring) - 1)]
    while stack:
        a, b = stack.pop()
        (ax, ay), (bx, by) = ring[a], ring[b]
        length = math.hypot(bx - ax, by - ay) or 1e-9
        far, at = 0.0, -1
        for i in range(a + 1, b):
            px, py = ring[i]
            d = abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length
            if d > far:
                far, at = d, i
        if far > TOLERANCE:
            keep[at] = True
            stack += [(a, at), (at, b)]
    return [p for p, k in zip(ring, keep, strict=True) if k]


def _area(ring: Ring) -> float:
    pairs = zip(ring, ring[1:] + ring[:1], strict=True)
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in pairs))


def _path(rings: list[Ring]) -> str:
    parts = []
    for ring in rings:
        points = [f"{x:.1f},{y:.1f}" for x, y in ring]
        points = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
        if len(points) >= 3:
            parts.append("M" + "L".join(points) + "Z")
    return "".join(parts)


def _code(geometry: dict[str, Any]) -> str | None:
    name = geometry["properties"]["name"]
    if name in NO_CODE:
        return NO_CODE[name]
    country = pycountry.countries.get(numeric=geometry.get("id", ""))
    return country.alpha_2 if country else None


def shapes(topology: dict[str, Any]) -> dict[str, Any]:
    """Every country of the frame: {code: {"name", "d" (SVG path), "point" [x, y]}}."""
    arcs = _arcs(topology)
    found: dict[str, Any] = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = {"Polygon": [geometry.get("arcs", [])], "MultiPolygon": geometry.get("arcs", [])}
        code = _code(geometry)
        if code is None or geometry["type"] not in polygons:
            continue
        rings = [_simplify(_clip(_ring(r, arcs))) for p in polygons[geometry["type"]] for r in p]
        rings = [r for r in rings if len(r) >= 3]
        if not rings:
            continue
        largest = max(rings, key=_area)
        xs, ys = [x for x, _ in largest], [y for _, y in largest]
        point = [round((min(xs) + max(xs)) / 2, 1), round((min(ys) + max(ys)) / 2, 1)]
        found[code] = {
            "name": geometry["properties"]["name"],
            "d": _path(rings),
            "point": point,
            "small": _area(largest) / 2 < SMALL,
        }
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m pipeline.web.mapdata countries-50m.json", file=sys.stderr)
        return 2
    topology = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    countries = shapes(topology)
    data = {"source": SOURCE, "width": WIDTH, "height": HEIGHT, "countries": countries}
    SHAPES.parent.mkdir(parents=True, exist_ok=True)
    SHAPES.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{SHAPES}: {len(countries)} countries, {SHAPES.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
