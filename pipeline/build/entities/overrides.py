"""The archivist's corrections to who-is-who, applied on every build after the
resolution: `DATA/people-overrides.csv`, one row per correction.

    action,name,activity_id,person
    merge,M. Gercke,,gercke
    merge,Marco Gercke,,gercke
    split,M. Gercke,18356,another-gercke

A row names mentions by the name as written, on one activity or (`activity_id` empty)
on all. `merge`: the people of every mention under one `person` label are one person.
`split`: the mentions are taken from their person, and those under one label are a
person of their own. Their `match` is then `override`. A row that names no mention is
reported, not an error: the archive may not hold that page yet.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.build.entities.people import Link, Mention, Resolution
from pipeline.errors import ConfigError

COLUMNS = ("action", "name", "activity_id", "person")
_MAX_ROWS = 100_000


@dataclass(frozen=True, slots=True)
class Override:
    line: int
    action: str  # merge or split
    name: str
    activity_id: int | None
    person: str


def read_overrides(text: str, where: str) -> list[Override]:
    """The rows of an overrides file; a ConfigError naming the line for a bad one."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise ConfigError(f"{where}: the header must name {', '.join(COLUMNS)} "
                          f"(missing: {', '.join(missing)})")  # fmt: skip
    found: list[Override] = []
    for row in reader:
        line = reader.line_num
        if len(found) >= _MAX_ROWS:
            raise ConfigError(f"{where} line {line}: more than {_MAX_ROWS:,} overrides")
        action = (row["action"] or "").strip().lower()
        name, person = " ".join((row["name"] or "").split()), (row["person"] or "").strip()
        aid = (row["activity_id"] or "").strip()
        if action not in ("merge", "split"):
            raise ConfigError(f"{where} line {line}: action must be merge or split, not {action!r}")
        if not name or not person:
            raise ConfigError(f"{where} line {line}: name and person must be given")
        if aid and not aid.isdigit():
            raise ConfigError(f"{where} line {line}: activity_id must be a number, not {aid!r}")
        found.append(Override(line, action, name, int(aid) if aid else None, person))
    return found


def apply_overrides(
    resolution: Resolution, mentions: Sequence[Mention], overrides: Sequence[Override]
) -> tuple[Resolution, list[int]]:
    """The resolution with the overrides applied, and the lines that named nobody."""
    if not overrides:
        return resolution, []
    by_name: dict[str, list[int]] = defaultdict(list)
    for i, m in enumerate(mentions):
        by_name[" ".join(m.name.split())].append(i)
    person_of = {i: k for k, members in enumerate(resolution.people) for i in members}
    groups = [list(members) for members in resolution.people]
    links = list(resolution.links)
    unmatched: list[int] = []
    merged: dict[str, int] = {}  # label → the group the merge goes to
    for o in overrides:
        chosen = [i for i in by_name.get(o.name, ())
                  if o.activity_id in (None, mentions[i].activity_id)]  # fmt: skip
        if not chosen:
            unmatched.append(o.line)
        for i in chosen:
            links[i] = Link("override")
            if o.action == "split":
                groups[person_of[i]].remove(i)
                target = merged.setdefault(f"split:{o.person}", len(groups))
                if target == len(groups):
                    groups.append([])
                groups[target].append(i)
                person_of[i] = target
            else:
                target = merged.setdefault(f"merge:{o.person}", person_of[i])
                if person_of[i] != target:
                    moving = groups[person_of[i]]
                    groups[target] += moving
                    for j in moving:
                        person_of[j] = target
                    moving.clear()
    people = sorted((sorted(g) for g in groups if g), key=lambda g: g[0])
    return Resolution(people, links, resolution.review), unmatched
