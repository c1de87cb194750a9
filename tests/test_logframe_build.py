"""Logframes in the tables: a harvest of the fixture site with `--discover` fills the
programme, purpose and result columns from the logframes, keeps their provenance in
`logframe_pages`, lists where they disagree with activity pages, and tells how complete
the archive is (`coverage`), also when activities are missing from the harvest."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipeline.build import BuildConfig, build
from pipeline.fetch.policy import FetchPolicy
from pipeline.fixtures.logframes import logframe_specs, programme_record
from pipeline.fixtures.programmes import PROGRAMMES
from pipeline.fixtures.server import SITE, FixtureServer
from pipeline.fixtures.spec import ACTIVITIES
from pipeline.harvest import HarvestConfig, harvest
from tests.conftest import run_cli


def rows(data: Path, sql: str) -> list[dict[str, Any]]:
    con = duckdb.connect()
    for path in (data / "parquet").glob("*.parquet"):
        con.execute(f"CREATE VIEW {path.stem} AS SELECT * FROM read_parquet('{path}')")
    cur = con.execute(sql)
    names = [d[0] for d in cur.description or []]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


@pytest.mark.parametrize("code", list(PROGRAMMES))
def test_every_programme_has_its_logframe_columns(archive: Path, code: str) -> None:
    expected = programme_record(PROGRAMMES[code])
    [row] = rows(archive, f"SELECT * FROM programmes WHERE programme_code = '{code}'")
    assert row["source"] == "logframe"
    assert row["programme_trans_id"] == expected.trans_id
    assert row["programme_title"] == expected.programme_title
    assert iso(row["period_start"]) == iso(expected.period_start)
    assert iso(row["period_end"]) == iso(expected.period_end)
    assert (row["status"], row["coordinating_dg"]) == (expected.status, expected.coordinating_dg)
    assert (row["budget_eur"], row["overall_objectives"]) == (
        expected.budget_eur, expected.overall_objectives,
    )  # fmt: skip
    assert row["logframe_activity_count"] == expected.activity_count
    assert row["logframe_url"].endswith(f"TransID={expected.trans_id}")


def test_purposes_and_results_carry_the_logframe(archive: Path) -> None:
    purposes = {
        r["project_purpose_key"]: r for r in rows(archive, "SELECT * FROM project_purposes")
    }
    results = {
        (r["project_purpose_key"], r["expected_result_number"]): r
        for r in rows(archive, "SELECT * FROM expected_results")
    }
    seen = 0
    for prog in PROGRAMMES.values():
        for p in programme_record(prog).project_purposes:
            row = purposes[p.key]
            assert row["source"] == "logframe"
            assert row["programme_code"] == prog.code
            for name in ("budget_eur", "narrative", "indicators", "sources_of_verification",
                         "assumptions"):  # fmt: skip
                assert row[name] == getattr(p, name), (p.key, name)
            assert row["logframe_activity_count"] == p.activity_count
            assert row["project_purpose_title"] == p.title
            for res in p.expected_results:
                r = results[(p.key, res.number)]
                assert (r["expected_result_text"], r["indicators"], r["assumptions"]) == (
                    res.text, res.indicators, res.assumptions,
                )  # fmt: skip
                assert r["logframe_activity_count"] == res.activity_count
                seen += 1
    assert seen == len(results) == 17
    assert purposes[2602]["budget_eur"] == 0  # a real 0, not a missing budget
    assert purposes[1798]["budget_eur"] is None


def test_activities_link_to_their_expected_result(archive: Path) -> None:
    orphans = rows(
        archive,
        "SELECT a.activity_id FROM activities a LEFT JOIN expected_results r "
        "USING (project_purpose_key, expected_result_number) "
        "WHERE a.expected_result_number IS NOT NULL AND r.project_purpose_key IS NULL",
    )
    assert orphans == []
    [row] = rows(
        archive,
        "SELECT r.indicators FROM activities a JOIN expected_results r "
        "USING (project_purpose_key, expected_result_number) WHERE a.activity_id = 18356",
    )
    assert row["indicators"].startswith("- By month")


def test_logframe_pages_keep_provenance(archive: Path) -> None:
    pages = rows(archive, "SELECT * FROM logframe_pages ORDER BY capture_id")
    views = [s for s in logframe_specs() if not s.print_view]
    assert len(pages) == len(views) and all(p["kept"] for p in pages)
    assert {p["view"] for p in pages} == {"logframe", "logframe_purpose", "logframe_result"}
    captures = {r["capture_id"] for r in rows(archive, "SELECT capture_id FROM captures")}
    assert {p["capture_id"] for p in pages} <= captures


def test_the_build_report_lists_where_logframes_and_pages_disagree(archive: Path) -> None:
    report = json.loads(max((archive / "reports").glob("build-*.json")).read_text())
    found = {(d["table"], str(d["key"]), d["field"]) for d in report["disagreements"]}
    assert ("programmes", "PACO-Serbia", "programme_title") in found
    # DG1-style codes on activity pages, "DG I" on the logframe
    assert ("project_purposes", "2467", "project_purpose_code") in found
    assert ("project_purposes", "1716", "project_purpose_code") in found
    assert len(found) == 3
    assert report["logframes"] == report["logframe_pages"] == 35


def archived_ids(code: str) -> set[int]:
    return {a.record.activity_id for a in ACTIVITIES if a.record.programme_code == code}  # type: ignore[misc]


def test_coverage_on_the_whole_fixture_site(archive: Path) -> None:
    table = {
        (r["programme_code"], r["project_purpose_key"]): r
        for r in rows(archive, "SELECT * FROM coverage")
    }
    for prog in PROGRAMMES.values():
        record = programme_record(prog)
        row = table[(prog.code, None)]
        assert row["counted"] == record.activity_count
        assert row["archived"] == len(archived_ids(prog.code))
        assert row["share"] == pytest.approx(row["archived"] / row["counted"], abs=1e-4)
        assert (row["missing_count"], row["missing_ids"]) == (0, "")
        for p in record.project_purposes:
            assert table[(prog.code, p.key)]["counted"] == p.activity_count
    assert table[("CyberCrime@IPA", None)]["counted"] == 11  # 4 the site never listed
    assert table[("CyberCrime@IPA", None)]["archived"] == 7


def test_coverage_lists_activities_missing_from_the_harvest(tmp_path: Path) -> None:
    """Activities the site lists but the harvest did not get are named, by programme."""
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    gone = sorted(archived_ids("PACO-Serbia"))[:2] + sorted(archived_ids("UKR-TEJSU"))[:1]
    for aid in gone:
        (site / "CEAD" / "activities" / f"{aid}.html").unlink()  # now "no such activity"
        (site / "CEAD" / "activities" / "hidden" / f"{aid}.html").unlink(missing_ok=True)
    data = tmp_path / "data"
    with FixtureServer(root=site) as server:
        policy = FetchPolicy(rate=0, concurrency=4, contact="tests@localhost")
        harvest(HarvestConfig(base_url=server.url, data=data, policy=policy, discover=True,
                              progress=False))  # fmt: skip
    report = build(BuildConfig(data=data, progress=False))
    by_code = {r["programme_code"]: r for r in report.coverage}
    assert by_code["PACO-Serbia"]["missing_ids"] == f"{gone[0]}; {gone[1]}"
    assert by_code["PACO-Serbia"]["archived"] == len(archived_ids("PACO-Serbia")) - 2
    assert by_code["UKR-TEJSU"]["missing_ids"] == str(gone[2])
    assert by_code["SEE-PrisonRef"]["missing_count"] == 0
    out = run_cli("coverage", "--data", str(data), "--programme", "PACO-Serbia", "--format", "json")
    assert out.returncode == 0, out.stderr
    printed = json.loads(out.stdout)
    assert (
        printed[0]["programme_code"] == "PACO-Serbia" and printed[0]["project_purpose_key"] is None
    )
    assert printed[0]["missing_ids"] == f"{gone[0]}; {gone[1]}"
    assert {r["project_purpose_key"] for r in printed[1:]} == {1622, 1623, 1624}


def test_coverage_refuses_an_unknown_programme(archive: Path) -> None:
    out = run_cli("coverage", "--data", str(archive), "--programme", "NOPE")
    assert out.returncode == 2
    assert "no programme 'NOPE'" in out.stderr and "PACO-Serbia" in out.stderr


def test_parse_prints_a_logframe_record(archive: Path) -> None:
    page = SITE / "CEAD" / "logframes" / "programme-112.html"
    out = run_cli("parse", str(page))
    assert out.returncode == 0, out.stderr
    record = json.loads(out.stdout)
    assert (record["page_kind"], record["programme_code"]) == ("logframe", "PACO-Serbia")
    assert record["budget_eur"] == 3_500_000


def test_logframes_from_another_tools_warc(tmp_path: Path) -> None:
    """Logframe views imported from a WARC written by warcio (each view its own capture,
    the print view too) fill the programme like a harvest does."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from pipeline.fixtures.server import Site

    site, origin = Site(), "http://www.jp.coe.int/CEAD"
    targets = ["/JP/Default.asp?TransID=112", "/JP/Default.asp?PrintVersion=True&ProjectObjectiveID=1624",
               "/JP/Default.asp?SpecificObjectiveID=16241", "/Countries.asp?ID=18356&ActSyn=True"]  # fmt: skip
    warc = tmp_path / "other.warc.gz"
    with warc.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for target in targets:
            body = site.route("/CEAD" + target).body
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                origin + target, "response", payload=io.BytesIO(body), length=len(body),
                http_headers=http,
            ))  # fmt: skip
    data = tmp_path / "data"
    out = run_cli("harvest", "--source", "warc", str(warc), "--data", str(data), "--no-progress")
    assert out.returncode == 0, out.stdout + out.stderr
    report = build(BuildConfig(data=data, progress=False))
    assert report.logframes == report.logframe_pages == 3
    [prog] = rows(data, "SELECT * FROM programmes WHERE programme_code = 'PACO-Serbia'")
    assert (prog["source"], prog["budget_eur"], prog["logframe_activity_count"]) == (
        "logframe", 3_500_000, 11,
    )  # fmt: skip
    views = {r["view"]: r for r in rows(data, "SELECT * FROM logframe_pages")}
    assert set(views) == {"logframe", "logframe_purpose", "logframe_result"}
    assert views["logframe_purpose"]["project_purpose_key"] == 1624
    assert views["logframe_result"]["expected_result_id"] == 16241
