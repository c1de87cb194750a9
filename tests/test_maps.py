"""The web app's map: Natural Earth's shapes as shipped (source and licence said), every
country the Council of Europe's programmes served drawn, cities placed inside their
country's shape, shades by count, and what the frame cannot show named below it."""

from __future__ import annotations

import re

import pytest

from pipeline.web import maps

# the Council of Europe's 46 member states, and the neighbours its joint programmes served
MEMBERS = [
    "AD",
    "AL",
    "AM",
    "AT",
    "AZ",
    "BA",
    "BE",
    "BG",
    "CH",
    "CY",
    "CZ",
    "DE",
    "DK",
    "EE",
    "ES",
    "FI",
    "FR",
    "GB",
    "GE",
    "GR",
    "HR",
    "HU",
    "IE",
    "IS",
    "IT",
    "LI",
    "LT",
    "LU",
    "LV",
    "MC",
    "MD",
    "ME",
    "MK",
    "MT",
    "NL",
    "NO",
    "PL",
    "PT",
    "RO",
    "RS",
    "SE",
    "SI",
    "SK",
    "SM",
    "TR",
    "UA",
]
NEIGHBOURS = ["BY", "KZ", "MA", "TN", "JO", "IL", "LB", "PS", "XK", "RU"]


def rings(d: str) -> list[list[tuple[float, float]]]:
    return [
        [tuple(float(v) for v in point.split(",")) for point in ring.split("L")]  # type: ignore[misc]
        for ring in re.findall(r"M([^MZ]+)Z", d)
    ]


def inside(x: float, y: float, ring: list[tuple[float, float]]) -> bool:
    """Even-odd rule."""
    hit = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            hit = not hit
    return hit


def test_the_shapes_say_where_they_come_from_and_hold_every_country_served() -> None:
    data = maps.shapes()
    assert (
        "Natural Earth" in data["source"]["data"] and "public domain" in data["source"]["licence"]
    )
    assert set(MEMBERS + NEIGHBOURS) <= set(data["countries"])
    small = {c for c, shape in data["countries"].items() if shape["small"]}
    assert {"MC", "SM", "LI", "AD", "MT"} <= small and not small & {"FR", "RS", "UA"}


@pytest.mark.parametrize(("code", "lat", "lon"), [
    ("RS", 44.82, 20.46), ("UA", 50.45, 30.52), ("FR", 48.58, 7.75), ("GE", 41.72, 44.79),
    ("MD", 47.01, 28.86), ("TR", 39.93, 32.86), ("IS", 64.15, -21.94), ("MA", 34.02, -6.84),
    ("AZ", 40.41, 49.87), ("NO", 59.91, 10.75), ("JO", 31.95, 35.93),
])  # fmt: skip
def test_a_city_falls_inside_its_countrys_shape(code: str, lat: float, lon: float) -> None:
    """The pages project cities as the shapes were projected (one projection)."""
    x, y = maps.project(lat, lon)
    assert 0 <= x <= maps.WIDTH and 0 <= y <= maps.HEIGHT
    assert any(inside(x, y, ring) for ring in rings(maps.shapes()["countries"][code]["d"]))


def test_the_map_shades_links_and_names_each_country_and_city() -> None:
    counts = {c: round(1.2**i) for i, c in enumerate(MEMBERS)} | {"KG": 3}  # 1 to 3,657
    names = {"RS": "Serbia", "KG": "Kyrgyzstan"}
    rows: list[dict[str, object]] = [{"country": c, "city": None, "latitude": None, "longitude": None, "n": n}
            for c, n in counts.items()]  # fmt: skip
    rows.append(
        {"country": "RS", "city": "Belgrade", "latitude": 44.82, "longitude": 20.46, "n": 7}
    )
    svg = maps.activities_map(rows, names, "Where")
    assert svg.startswith('<svg class="map"') and "<script" not in svg and "style=" not in svg
    assert svg.count('<a href="/country/') == len(MEMBERS) + 5  # and a dot for each tiny one
    serbia = round(1.2 ** MEMBERS.index("RS")) + 7
    assert f"<title>Serbia: {serbia:,} activities</title>" in svg
    assert "<title>Belgrade: 7 activities</title>" in svg
    assert "Beyond the map: Kyrgyzstan (3)." in svg  # Central Asia is past the frame
    fills = set(re.findall(r'<a href="/country/[A-Z]+"><path d="[^"]+" fill="(#[0-9a-f]+)"', svg))
    assert fills == set(maps.SHADES)  # 46 counts over the six shades


@pytest.mark.parametrize(("n", "most", "shade"), [
    (0, 100, maps.NONE_SHADE), (1, 1, maps.SHADES[-1]), (1, 10_000, maps.SHADES[0]),
    (10_000, 10_000, maps.SHADES[-1]), (100, 10_000, maps.SHADES[2]),
])  # fmt: skip
def test_shades_grow_on_a_log_scale(n: int, most: int, shade: str) -> None:
    assert maps.shade(n, most) == shade


def test_nothing_to_map_is_no_map() -> None:
    assert maps.activities_map([], {}, "Where") == ""
