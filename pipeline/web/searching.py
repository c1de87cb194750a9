"""The search page's work in one pass over the full-text indexes.

One query finds every match with its rank, and one the activities whose linked
documents match (an activity's own text counts first); the filters, the count, the page of results
and the facet counts all come from that list, so the index is read once however the
page is sliced. What the filters and facets need of each activity (programme, year,
dates, beneficiary countries) is read once per server into arrays (a few MB for 50,000
activities): looking it up row by row in `activities` (wide rows, long texts) costs more
than the search itself, and counting 36,000 matches in Python loops more again. The
page's snippets come from a second query over its 20 activities only. The filters mean
what the canned `search` query's SQL means (the page's CSV and JSON).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pipeline.web.queries import PAGE_SIZE, PROGRAMME_CODES_SQL, TREATY_NUMBERS_SQL, bound

HITS_SQL = "SELECT rowid, rank FROM activities_fts WHERE activities_fts MATCH :q"
# activities whose documents match: each with its best document's rank
DOCUMENT_HITS_SQL = """SELECT l.activity_id, MIN(f.rank)
FROM document_texts_fts f JOIN document_texts t ON t.rowid = f.rowid
JOIN activity_documents l ON l.document_id = t.document_id
WHERE document_texts_fts MATCH :q GROUP BY l.activity_id"""
# the page's rows, with their snippets: the index read for those rowids only
PAGE_SQL = """SELECT a.activity_id, a.title, a.start_date, a.end_date, a.programme_code,
       a.location, s.snippet
FROM (SELECT rowid AS id, snippet(activities_fts, -1, char(2), char(3), '…', 24) AS snippet
      FROM activities_fts WHERE activities_fts MATCH :q
        AND rowid IN (SELECT value FROM json_each(:ids))) AS s
JOIN activities a ON a.activity_id = s.id"""
NAMES_HITS_SQL = "SELECT rowid, rank FROM activity_names_fts WHERE activity_names_fts MATCH :q"
# the page's rows matched by the names of their people, organisations or place
NAMES_PAGE_SQL = """SELECT a.activity_id, a.title, a.start_date, a.end_date, a.programme_code,
       a.location, s.snippet, 'names' AS matched
FROM (SELECT rowid AS id, snippet(activity_names_fts, -1, char(2), char(3), '…', 12) AS snippet
      FROM activity_names_fts WHERE activity_names_fts MATCH :q
        AND rowid IN (SELECT value FROM json_each(:ids))) AS s
JOIN activities a ON a.activity_id = s.id"""
# the page's rows matched by a document only, best document first (the first row of each
# activity is kept)
DOCUMENT_PAGE_SQL = """SELECT a.activity_id, a.title, a.start_date, a.end_date, a.programme_code,
       a.location, snippet(document_texts_fts, -1, char(2), char(3), '…', 24) AS snippet,
       d.document_id, COALESCE(d.title, l.label, d.url) AS document
FROM document_texts_fts f JOIN document_texts t ON t.rowid = f.rowid
JOIN activity_documents l ON l.document_id = t.document_id
JOIN documents d ON d.document_id = t.document_id
JOIN activities a ON a.activity_id = l.activity_id
WHERE document_texts_fts MATCH :q AND l.activity_id IN (SELECT value FROM json_each(:ids))
ORDER BY f.rank DESC"""
# the page's rows when there are no words: no snippet
PLAIN_PAGE_SQL = """SELECT activity_id, title, start_date, end_date, programme_code, location,
       NULL AS snippet, NULL AS matched
FROM activities WHERE :q = '' AND activity_id IN (SELECT value FROM json_each(:ids))"""
EXPORT_COLUMNS = ("activity_id", "title", "start_date", "end_date", "programme_code",
                  "location", "matched")  # fmt: skip
EXPORT_SQL = """SELECT activity_id, title, start_date, end_date, programme_code, location
FROM activities WHERE activity_id IN (SELECT value FROM json_each(:ids))"""
# which document matched, for the export: rows worst first, so the best is kept
EXPORT_DOCUMENT_SQL = """SELECT l.activity_id,
       'document: ' || COALESCE(d.title, l.label, d.url) || ' (' || d.document_id || ')'
FROM document_texts_fts f JOIN document_texts t ON t.rowid = f.rowid
JOIN activity_documents l ON l.document_id = t.document_id
JOIN documents d ON d.document_id = t.document_id
WHERE document_texts_fts MATCH :q AND l.activity_id IN (SELECT value FROM json_each(:ids))
ORDER BY f.rank DESC"""
FACTS_SQL = """SELECT activity_id, programme_code, start_year,
       CAST(REPLACE(start_date, '-', '') AS INTEGER), CAST(REPLACE(end_date, '-', '') AS INTEGER)
FROM activities ORDER BY activity_id"""
COUNTRIES_SQL = """SELECT activity_id, country_code FROM activity_countries
WHERE role = 'beneficiary'"""
NAMES_SQL = "SELECT country_code, country_name FROM countries"
TREATIES_SQL = "SELECT DISTINCT activity_id, ets_number FROM activity_treaties"
TREATY_NAMES_SQL = (
    """SELECT ets_number, COALESCE(NULLIF(common_names, ''), title, '') FROM treaties"""
)
FACET_SIZE = 12
_NONE = -1
# The words' matches of the latest searches, kept: the next page of a search, its facets
# and its CSV need no new read of the index (the database is immutable; a rebuild makes
# new Facts). A common word's 30,000 matches take about 0.5 MB.
HITS_KEPT = 64
Hits = tuple[np.ndarray, np.ndarray, dict[int, str]]


@dataclass(slots=True)
class Found:
    total: int
    results: list[dict[str, Any]]
    facets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


class Facts:
    """Per activity (by its place in `ids`): programme, year, dates (YYYYMMDD, 0 when
    none); and the (activity, country) pairs of the beneficiaries. Read once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.loaded = False
        self.ids = np.zeros(0, dtype=np.int64)
        self.programmes: list[str] = []
        self.countries: list[str] = []
        self.names: dict[str, str] = {}  # every country of the archive: code → name
        self.known_programmes: set[str] = set()
        self.known_treaties: set[int] = set()  # those an activity names
        self._hits: dict[str, Hits] = {}  # by words, the latest last

    def load(self, conn: sqlite3.Connection) -> None:
        with self._lock:
            if not self.loaded:
                self._load(conn)
                self.loaded = True

    def _load(self, conn: sqlite3.Connection) -> None:
        rows = conn.execute(FACTS_SQL).fetchall()
        self.ids = np.array([r[0] for r in rows], dtype=np.int64)
        self.programmes = sorted({r[1] for r in rows if r[1] is not None})
        code = {p: i for i, p in enumerate(self.programmes)}
        self.programme = np.array([code.get(r[1], _NONE) for r in rows], dtype=np.int32)
        self.year = np.array([r[2] if r[2] is not None else _NONE for r in rows], dtype=np.int32)
        self.start = np.array([r[3] or 0 for r in rows], dtype=np.int64)
        self.end = np.array([r[4] or 0 for r in rows], dtype=np.int64)
        pairs = conn.execute(COUNTRIES_SQL).fetchall()
        self.countries = sorted({c for _, c in pairs})
        index = {c: i for i, c in enumerate(self.countries)}
        self.pair_activity = self.positions(np.array([a for a, _ in pairs], dtype=np.int64))
        self.pair_country = np.array([index[c] for _, c in pairs], dtype=np.int32)
        self.names = dict(conn.execute(NAMES_SQL).fetchall())
        self.known_programmes = {r[0] for r in conn.execute(PROGRAMME_CODES_SQL)}
        self.known_treaties = {r[0] for r in conn.execute(TREATY_NUMBERS_SQL)}
        named = conn.execute(TREATIES_SQL).fetchall()
        self.treaties = sorted({t for _, t in named})
        where = {t: i for i, t in enumerate(self.treaties)}
        self.named_activity = self.positions(np.array([a for a, _ in named], dtype=np.int64))
        self.named_treaty = np.array([where[t] for _, t in named], dtype=np.int32)
        self.treaty_names = {
            str(n): f"ETS {n}" + (f" ({name.split('; ')[0]})" if name else "")
            for n, name in conn.execute(TREATY_NAMES_SQL)
        }

    def hits(self, q: str, read: Callable[[], Hits]) -> Hits:
        """The matches of the words `q`: kept from an earlier search, or `read()` and
        kept (the HITS_KEPT latest)."""
        with self._lock:
            found = self._hits.pop(q, None)
        if found is None:
            found = read()
        with self._lock:
            self._hits[q] = found  # now the latest
            while len(self._hits) > HITS_KEPT:
                self._hits.pop(next(iter(self._hits)))
        return found

    def positions(self, activity_ids: np.ndarray) -> np.ndarray:
        """Each activity ID's place in `ids` (IDs must be known: they come from the index)."""
        return np.searchsorted(self.ids, activity_ids)

    def by_date(self, pos: np.ndarray, newest: bool = False) -> np.ndarray:
        """The order of the activities at `pos` by start date (oldest or newest first;
        those with no date last, whichever), then by ID."""
        start = self.start[pos]
        when = -start if newest else start
        undated = start == 0  # sorted after every date
        return np.lexsort((self.ids[pos], when, undated))

    def keep(self, pos: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        """Which of the activities at `pos` pass the search's filters."""
        keep = np.ones(len(pos), dtype=bool)
        if params["country"]:
            has = np.zeros(len(self.ids), dtype=bool)
            if params["country"] in self.countries:
                wanted = self.countries.index(params["country"])
                has[self.pair_activity[self.pair_country == wanted]] = True
            keep &= has[pos]
        if params["programme"]:
            wanted = (
                self.programmes.index(params["programme"])
                if params["programme"] in self.programmes
                else -2
            )
            keep &= self.programme[pos] == wanted
        if params["treaty"]:
            has = np.zeros(len(self.ids), dtype=bool)
            if int(params["treaty"]) in self.treaties:
                wanted = self.treaties.index(int(params["treaty"]))
                has[self.named_activity[self.named_treaty == wanted]] = True
            keep &= has[pos]
        if params["year_from"]:  # ends on or after it (an unknown end: no)
            keep &= self.end[pos] >= bound(params["year_from"], last=False)
        if params["year_to"]:  # starts on or before it
            keep &= (self.start[pos] > 0) & (self.start[pos] <= bound(params["year_to"], last=True))
        return keep


def _facet(
    counts: np.ndarray,
    labels: list[str],
    names: dict[str, str] | None = None,
    by_value: bool = False,
) -> list[dict[str, Any]]:
    items = [(labels[i], int(n)) for i, n in enumerate(counts) if n]
    if by_value:
        items.sort()
    else:
        items = sorted(items, key=lambda kv: (-kv[1], (names or {}).get(kv[0], kv[0])))
    return [{"value": v, "label": (names or {}).get(v, v), "n": n} for v, n in items]


def _rows(conn: sqlite3.Connection, sql: str, q: str, ids: list[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    cursor = conn.execute(sql, {"q": q, "ids": json.dumps(ids)})
    names = [d[0] for d in cursor.description]
    # rows come worst first where an activity has several: the best one is kept
    return {r[0]: dict(zip(names, r, strict=True)) for r in cursor.fetchall()}


def _hits(conn: sqlite3.Connection, q: str) -> Hits:
    """Every activity the words match, with its rank and where they matched."""
    how: dict[int, str] = {}
    best: dict[int, float] = {}
    # the page's own text first, then its people's, organisations' and place's names,
    # then its documents
    for sql, where in ((DOCUMENT_HITS_SQL, "document"), (NAMES_HITS_SQL, "names"),
                       (HITS_SQL, "page")):  # fmt: skip
        found = dict(conn.execute(sql, {"q": q}).fetchall())
        best.update(found)
        how.update(dict.fromkeys(found, where))
    rowids = np.fromiter(best.keys(), dtype=np.int64, count=len(best))
    ranks = np.fromiter(best.values(), dtype=np.float64, count=len(best))
    return rowids, ranks, how


def _matches(
    conn: sqlite3.Connection, params: dict[str, Any], facts: Facts
) -> tuple[np.ndarray, np.ndarray, dict[int, str]]:
    """(every match that passes the filters, best first; their places in `facts`; where
    each matched: page, names or document)."""
    facts.load(conn)
    if not params["q"]:  # filters alone: every activity that passes them, by date
        pos = np.arange(len(facts.ids))[facts.keep(np.arange(len(facts.ids)), params)]
        order = facts.by_date(pos, newest=params["sort"] == "newest")
        return facts.ids[pos][order], pos, {}
    rowids, ranks, how = facts.hits(params["q"], lambda: _hits(conn, params["q"]))
    pos = facts.positions(rowids)
    keep = facts.keep(pos, params)
    rowids, ranks, pos = rowids[keep], ranks[keep], pos[keep]
    if params["sort"] in ("date", "newest"):
        order = facts.by_date(pos, newest=params["sort"] == "newest")
    else:
        order = np.lexsort((rowids, ranks))  # best rank first, then the lower ID
    return rowids[order], pos, how


def export_rows(
    conn: sqlite3.Connection, params: dict[str, Any], facts: Facts
) -> list[tuple[Any, ...]]:
    """Every match, best first, with the page's own filters (the page's CSV and JSON):
    activity_id, title, start_date, end_date, programme_code, location, matched."""
    ids, _, how = _matches(conn, params, facts)  # (no words: nothing matched, `None`)
    out: list[tuple[Any, ...]] = []
    for start in range(0, len(ids), 500):
        chunk = [int(i) for i in ids[start : start + 500]]
        found = {r[0]: r for r in conn.execute(EXPORT_SQL, {"ids": json.dumps(chunk)})}
        which = {}  # "document: <title> (<id>)", the best matching document of each
        if params["q"]:
            in_documents = json.dumps([i for i in chunk if how.get(i) == "document"])
            which = dict(conn.execute(EXPORT_DOCUMENT_SQL, {"q": params["q"],
                                                            "ids": in_documents}))  # fmt: skip
        out += [(*found[i], which.get(i, how.get(i))) for i in chunk if i in found]
    return out


def run_search(conn: sqlite3.Connection, params: dict[str, Any], page: int, facts: Facts) -> Found:
    """Everything the search page shows, from one read of the index (on the pages' own
    read-only connection)."""
    ordered, pos, how = _matches(conn, params, facts)
    ids = [int(i) for i in ordered[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]]
    if not params["q"]:  # filters alone: the rows have no snippet
        by_id = _rows(conn, PLAIN_PAGE_SQL, "", ids)
    else:
        by_id = {}
        for sql, where in ((PAGE_SQL, "page"), (NAMES_PAGE_SQL, "names"),
                           (DOCUMENT_PAGE_SQL, "document")):  # fmt: skip
            by_id.update(_rows(conn, sql, params["q"], [i for i in ids if how.get(i) == where]))
    return _facets(Found(len(ordered), [by_id[i] for i in ids if i in by_id]), pos, facts)


def _facets(found: Found, pos: np.ndarray, facts: Facts) -> Found:
    """The facet counts of the matches at `pos`."""
    hit = np.zeros(len(facts.ids), dtype=bool)
    hit[pos] = True
    country = np.bincount(
        facts.pair_country[hit[facts.pair_activity]], minlength=len(facts.countries)
    )
    programme = facts.programme[pos]
    year = facts.year[pos]
    years = sorted({int(y) for y in year if y != _NONE})
    found.facets = {
        "country": _facet(country, facts.countries, facts.names),
        "programme": _facet(
            np.bincount(programme[programme != _NONE], minlength=len(facts.programmes)),
            facts.programmes,
        ),
        "year": [{"value": str(y), "label": str(y), "n": int((year == y).sum())} for y in years],
        "treaty": _facet(
            np.bincount(
                facts.named_treaty[hit[facts.named_activity]], minlength=len(facts.treaties)
            ),
            [str(t) for t in facts.treaties],
            facts.treaty_names,
        ),
    }
    return found
