"""`jparchive search`: activities whose texts, or one of whose documents, hold every
word, narrowed by country, programme, years, treaty and person.

Every value the user gives is bound as a parameter; nothing typed is pasted into SQL. A
term matches when it occurs (case-insensitively) in the title, description, objectives,
results or follow-up; several terms must all match. An activity matches too when the
text of one document it links holds every term; the `matched` column says where:
`page`, or `document: <title> (<document_id>)`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pycountry

from pipeline.errors import ConfigError
from pipeline.query.people import MATCHING
from pipeline.query.sql import Result, run_sql

HISTORIC = {"XK", "CS", "YU"}  # Kosovo, Serbia and Montenegro, Yugoslavia: codes the site needs


def known_country(code: str) -> bool:
    """Whether `code` is an ISO 3166-1 alpha-2 code (or one of the site's historic ones)."""
    code = code.strip().upper()
    return code in HISTORIC or (
        len(code) == 2 and pycountry.countries.get(alpha_2=code) is not None
    )


TEXT_COLUMNS = ("title", "description", "objectives", "results", "follow_up")


def search_sql(
    terms: list[str],
    country: str | None,
    programme: str | None,
    year_from: int | None,
    year_to: int | None,
    limit: int,
    treaty: int | None = None,
    person: str | None = None,
) -> tuple[str, list[Any]]:
    """The search's SQL and its bound parameters (the SQL holds no user text)."""
    if person is not None and not person.strip():
        raise ConfigError("search: --person needs a name (or a person_id)")
    if not any(t.strip() for t in terms) and treaty is None and person is None:
        raise ConfigError(
            "search: give at least one word to look for (or --treaty N, or --person NAME)"
        )
    if year_from is not None and year_to is not None and year_from > year_to:
        raise ConfigError(f"search: --from {year_from} is after --to {year_to}; swap them")
    if country and not known_country(country):
        raise ConfigError(
            f"search: --country {country!r} is no ISO 3166-1 alpha-2 code "
            "(e.g. RS; Kosovo XK, Serbia and Montenegro CS, Yugoslavia YU)"
        )
    words = [t for t in terms if t.strip()]
    where, params = _filters(country, programme, year_from, year_to, treaty)
    if person is not None:
        where.append(
            "EXISTS (SELECT 1 FROM activity_people ap JOIN people p USING (person_id) "
            f"WHERE ap.activity_id = a.activity_id AND {MATCHING})"
        )
        params += [person.strip(), person.strip()]
    if not words:
        sql = (
            f"SELECT {_SHOWN}, NULL AS matched, count(*) OVER () AS matches FROM activities a "
            f"WHERE {' AND '.join(where) or 'TRUE'} "
            "ORDER BY a.start_date NULLS LAST, a.activity_id LIMIT ?"
        )
        return sql, [*params, limit]
    on_page = " AND ".join(_ON_PAGE for _ in words)
    in_text = " AND ".join("strpos(lower(t.text), lower(?)) > 0" for _ in words)
    sql = (
        # the activities with a document holding every word, and the first such document
        "WITH in_documents AS (SELECT l.activity_id, "
        "min(coalesce(d.title, l.label, d.url) || ' (' || d.document_id || ')') AS document "
        "FROM activity_documents l JOIN document_texts t ON t.document_id = l.document_id "
        f"JOIN documents d ON d.document_id = l.document_id WHERE {in_text} "
        "GROUP BY l.activity_id), "
        f"paged AS (SELECT a.*, ({on_page}) AS on_page FROM activities a) "
        f"SELECT {_SHOWN}, CASE WHEN a.on_page THEN 'page' ELSE 'document: ' || h.document END "
        "AS matched, count(*) OVER () AS matches "
        "FROM paged a LEFT JOIN in_documents h ON h.activity_id = a.activity_id "
        f"WHERE (a.on_page OR h.activity_id IS NOT NULL) AND {' AND '.join(where) or 'TRUE'} "
        "ORDER BY a.start_date NULLS LAST, a.activity_id LIMIT ?"
    )
    text_params = [w for w in words for _ in TEXT_COLUMNS]
    return sql, [*words, *text_params, *params, limit]


_ON_PAGE = (
    "("
    + " OR ".join(f"strpos(lower(coalesce(a.{c}, '')), lower(?)) > 0" for c in TEXT_COLUMNS)
    + ")"
)  # a word on the page: in one of its texts
_SHOWN = "a.activity_id, a.start_date, a.end_date, a.programme_code, a.location, a.title"


def _filters(
    country: str | None,
    programme: str | None,
    year_from: int | None,
    year_to: int | None,
    treaty: int | None,
) -> tuple[list[str], list[Any]]:
    """The search's filters as SQL conditions over `a` and their bound parameters."""
    where: list[str] = []
    params: list[Any] = []
    if country:
        where.append(
            "EXISTS (SELECT 1 FROM activity_countries c "
            "WHERE c.activity_id = a.activity_id AND c.country_code = ?)"
        )
        params.append(country.upper())
    if programme:
        where.append("lower(a.programme_code) = lower(?)")
        params.append(programme)
    if treaty is not None:
        where.append(
            "EXISTS (SELECT 1 FROM activity_treaties t "
            "WHERE t.activity_id = a.activity_id AND t.ets_number = ?)"
        )
        params.append(treaty)
    if year_from is not None:
        where.append("year(coalesce(a.end_date, a.start_date)) >= ?")
        params.append(year_from)
    if year_to is not None:
        where.append("year(coalesce(a.start_date, a.end_date)) <= ?")
        params.append(year_to)
    return where, params


def search(
    data: str | Path,
    terms: list[str],
    *,
    country: str | None = None,
    programme: str | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    limit: int = 100,
    treaty: int | None = None,
    person: str | None = None,
) -> Result:
    """Activities whose texts contain every term, filtered by country, programme, years
    and the treaty they name (its ETS/CETS number): the first `limit`, and in `total`
    how many matched in all."""
    sql, params = search_sql(terms, country, programme, year_from, year_to, limit, treaty, person)
    found = run_sql(data, sql, params)
    total = found.rows[0][-1] if found.rows else 0
    return Result(found.columns[:-1], [row[:-1] for row in found.rows], total=int(total))
