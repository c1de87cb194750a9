"""`jparchive people [NAME]`: the people the pages name, or one person's activities by
year with their roles and co-participants.

A NAME is a `person_id` or text found in any written form of a person's name, compared
without case or diacritics ("musialkowski" finds "MUSIAŁKOWSKI, Przemysław"). Bound as
a parameter, never pasted into SQL.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import ConfigError
from pipeline.query.sql import Result, run_sql

# people whose id is NAME, or one of whose written forms holds it (no case, no accents)
MATCHING = ("(p.person_id = ? OR strpos(strip_accents(lower(p.variants)), "
            "strip_accents(lower(?))) > 0)")  # fmt: skip
LIST_SQL = f"""SELECT p.person_id, p.name, p.activity_count, p.first_year, p.last_year,
       p.roles, p.countries, count(*) OVER () AS matches
FROM people p WHERE (? IS NULL OR {MATCHING})
ORDER BY p.activity_count DESC, p.name, p.person_id LIMIT ?"""
ACTIVITIES_SQL = """SELECT year(a.start_date) AS year, a.activity_id, a.start_date,
       m.role, m.name AS written, m.match, a.programme_code, a.location, a.title
FROM person_mentions m JOIN activities a USING (activity_id)
WHERE m.person_id = ? ORDER BY a.start_date NULLS LAST, a.activity_id, m.role"""
CO_SQL = """SELECT o.person_id, p.name, count(DISTINCT o.activity_id) AS together
FROM person_mentions m JOIN person_mentions o
  ON o.activity_id = m.activity_id AND o.person_id <> m.person_id
JOIN people p ON p.person_id = o.person_id
WHERE m.person_id = ? GROUP BY o.person_id, p.name
ORDER BY together DESC, p.name LIMIT 20"""


def people(data: str | Path, name: str | None = None, limit: int = 100) -> Result:
    """The people (NAME: those it names), most active first: the first `limit`."""
    text = name.strip() if name else None
    found = run_sql(data, LIST_SQL, [text, text, text, limit])
    if text and not found.rows:
        raise ConfigError(f"people: nobody named {name!r} in the tables under {data}")
    total = found.rows[0][-1] if found.rows else 0
    return Result(found.columns[:-1], [r[:-1] for r in found.rows], total=int(total))


def person(data: str | Path, person_id: str) -> tuple[Result, Result]:
    """(one person's activities by year, with role and the form written; the people
    named on the same activities, most often first)."""
    return run_sql(data, ACTIVITIES_SQL, [person_id]), run_sql(data, CO_SQL, [person_id])
