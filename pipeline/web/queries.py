"""The web app's questions to `jparchive.db`: the search (full text, with facets), and the
checks every parameter passes before it reaches SQL (a bad one is a 400 with a reason).

Every value is bound as a parameter. The user's words become an FTS5 query of quoted
terms, so no input is read as FTS syntax: `cyber* OR "x` searches for those words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

PAGE_SIZE = 20
MAX_PAGE = 10_000
MAX_QUERY = 200
_WORD = re.compile(r"\w+(?:['’.-]\w+)*", re.UNICODE)
_WHEN = re.compile(r"^[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?$")
# a search's terms: an optional "-", then "a phrase" or a word with an optional "*"
_TERMS = re.compile(r'(-?)(?:"([^"]*)"?|([^\s"*]+)(\*?))')
_CODE = re.compile(r"^[A-Za-z]{2}$")


class BadRequest(ValueError):
    """A parameter the app cannot take: answered with HTTP 400 and this one-line reason."""


@dataclass(frozen=True, slots=True)
class SearchParams:
    q: str = ""
    country: str = ""
    programme: str = ""
    year_from: str = ""
    year_to: str = ""
    page: int = 1
    treaty: str = ""  # an ETS/CETS number
    all: str = ""  # the facet shown whole (country, programme, treaty); the others: the top
    sort: str = ""  # "relevance" (words' default), "date" (oldest first) or "newest"

    @property
    def fts(self) -> str:
        """The words as an FTS5 query: every word required, `"a phrase"` as a phrase,
        `cyber*` a prefix, `-word` left out; each term quoted, so nothing the user types
        is FTS5 syntax of its own."""
        found: list[str] = []
        left_out: list[str] = []
        for sign, phrase, word, star in _TERMS.findall(self.q):
            words = _WORD.findall(phrase or word)
            groups = [words] if phrase else [[w] for w in words]  # a phrase is one term
            for group in groups if words else []:
                term = '"' + " ".join(group).replace('"', '""') + '"'
                if star and len(words) == 1:
                    term += "*"
                (left_out if sign else found).append(term)
        return " ".join(found) + "".join(f" NOT {t}" for t in left_out) if found else ""

    @property
    def filtered(self) -> bool:
        """Some filter is set: the search lists what passes, words or not."""
        return bool(self.country or self.programme or self.year_from or self.year_to
                    or self.treaty)  # fmt: skip

    def sql_params(self) -> dict[str, Any]:
        return {
            "q": self.fts,
            "country": self.country,
            "programme": self.programme,
            "year_from": self.year_from,
            "year_to": self.year_to,
            "treaty": self.treaty,
            "sort": self.order,
        }

    @property
    def order(self) -> str:
        """How the results are ordered: as asked, else by relevance with words; by date
        without words (there is nothing to rank by), whatever was asked."""
        if not self.q:
            return "newest" if self.sort == "newest" else "date"
        return self.sort or "relevance"

    def query_string(self, **changes: Any) -> str:
        """This search's URL query, with `changes` (a value of None drops the key)."""
        from urllib.parse import urlencode

        values = {
            "q": self.q,
            "country": self.country,
            "programme": self.programme,
            "from": self.year_from,
            "to": self.year_to,
            "treaty": self.treaty,
            "page": self.page if self.page > 1 else "",
            "all": self.all,
            "sort": self.sort,
        }
        values.update(
            {
                ("from" if k == "year_from" else "to" if k == "year_to" else k): v
                for k, v in changes.items()
            }
        )
        return urlencode({k: v for k, v in values.items() if v not in ("", None)})


def _one(args: Any, name: str) -> str:
    values = args.getlist(name) if hasattr(args, "getlist") else [args.get(name)]
    values = [v for v in values if v is not None]
    if len(values) > 1:
        raise BadRequest(f"{name}: give it once, not {len(values)} times")
    return (values[0] if values else "").strip()


def _year(args: Any, name: str) -> str:
    """A year (2007), a month (2007-03) or a day (2007-03-19), between 1990 and 2030."""
    value = _one(args, name)
    if value and (not _WHEN.match(value) or bound(value, False) == 0):
        raise BadRequest(f"{name}: {value!r} is no year, month or day (2007, 2007-03, "
                         "2007-03-19) between 1990 and 2030")  # fmt: skip
    return value


def bound(value: str, last: bool) -> int:
    """A year, month or day as YYYYMMDD: its first day, or with `last` its last (a
    month's "31": it only bounds); 0 when it is no date."""
    parts = [int(p) for p in value.split("-")]
    year, month, day = [*parts, 0, 0][:3]
    if not 1990 <= year <= 2030 or (len(parts) > 1 and not 1 <= month <= 12):
        return 0
    if len(parts) == 3:
        try:
            date(year, month, day)
        except ValueError:
            return 0
    month = month or (12 if last else 1)
    day = day or (31 if last else 1)
    return year * 10000 + month * 100 + day


def search_params(
    args: Any, countries: set[str], programmes: set[str], treaties: set[int] | None = None
) -> SearchParams:
    """The search's parameters from a request's query, checked; raises BadRequest."""
    q = _one(args, "q")
    if len(q) > MAX_QUERY:
        raise BadRequest(f"q: {len(q)} characters; at most {MAX_QUERY}")
    country = _one(args, "country").upper()
    if country and (not _CODE.match(country) or country not in countries):
        raise BadRequest(
            f"country: {country!r} is no country of the archive (an ISO code, e.g. RS)"
        )
    programme = _one(args, "programme")
    if programme and programme not in programmes:
        raise BadRequest(f"programme: {programme!r} is no programme of the archive")
    year_from, year_to = _year(args, "from"), _year(args, "to")
    if year_from and year_to and bound(year_from, False) > bound(year_to, True):
        raise BadRequest(f"from {year_from} is after to {year_to}")
    page_text = _one(args, "page") or "1"
    if not digits(page_text) or not 1 <= int(page_text) <= MAX_PAGE:
        raise BadRequest(f"page: {page_text!r} is no page number (1 to {MAX_PAGE})")
    if q and not _WORD.search(q):
        raise BadRequest(f"q: {q!r} holds no word to search for")
    if q and not SearchParams(q).fts:
        raise BadRequest(f"q: {q!r} only leaves words out; give one to find")
    treaty = _one(args, "treaty")
    if treaty and (not digits(treaty) or int(treaty) not in (treaties or set())):
        raise BadRequest(f"treaty: {treaty!r} is no treaty an activity names (an ETS number)")
    treaty = str(int(treaty)) if treaty else ""
    shown = _one(args, "all")
    if shown not in ("", "country", "programme", "treaty"):
        raise BadRequest(f"all: {shown!r} is no facet (country, programme or treaty)")
    sort = _one(args, "sort")
    if sort not in SORTS:
        raise BadRequest(f"sort: {sort!r} is no order (relevance, date or newest)")
    return SearchParams(q, country, programme, year_from, year_to, int(page_text), treaty, shown,
                        sort)  # fmt: skip


SORTS = ("", "relevance", "date", "newest")


def digits(text: str) -> bool:
    """ASCII digits only: "²" and "٣" are digits to str.isdigit() and no number to int()."""
    return text.isascii() and text.isdigit()


def positive_int(text: str, name: str) -> int:
    if not digits(text) or len(text) > 12:
        raise BadRequest(f"{name}: {text!r} is no number")
    return int(text)


# The matches and the filters every search applies.
# The filters every search applies, over `a`.
FILTERS = """
  AND (:country = '' OR a.activity_id IN
       (SELECT activity_id FROM activity_countries
        WHERE country_code = :country AND role = 'beneficiary'))
  AND (:programme = '' OR a.programme_code = :programme)
  AND (:year_from = '' OR a.end_date >= (CASE length(:year_from)
       WHEN 4 THEN :year_from || '-01-01' WHEN 7 THEN :year_from || '-01' ELSE :year_from END))
  AND (:year_to = '' OR a.start_date <= (CASE length(:year_to)
       WHEN 4 THEN :year_to || '-12-31' WHEN 7 THEN :year_to || '-31' ELSE :year_to END))
  AND (:treaty = '' OR a.activity_id IN
       (SELECT activity_id FROM activity_treaties WHERE ets_number = CAST(:treaty AS INTEGER)))
"""


# the canned query's words: none (its form opened empty) match nothing, not a 400
_Q = "CASE WHEN trim(:q) = '' THEN '\"\"' ELSE :q END"


def search_sql(mark_open: str, mark_close: str) -> str:
    """The ranked results with a snippet whose matching words sit between the marks, and
    where they matched (`page`, or `document: <title> (<document_id>)`): the canned query
    behind the search page's CSV and JSON. An activity matches by its own texts or by
    the text of a document it links; its own texts count first."""
    mark = f"'{mark_open}', '{mark_close}', '…', 24"
    return f"""WITH hits AS (
  SELECT rowid AS id, rank, snippet(activities_fts, -1, {mark}) AS snippet, 'page' AS matched
  FROM activities_fts WHERE activities_fts MATCH {_Q}
  UNION ALL
  SELECT l.activity_id, f.rank, snippet(document_texts_fts, -1, {mark}),
         'document: ' || COALESCE(d.title, l.label, d.url) || ' (' || d.document_id || ')'
  FROM document_texts_fts f JOIN document_texts t ON t.rowid = f.rowid
  JOIN activity_documents l ON l.document_id = t.document_id
  JOIN documents d ON d.document_id = t.document_id
  WHERE document_texts_fts MATCH {_Q}),
best AS (SELECT *, ROW_NUMBER() OVER (PARTITION BY id ORDER BY matched != 'page', rank) AS n
  FROM hits)
SELECT a.activity_id, a.title, a.start_date, a.end_date, a.programme_code, a.location,
       b.snippet, b.matched
FROM best b JOIN activities a ON a.activity_id = b.id
WHERE b.n = 1{FILTERS}ORDER BY b.rank, a.activity_id"""


HOLDINGS_SQL = """SELECT
  (SELECT COUNT(*) FROM activities) AS activities,
  (SELECT COUNT(*) FROM programmes) AS programmes,
  (SELECT COUNT(*) FROM countries) AS countries,
  (SELECT MIN(start_year) FROM activities) AS first_year,
  (SELECT MAX(start_year) FROM activities) AS last_year,
  (SELECT COUNT(*) FROM captures) AS captures,
  (SELECT MIN(captured_at) FROM captures) AS first_capture,
  (SELECT MAX(captured_at) FROM captures) AS last_capture"""
SOURCES_SQL = "SELECT source, COUNT(*) AS n FROM captures GROUP BY 1 ORDER BY 2 DESC"
PER_YEAR_SQL = """SELECT start_year, COALESCE(programme_code, '(none)') AS p, COUNT(*) AS n
FROM activities WHERE start_year IS NOT NULL GROUP BY 1, 2"""
# the home page's: the programmes with the most activities (the rest on /programme)
PROGRAMMES_SQL = """SELECT programme_code, programme_title, activity_count
FROM programmes ORDER BY activity_count DESC, programme_code LIMIT 12"""
PROGRAMME_CODES_SQL = "SELECT programme_code FROM programmes"
TREATY_NUMBERS_SQL = "SELECT ets_number FROM treaties WHERE activity_count > 0"

ACTIVITY_SQL = {
    "programme": "SELECT * FROM programmes WHERE programme_code = :programme",
    "countries": """SELECT ac.role, ac.country_code, c.country_name, ac.name
FROM activity_countries ac LEFT JOIN countries c USING (country_code)
WHERE activity_id = :id ORDER BY ac.role, ac.name""",
    "groups": "SELECT * FROM activity_groups WHERE activity_id = :id",
    "people": "SELECT * FROM activity_people WHERE activity_id = :id ORDER BY role, name",
    "links": "SELECT * FROM activity_links WHERE activity_id = :id",
    "issues": "SELECT * FROM parse_issues WHERE activity_id = :id",
    "captures": """SELECT * FROM captures WHERE activity_id = :id
ORDER BY captured_at DESC, capture_id DESC""",
    "versions": "SELECT * FROM activity_versions WHERE activity_id = :id ORDER BY version",
    "changes": """SELECT * FROM field_changes WHERE activity_id = :id
ORDER BY to_version, field""",
    "documents": """SELECT d.*, l.label, l.field FROM activity_documents l
JOIN documents d USING (document_id) WHERE l.activity_id = :id ORDER BY d.url""",
    "treaties": """SELECT t.ets_number, tr.title, t.field, t.matched FROM activity_treaties t
LEFT JOIN treaties tr USING (ets_number) WHERE t.activity_id = :id ORDER BY 1, 3""",
}

DOCUMENT_SQL = "SELECT capture_id, url, content_type FROM documents WHERE document_id = :id"

PROGRAMME_SQL = {
    "activities": """SELECT activity_id, title, start_date, end_date, location, status
FROM activities WHERE programme_code = :c ORDER BY start_date, activity_id""",
    "purposes": """SELECT * FROM project_purposes WHERE programme_code = :c
ORDER BY project_purpose_number, project_purpose_key""",
    "results": """SELECT r.* FROM expected_results r JOIN project_purposes p
USING (project_purpose_key) WHERE p.programme_code = :c
ORDER BY r.project_purpose_key, r.expected_result_number""",
    "countries": """SELECT ac.country_code, c.country_name, COUNT(*) AS n
FROM activity_countries ac JOIN activities a USING (activity_id)
JOIN countries c USING (country_code)
WHERE a.programme_code = :c AND ac.role = 'beneficiary'
GROUP BY 1, 2 ORDER BY n DESC, 2""",
    "coverage": "SELECT * FROM coverage WHERE programme_code = :c AND level = 'programme'",
}

_OF_COUNTRY = (
    "a.activity_id IN (SELECT activity_id FROM activity_countries WHERE country_code = :c)"
)
# a country's page: its activities counted by year and programme, and all their IDs in
# the page's order (both kept: pool.facts), then the page of them shown, read by ID
COUNTRY_SQL = {
    "per_year": f"""SELECT substr(a.start_date, 1, 4) AS year,
       COALESCE(a.programme_code, '(none)') AS programme, COUNT(*) AS n
FROM activities a WHERE {_OF_COUNTRY} AND a.start_date IS NOT NULL GROUP BY 1, 2""",
    "order": f"""SELECT a.activity_id FROM activities a WHERE {_OF_COUNTRY}
ORDER BY a.start_date, a.activity_id""",
}
LISTED_SQL = """SELECT activity_id, title, start_date, programme_code, location
FROM activities WHERE activity_id IN (SELECT value FROM json_each(:ids))
ORDER BY start_date, activity_id"""

# where activities took place: per country and city (the map), of all or of one page's
MAP_SQL = """SELECT a.location_country_code AS country, p.name AS city, p.latitude,
       p.longitude, COUNT(*) AS n
FROM activities a LEFT JOIN places p ON p.place_id = a.place_id AND p.kind = 'city'
{where} GROUP BY a.location_country_code, a.place_id"""
MAP_OF = {
    "all": "",
    "country": "WHERE a.activity_id IN (SELECT activity_id FROM activity_countries "
    "WHERE country_code = :k)",
    "programme": "WHERE a.programme_code = :k",
    "person": "WHERE a.activity_id IN (SELECT activity_id FROM person_mentions "
    "WHERE person_id = :k)",
    "organisation": "WHERE a.activity_id IN (SELECT activity_id FROM activity_organisations "
    "WHERE organisation_id = :k)",
    "place": "WHERE a.place_id = :k",
}
COUNTRY_NAMES_SQL = "SELECT country_code, country_name FROM countries"
COUNTRY_INDEX_SQL = """SELECT country_code AS code, country_name AS name, activity_count
FROM countries ORDER BY activity_count DESC, country_name"""
PROGRAMME_INDEX_SQL = """SELECT programme_code AS code, programme_title AS name, activity_count
FROM programmes ORDER BY activity_count DESC, programme_code"""
_ENTITY_ACTIVITIES = """SELECT DISTINCT a.activity_id, a.title, a.start_date, a.programme_code,
       a.location FROM activities a JOIN {table} x USING (activity_id)
WHERE x.{key} = :k ORDER BY a.start_date, a.activity_id"""
# the person, organisation and place pages: their row, their activities by date
ENTITY_SQL = {
    "person": {"row": "SELECT * FROM people WHERE person_id = :k",
               "activities": _ENTITY_ACTIVITIES.format(table="person_mentions",
                                                       key="person_id")},
    "organisation": {"row": "SELECT * FROM organisations WHERE organisation_id = :k",
                     "activities": _ENTITY_ACTIVITIES.format(table="activity_organisations",
                                                             key="organisation_id")},
    "place": {"row": "SELECT * FROM places WHERE place_id = :k",
              "activities": """SELECT activity_id, title, start_date, programme_code, location
FROM activities WHERE place_id = :k ORDER BY start_date, activity_id"""},
}  # fmt: skip
