"""`jparchive.db`: a SQLite copy of the built tables, for Datasette and the web app.

Written with sqlite-utils from the Parquet files just built, table by table in batches
(memory stays flat): the same primary keys, the single-column foreign keys (so Datasette
links a row to its programme, purpose, country and capture), indexes on the columns the
web app filters by, and FTS5 indexes over the activities' texts and the documents'. It
sits in the build's folder, so it is swapped in with the Parquet files, and
`DATA/jparchive.db` points at it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import sqlite_utils

from pipeline.build.schemas import FOREIGN_KEYS, PRIMARY_KEYS, TABLES

DB_NAME = "jparchive.db"
FTS_COLUMNS = ("title", "description", "objectives", "results", "follow_up")
INDEXES = {
    "activities": (
        ("programme_code",),
        ("start_date",),
        ("project_purpose_key",),
        ("start_year",),
        ("place_id",),
        ("location_country_code", "place_id"),  # the map's count: no wide row read
    ),
    "activity_countries": (("country_code", "role", "activity_id"),),
    "activity_people": (("name",), ("person_id",)),
    "person_mentions": (("person_id",),),
    "activity_organisations": (("organisation_id",),),
    "captures": (("activity_id",),),
    "parse_issues": (("activity_id",),),
    "activity_documents": (("document_id",),),
}
_BATCH = 5000
# What an activity's people, organisations and place are called (every written form of
# each person, each organisation's name and acronyms, the location and the place's
# name), one row per activity: the web search finds "Marco Gercke" on a page that wrote
# "M. Gercke", and an activity by its place.
NAMES_FTS = """
CREATE VIRTUAL TABLE activity_names_fts USING fts5(names,
    tokenize='unicode61 remove_diacritics 2');
INSERT INTO activity_names_fts (rowid, names)
SELECT a.activity_id, coalesce(a.location, '') || ' ' || coalesce(pl.name, '') || ' ' ||
  coalesce((SELECT group_concat(ap.name || ' ' || p.variants, ' ') FROM activity_people ap
   JOIN people p ON p.person_id = ap.person_id WHERE ap.activity_id = a.activity_id), '')
  || ' ' ||
  coalesce((SELECT group_concat(ao.name || ' ' || o.name || ' ' || coalesce(o.acronyms, ''), ' ')
   FROM activity_organisations ao JOIN organisations o ON o.organisation_id = ao.organisation_id
   WHERE ao.activity_id = a.activity_id), '')
FROM activities a LEFT JOIN places pl ON pl.place_id = a.place_id;
"""


def _sqlite_type(dtype: pa.DataType) -> type:
    if pa.types.is_dictionary(dtype):
        return _sqlite_type(dtype.value_type)
    if pa.types.is_integer(dtype) or pa.types.is_boolean(dtype):
        return int
    if pa.types.is_floating(dtype):
        return float
    return str


def _value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _rows(path: Path) -> Iterator[dict[str, Any]]:
    year = path.stem == "activities"  # start_year: a column to facet by
    for batch in pq.ParquetFile(path).iter_batches(batch_size=_BATCH):
        for row in batch.to_pylist():
            out = {k: _value(v) for k, v in row.items()}
            if year:
                out["start_year"] = row["start_date"].year if row["start_date"] else None
            yield out


def creation_order() -> list[str]:
    """The tables, each after the tables its foreign keys name (SQLite wants them first)."""
    done: list[str] = []

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in done or name in path:
            return
        for fk in FOREIGN_KEYS.get(name, ()):
            visit(fk.table, (*path, name))
        done.append(name)

    for name in TABLES:
        visit(name, ())
    return done


def write_sqlite(parquet: Path) -> Path:
    """Write `parquet/jparchive.db` from the Parquet files beside it; returns its path."""
    target = parquet / DB_NAME
    tmp = parquet / f".{DB_NAME}.tmp"
    tmp.unlink(missing_ok=True)
    db = sqlite_utils.Database(tmp)
    db.conn.execute("PRAGMA journal_mode = OFF")
    db.conn.execute("PRAGMA synchronous = OFF")
    for name in creation_order():
        schema, pk = TABLES[name], PRIMARY_KEYS.get(name)
        fks = [
            (fk.fields[0], fk.table, fk.refs[0])
            for fk in FOREIGN_KEYS.get(name, ())
            if len(fk.fields) == 1  # sqlite-utils (and Datasette's links) take one column
        ]
        columns = {f.name: _sqlite_type(f.type) for f in schema}
        if name == "activities":
            columns["start_year"] = int
        db[name].create(  # type: ignore[union-attr]
            columns,
            pk=(pk[0] if len(pk) == 1 else pk) if pk else None,
            foreign_keys=fks,
            not_null={f.name for f in schema if not f.nullable},
        )
        db[name].insert_all(_rows(parquet / f"{name}.parquet"), batch_size=_BATCH)  # type: ignore[union-attr]
        for index in INDEXES.get(name, ()):
            db[name].create_index(list(index))  # type: ignore[union-attr]
    db["activities"].enable_fts(  # type: ignore[union-attr]
        list(FTS_COLUMNS), fts_version="FTS5", tokenize="unicode61 remove_diacritics 2"
    )
    db["document_texts"].enable_fts(  # type: ignore[union-attr]
        ["text"], fts_version="FTS5", tokenize="unicode61 remove_diacritics 2"
    )
    db.conn.executescript(NAMES_FTS)
    db.conn.execute("ANALYZE")
    db.conn.commit()
    db.close()
    os.replace(tmp, target)
    return target


def link_database(data: Path) -> None:
    """`DATA/jparchive.db` → `parquet/jparchive.db`: always the latest complete build."""
    link = data / DB_NAME
    if link.is_symlink() or not link.exists():
        tmp = data / f".{DB_NAME}-link-{os.getpid()}"
        tmp.unlink(missing_ok=True)
        tmp.symlink_to(Path("parquet") / DB_NAME)
        os.replace(tmp, link)
