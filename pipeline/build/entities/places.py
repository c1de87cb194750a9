"""Where an activity took place, from its Location row, as a place with an identity.

"Belgrade, Serbia" is the GeoNames city Belgrade in Serbia; "Kiev, Ukraine" is Kyiv (by
GeoNames' alternate names); "Strasbourg, Council of Europe" is Strasbourg in France,
the Council's seat; "Serbia" alone is the country; "Several locations, Turkey" is a
place of its own (`several:TR`); "Not applicable, Others" is `not-applicable`. The
country the page names is a constraint, never a hint: a city not found in that
country is no place (and a parse issue), not a namesake elsewhere.

    >>> resolve_place("Kiev, Ukraine", "Kiev", "UA")[0].name
    'Kyiv'
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.build.entities import data
from pipeline.build.entities.names import fold

_SEAT = "FR"  # the Council of Europe's seat, Strasbourg


@dataclass(frozen=True, slots=True)
class Place:
    place_id: str  # "geonames:792680", "several:TR", "not-applicable"
    name: str
    country_code: str | None
    latitude: float | None
    longitude: float | None
    kind: str  # city, country, several, not applicable


def resolve_place(
    location: str | None, city: str | None, country_code: str | None
) -> tuple[Place | None, str | None]:
    """(the place, None) or (None, why not: a parse issue's message; None when the
    page gave no location)."""
    folded = fold(location or "")
    if not folded:
        return None, None
    if folded.startswith("not applicable"):
        return Place("not-applicable", "Not applicable", None, None, None, "not applicable"), None
    if country_code is None and "council of europe" in folded:
        country_code = _SEAT
    country = data.countries().get(country_code or "")
    if folded.startswith("several locations"):
        code = country_code or "?"
        name = f"Several locations, {country.name}" if country else "Several locations"
        return Place(f"several:{code}", name, country_code, None, None, "several"), None
    if city and not fold(city).startswith(("several", "various")):
        if country is None:
            return None, f"no country named to find {city!r} in"
        found = data.find_city(country_code or "", city)
        if found is None:
            return None, f"no place named {city!r} in {country.name} in the gazetteer"
        return Place(f"geonames:{found.geonameid}", found.name, country_code,
                     found.latitude, found.longitude, "city"), None  # fmt: skip
    if country is not None:
        return Place(f"geonames:{country.geonameid}", country.name, country_code,
                     None, None, "country"), None  # fmt: skip
    return None, f"no place found for {location!r}"
