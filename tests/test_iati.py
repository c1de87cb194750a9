"""The IATI export (`jparchive export --format iati`), checked by the standard's own
files: valid against the IATI 2.03 activity schema (xmlschema), every code from its
codelists, every identifier beginning with the reporting organisation's ref, every
related activity there; an activity IATI cannot take (no status, no date) left out
and said, never given a made-up value."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import xmlschema

from pipeline.exports.iati import Reporter, iati_xml
from tests.conftest import run_cli

STANDARD = Path(__file__).resolve().parents[1] / ".iati" / "2-03"


def codes(name: str) -> set[str]:
    tree = ET.parse(STANDARD / "codelists" / f"{name}.xml")
    return {item.findtext("code") or "" for item in tree.iter("codelist-item")}


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    path = STANDARD / "schemas" / "iati-activities-schema.xsd"
    assert path.exists(), f"{path} is missing: `make test` fetches the IATI schemas (pyIATI)"
    return xmlschema.XMLSchema(str(path))


@pytest.fixture(scope="module")
def exported(archive: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("iati") / "jp.xml"
    result = run_cli("export", "--format", "iati", "--data", str(archive), "--out", str(out),
                     "--reporting-org-ref", "XM-EXAMPLE-1")  # fmt: skip
    assert result.returncode == 0, result.stderr
    return out, result.stderr


def test_the_whole_archive_is_valid_iati_2_03(
    schema: xmlschema.XMLSchema, exported: tuple[Path, str], archive: Path
) -> None:
    path, said = exported
    errors = [f"{e.path}: {e.reason}" for e in schema.iter_errors(str(path))]
    assert errors == []
    root = ET.parse(path).getroot()
    activities = pq.read_table(archive / "parquet" / "activities.parquet").to_pylist()
    undated = [a["activity_id"] for a in activities if not a["start_date"] and not a["end_date"]]
    assert undated and all(f"left out: activity {i}: it has no date" in said for i in undated)
    ids = [e.text or "" for e in root.iter("iati-identifier")]
    assert len(ids) == len(set(ids)) and all(i.startswith("XM-EXAMPLE-1-") for i in ids)
    assert f"{len(activities) - len(undated)} activities as iati" in said
    children = [i for i in ids if "-JPA-" in i]
    assert len(children) == len(activities) - len(undated)
    assert {r.get("ref") for r in root.iter("related-activity")} <= set(ids)  # none dangles
    # the logframes' expected results, each with its indicators, on their programmes
    expected = pq.read_table(archive / "parquet" / "expected_results.parquet").to_pylist()
    titles = {r.findtext("title/narrative") for r in root.iter("result")}
    assert titles == {f"{r['expected_result_number']}: {r['expected_result_text']}"
                      for r in expected if r["indicators"]}  # fmt: skip
    result = next(r for r in root.iter("result") if (r.findtext("title/narrative") or "")
                  .startswith("1.1: Anti-corruption legislation"))  # fmt: skip
    assert [i.findtext("title/narrative") for i in result.iter("indicator")] == [
        "By month 12, 1.1 achieved as planned",
        "Feedback of the beneficiaries on result 1.1",
    ]


def test_every_code_is_from_the_standards_codelists(exported: tuple[Path, str]) -> None:
    root = ET.parse(exported[0]).getroot()
    for tag, attribute, codelist in [
        ("activity-status", "code", "ActivityStatus"), ("activity-date", "type", "ActivityDateType"),
        ("description", "type", "DescriptionType"), ("participating-org", "role", "OrganisationRole"),
        ("participating-org", "type", "OrganisationType"), ("recipient-country", "code", "Country"),
        ("category", "code", "DocumentCategory"), ("related-activity", "type", "RelatedActivityType"),
        ("budget", "type", "BudgetType"), ("budget", "status", "BudgetStatus"),
        ("value", "currency", "Currency"), ("exactness", "code", "GeographicExactness"),
        ("result", "type", "ResultType"), ("indicator", "measure", "IndicatorMeasure"),
    ]:  # fmt: skip
        used = {e.get(attribute) for e in root.iter(tag)}
        assert used and used <= codes(codelist), (tag, used - codes(codelist))


def test_the_fixture_activity_reads_as_its_page_says(exported: tuple[Path, str]) -> None:
    root = ET.parse(exported[0]).getroot()
    [activity] = [a for a in root.iter("iati-activity")
                  if a.findtext("iati-identifier") == "XM-EXAMPLE-1-JPA-18356"]  # fmt: skip
    assert activity.findtext("title/narrative") == "Regional Conference on Cybercrime"
    assert [d.get("iso-date") for d in activity.iter("activity-date")] == [
        "2007-03-19",
        "2007-03-21",
    ]
    assert {c.get("code") for c in activity.iter("recipient-country")} >= {"RS"}
    assert sum(int(c.get("percentage") or 0) for c in activity.iter("recipient-country")) == 100
    funders = {o.findtext("narrative") for o in activity.iter("participating-org")
               if o.get("role") == "1"}  # fmt: skip
    assert funders == {"European Union", "Council of Europe"}
    link = activity.find("document-link")
    assert link is not None and link.get("url", "").startswith("http://www.jp.coe.int/CEAD/")
    assert activity.find("related-activity").get("ref") == "XM-EXAMPLE-1-JP-PACO-Serbia"  # type: ignore[union-attr]


def test_what_iati_needs_and_the_page_lacks_is_left_out_not_made_up(
    schema: xmlschema.XMLSchema,
) -> None:
    base = {"activity_id": 1, "title": None, "description": None, "objectives": None,
            "results": None, "follow_up": None, "date_text": None, "location": None,
            "programme_title": None, "programme_code": None, "place_id": None,
            "source": "site", "source_url": "http://www.jp.coe.int/CEAD/Countries.asp?ID=1",
            "original_url": "http://www.jp.coe.int/CEAD/Countries.asp?ID=1"}  # fmt: skip
    rows = [{**base, "status": None, "start_date": "2007-01-01", "end_date": None},
            {**base, "activity_id": 2, "status": "Completed", "start_date": None, "end_date": None},
            {**base, "activity_id": 3, "status": "Bewildered", "start_date": "2007-01-01",
             "end_date": None},
            {**base, "activity_id": 4, "status": "Completed", "start_date": "2007-01-01",
             "end_date": None}]  # fmt: skip
    xml, left_out = iati_xml(rows, {}, {}, [], Reporter())
    assert left_out == ["activity 1: it has no status", "activity 2: it has no date",
                        "activity 3: its status 'Bewildered' is none IATI knows"]  # fmt: skip
    assert schema.is_valid(xml.decode("utf-8"))
    root = ET.fromstring(xml)
    [kept] = list(root.iter("iati-activity"))
    assert [d.get("type") for d in kept.iter("activity-date")] == ["2"]  # no end made up
    assert kept.find("description/narrative").text == "-"  # type: ignore[union-attr]
