"""`jparchive.db`, the build's SQLite copy of the tables: the same rows, keys and foreign
keys, an FTS5 index, swapped in with the Parquet files and reached as DATA/jparchive.db."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.build.schemas import FOREIGN_KEYS, PRIMARY_KEYS, TABLES
from pipeline.build.sqlite import creation_order


def connect(archive: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{archive / 'jparchive.db'}?mode=ro", uri=True)


def test_the_copy_is_reached_through_the_data_root(archive: Path) -> None:
    link = archive / "jparchive.db"
    assert link.is_symlink() and link.resolve() == (archive / "parquet" / "jparchive.db").resolve()


@pytest.mark.parametrize("name", list(TABLES))
def test_every_table_has_the_same_rows(archive: Path, name: str) -> None:
    with connect(archive) as db:
        count = db.execute(f"SELECT COUNT(*) FROM {name}").fetchone()[0]
        columns = [r[1] for r in db.execute(f"PRAGMA table_info({name})")]
    assert count == pq.read_metadata(archive / "parquet" / f"{name}.parquet").num_rows
    assert set(TABLES[name].names) <= set(columns)


@pytest.mark.parametrize("name", [n for n, k in PRIMARY_KEYS.items() if k])
def test_primary_and_foreign_keys(archive: Path, name: str) -> None:
    with connect(archive) as db:
        pk = [
            r[1]
            for r in sorted(db.execute(f"PRAGMA table_info({name})"), key=lambda r: r[5])
            if r[5]
        ]
        fks = {(r[3], r[2], r[4]) for r in db.execute(f"PRAGMA foreign_key_list({name})")}
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert tuple(pk) == PRIMARY_KEYS[name]
    single = {
        (fk.fields[0], fk.table, fk.refs[0])
        for fk in FOREIGN_KEYS.get(name, ())
        if len(fk.fields) == 1
    }
    assert fks == single


def test_tables_are_created_after_the_tables_they_name() -> None:
    order = creation_order()
    for name, fks in FOREIGN_KEYS.items():
        for fk in fks:
            assert order.index(fk.table) < order.index(name), (name, fk.table)


def test_full_text_search_and_the_year_column(archive: Path) -> None:
    with connect(archive) as db:
        hits = {r[0] for r in db.execute(
            "SELECT a.activity_id FROM activities_fts JOIN activities a ON a.rowid = activities_fts.rowid "
            "WHERE activities_fts MATCH 'cybercrime'")}  # fmt: skip
        year = db.execute("SELECT start_year FROM activities WHERE activity_id = 18356").fetchone()
    assert 18356 in hits and len(hits) >= 5
    assert year == (2007,)


def test_the_copy_is_read_only_when_opened_so(archive: Path) -> None:
    with connect(archive) as db, pytest.raises(sqlite3.OperationalError, match="readonly"):
        db.execute("DELETE FROM activities")
