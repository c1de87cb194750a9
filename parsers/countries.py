"""Country names as the site wrote them, to ISO 3166-1 alpha-2 codes.

The site's names are the Council of Europe's of the day: `''the former Yugoslav Republic
of Macedonia''` (MK), `Kosovo*` (XK, a user-assigned code), `Serbia and Montenegro` (CS,
the transitionally reserved code). Everything else goes through pycountry's names.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pycountry

# Names pycountry does not know, or knows under another form. Keys are `name_key()` forms.
ALIASES: dict[str, str] = {
    "kosovo": "XK",
    "serbia and montenegro": "CS",
    "the former yugoslav republic of macedonia": "MK",
    "former yugoslav republic of macedonia": "MK",
    "fyrom": "MK",
    "north macedonia": "MK",
    "macedonia": "MK",
    "moldova": "MD",
    "republic of moldova": "MD",
    "russia": "RU",
    "russian federation": "RU",
    "turkey": "TR",
    "türkiye": "TR",
    "united kingdom": "GB",
    "uk": "GB",
    "czech republic": "CZ",
    "slovak republic": "SK",
    "bosnia and herzegovina": "BA",
    "bosnia-herzegovina": "BA",
    "holy see": "VA",
    "kosovo (unscr 1244)": "XK",
    "unmik/kosovo": "XK",
    "unmik kosovo": "XK",
    "great britain": "GB",
    "holland": "NL",
    "palestinian national authority": "PS",
    "palestinian authority": "PS",
    "palestine": "PS",
    "vatican": "VA",
    "vatican city": "VA",
    "cape verde": "CV",
    "korea": "KR",
    "south korea": "KR",
    "republic of korea": "KR",
    "luxemburg": "LU",
    # Until 2003, before Serbia and Montenegro (CS); YU, like CS, is no longer assigned.
    "yugoslavia": "YU",
    "federal republic of yugoslavia": "YU",
}

# "CoE Members: Albania / Croatia": a line of the Countries row, its group before the colon.
GROUP_PREFIX = re.compile(r"^([^:/]{2,40}):\s*(.*)")

# Group prefixes on the Countries row, and values that are groupings, not countries.
NON_COUNTRIES = frozenset(
    {
        "multilateral",
        "bilateral",
        "council of europe",
        "others",
        "other",
        "european union",
        "south-east europe",
        "south-eastern europe",
        "south caucasus",
        "eastern partnership",
        "western balkans",
        "not applicable",
        "several locations",
        "various locations",
        "several cities",
        "various",
        "online",
        "on-line",
        "videoconference",
        "video conference",
        "virtual",
        "webinar",
        "tbc",
        "tbd",
        "to be confirmed",
        "to be determined",
    }
)

_IN_BRACKETS = re.compile(r"^(.*?)\s*\(([^()]+)\)\s*$")
_QUOTES = re.compile(r"''|[\"“”‘’'*]")


def name_key(name: str) -> str:
    """A lookup form: no quotes, footnote stars or case; "&" read as "and".

    >>> name_key("''the former Yugoslav Republic of Macedonia''"), name_key("Bosnia & Herzegovina")
    ('the former yugoslav republic of macedonia', 'bosnia and herzegovina')
    """
    return " ".join(_QUOTES.sub(" ", name).replace("&", " and ").split()).lower()


@lru_cache(maxsize=4096)
def country_code(name: str) -> str | None:
    """ISO 3166-1 alpha-2 code for a name as written on the site, or None.

    >>> country_code("Kosovo*"), country_code("Serbia"), country_code("Multilateral")
    ('XK', 'RS', None)
    """
    key = name_key(name)
    if not key or key in NON_COUNTRIES:
        return None
    if key in ALIASES:
        return ALIASES[key]
    for candidate in (key, key[4:] if key.startswith("the ") else None):  # "The Netherlands"
        if candidate:
            try:
                return str(pycountry.countries.lookup(candidate).alpha_2)
            except LookupError:
                pass
    return None


# English names for the codes pycountry does not have, or names otherwise.
NAMES = {"XK": "Kosovo", "CS": "Serbia and Montenegro", "YU": "Yugoslavia"}


def english_name(code: str) -> str | None:
    """The English short name of an ISO 3166-1 alpha-2 code (XK and CS included).

    >>> english_name("RS"), english_name("XK")
    ('Serbia', 'Kosovo')
    """
    if code in NAMES:
        return NAMES[code]
    found = pycountry.countries.get(alpha_2=code)
    return str(found.name) if found else None


_CITY_DASH_COUNTRY = re.compile(r"^(.+?)\s*(?:\s[-–]\s|/)\s*(.+)$")


def split_location(text: str) -> tuple[str | None, str | None]:
    """(city, country) of a Location value; either may be None.

    >>> split_location("Belgrade, Serbia"), split_location("Strasbourg, Council of Europe")
    (('Belgrade', 'Serbia'), ('Strasbourg', None))
    """
    if m := _IN_BRACKETS.match(text):
        if country_code(m.group(2)):  # "Belgrade (Serbia)"
            return m.group(1).strip() or None, m.group(2).strip()
        if m.group(1):
            text = m.group(1)  # "Strasbourg, France (Council of Europe)": a note
    head, comma, tail = text.rpartition(",")
    if not comma and (m := _CITY_DASH_COUNTRY.match(text)) and country_code(m.group(2)):
        return m.group(1).strip() or None, m.group(2).strip()  # "Belgrade - Serbia"
    place, last = (head.strip(), tail.strip()) if comma else ("", text.strip())
    if (
        comma
        and not country_code(last)
        and "," not in place
        and (country_code(place) or name_key(place) in NON_COUNTRIES)
    ):
        place, last = last, place  # "Serbia, Belgrade", "Council of Europe, Strasbourg"
    country = last if country_code(last) else None
    city = place if comma else (None if country or name_key(last) in NON_COUNTRIES else last)
    if city is not None and name_key(city) in NON_COUNTRIES:
        city = None
    return (city or None), country
