"""The build: typed tables with real keys, a valid Data Package, deterministic and atomic."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from pipeline import load
from pipeline.build import BuildConfig, build
from pipeline.build import job as build_module
from pipeline.build.schemas import FOREIGN_KEYS, PRIMARY_KEYS, TABLES
from pipeline.fixtures.earlier import earlier_versions
from pipeline.fixtures.logframes import LOGFRAME_TITLES
from pipeline.fixtures.spec import ACTIVITIES
from tests.conftest import archive_captures

N = len(ACTIVITIES)
EMPTY_HERE: set[str] = set()  # tables the fixture archive leaves empty (none now)


def tables(data: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for name in TABLES:
        con.execute(
            f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{data / 'parquet' / name}.parquet')"
        )
    return con


def test_every_table_is_written_with_its_schema(archive: Path) -> None:
    for name, schema in TABLES.items():
        assert pq.read_schema(archive / "parquet" / f"{name}.parquet").equals(
            schema, check_metadata=True
        ), name


@pytest.mark.parametrize("name", [n for n, k in PRIMARY_KEYS.items() if k])
def test_primary_keys_are_unique_and_not_null(archive: Path, name: str) -> None:
    key = ", ".join(f'"{k}"' for k in PRIMARY_KEYS[name] or ())
    con = tables(archive)
    dupes = con.execute(
        f"SELECT {key}, COUNT(*) FROM {name} GROUP BY ALL HAVING COUNT(*) > 1"
    ).fetchall()
    nulls = con.execute(
        f"SELECT COUNT(*) FROM {name} WHERE "
        + " OR ".join(f'"{k}" IS NULL' for k in PRIMARY_KEYS[name] or ())
    ).fetchone()
    assert dupes == [] and nulls == (0,)
    rows = con.execute(f"SELECT COUNT(*) FROM {name}").fetchone()[0]  # type: ignore[index]
    assert rows > 0 or name in EMPTY_HERE


@pytest.mark.parametrize(
    ("child", "fk"),
    [(child, fk) for child, fks in FOREIGN_KEYS.items() for fk in fks],
    ids=[f"{c}.{fk.fields[0]}" for c, fks in FOREIGN_KEYS.items() for fk in fks],
)
def test_foreign_keys_hold(archive: Path, child: str, fk: object) -> None:
    field, table, ref = fk.fields[0], fk.table, fk.refs[0]  # type: ignore[attr-defined]
    con = tables(archive)
    orphans = con.execute(
        f'SELECT DISTINCT c."{field}" FROM {child} c WHERE c."{field}" IS NOT NULL '
        f'AND NOT EXISTS (SELECT 1 FROM {table} p WHERE p."{ref}" = c."{field}")'
    ).fetchall()
    assert orphans == []
    used = con.execute(f'SELECT COUNT(*) FROM {child} WHERE "{field}" IS NOT NULL').fetchone()
    assert used is not None and (used[0] > 0 or child in EMPTY_HERE)  # the key is exercised


def test_tables_say_what_the_pages_say(archive: Path) -> None:
    con = tables(archive)
    assert con.execute("SELECT COUNT(*) FROM activities").fetchone() == (N,)
    assert con.execute("SELECT COUNT(*) FROM programmes").fetchone() == (7,)
    row = con.execute(
        "SELECT programme_title, programme_trans_id, first_activity_date, activity_count "
        "FROM programmes WHERE programme_code = 'PACO-Serbia'"
    ).fetchone()
    # the logframe's title wins over the activity pages' "Project against economic crime"
    assert row is not None and row[:2] == (LOGFRAME_TITLES["PACO-Serbia"], 112) and row[3] == 9
    assert str(row[2]) == "2006-02-16"
    # the purpose is keyed by the numeric tail, whatever DG spelling a page used
    assert con.execute(
        "SELECT project_purpose_codes FROM project_purposes WHERE project_purpose_key = 2467"
    ).fetchone() == ("2010/DG I/JP/2467; 2010/DGHL/JP/2467",)
    assert con.execute(
        "SELECT country_name, names_seen FROM countries WHERE country_code = 'MK'"
    ).fetchone() == ("North Macedonia", "''the former Yugoslav Republic of Macedonia''")
    assert con.execute(
        "SELECT country_name FROM countries WHERE country_code = 'XK'"
    ).fetchone() == ("Kosovo",)
    roles = dict(
        con.execute(
            "SELECT role, COUNT(*) FROM activity_countries WHERE activity_id = 19011 GROUP BY role"
        ).fetchall()
    )
    assert roles == {"beneficiary": 1, "location": 1}  # Serbia for, Italy in
    experts = [
        r[0]
        for r in con.execute(
            "SELECT name FROM activity_people WHERE activity_id = 18356 AND role = 'expert' ORDER BY name"
        ).fetchall()
    ]
    assert experts == ["C. Schulman", "H. Lamb", "I. Albani", "M. Gercke", "V. Stanca"]
    assert con.execute(
        "SELECT field, raw FROM parse_issues WHERE activity_id = 42555"
    ).fetchall() == [("date", "to be confirmed")]


def test_frictionless_validates_the_data_package(archive: Path) -> None:
    from frictionless import Package

    report = Package(str(archive / "parquet" / "datapackage.json")).validate()
    assert report.valid, report.flatten(["type", "message"])[:5]
    package = json.loads((archive / "parquet" / "datapackage.json").read_text())
    assert [r["name"] for r in package["resources"]] == list(TABLES)
    assert all(len(r["sha256"]) == 64 for r in package["resources"])
    earlier = len(earlier_versions())  # the imported crawl's
    assert package["provenance"]["captures_by_source"] == {
        "site": archive_captures() - earlier, "warc": earlier,
    }  # fmt: skip


def test_frictionless_catches_a_broken_foreign_key(archive: Path, tmp_path: Path) -> None:
    """The validation is real: drop a programme and the package is invalid."""
    from frictionless import Package

    copy = tmp_path / "parquet"
    shutil.copytree(archive / "parquet", copy)
    programmes = pq.read_table(copy / "programmes.parquet")
    pq.write_table(programmes.slice(1), copy / "programmes.parquet")
    report = Package(str(copy / "datapackage.json")).validate()
    assert not report.valid
    assert "foreign-key" in {t for (t,) in report.flatten(["type"])}


def test_build_is_deterministic(archive: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(archive / "raw", data / "raw")
    build(BuildConfig(data=data, progress=False))
    first = {p.name: p.read_bytes() for p in (data / "parquet").iterdir()}
    build(BuildConfig(data=data, progress=False))
    second = {p.name: p.read_bytes() for p in (data / "parquet").iterdir()}
    assert first == second
    assert set(first) == {f"{t}.parquet" for t in TABLES} | {"datapackage.json", "jparchive.db"}
    assert len(list((data / ".parquet").iterdir())) == 1  # the older build is gone


def test_an_interrupted_build_leaves_the_previous_dataset(
    archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    shutil.copytree(archive / "raw", data / "raw")
    build(BuildConfig(data=data, progress=False))
    before = {p.name: p.read_bytes() for p in (data / "parquet").iterdir()}
    real, calls = build_module.parse_activity, []  # type: ignore[attr-defined]

    def parse_then_stop(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 20:
            raise KeyboardInterrupt  # Ctrl-C in the middle of the build
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(build_module, "parse_activity", parse_then_stop)
    with pytest.raises(KeyboardInterrupt):
        build(BuildConfig(data=data, progress=False))
    assert {p.name: p.read_bytes() for p in (data / "parquet").iterdir()} == before
    assert len(list((data / ".parquet").iterdir())) == 1  # the half-built folder is removed


def test_load_gives_dataframes_with_real_dtypes(archive: Path) -> None:
    frames = load(archive)
    assert set(frames) == set(TABLES)
    activities = frames["activities"]
    assert len(activities) == N
    assert str(activities["programme_code"].dtype) == "category"
    assert str(activities["participants_total"].dtype) == "Int32"
    assert str(activities["has_synopsis"].dtype) == "boolean"
    assert (
        type(activities.loc[activities.activity_id == 18356, "start_date"].iloc[0]).__name__
        == "date"
    )
    assert str(frames["captures"]["captured_at"].dtype).startswith("datetime64") and "UTC" in str(
        frames["captures"]["captured_at"].dtype
    )


def test_build_report_has_fill_rates_and_issues(archive: Path) -> None:
    report = json.loads(sorted((archive / "reports").glob("build-*.json"))[-1].read_text())
    assert report["activities"] == N and report["not_activities"] == 1
    assert report["fill_rates"]["title"] == 1.0
    assert 0 < report["fill_rates"]["objectives"] < 1
    assert report["issues_by_field"] == {"date": 1, "encoding": 2}


def test_data_dictionary_is_up_to_date() -> None:
    from pipeline.build.dictionary import DICTIONARY, data_dictionary

    assert DICTIONARY.read_text(encoding="utf-8") == data_dictionary(), "run `make docs`"
