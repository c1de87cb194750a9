"""The IATI export (`jparchive export --format iati`), checked by the standard's own
files: valid against the IATI 2.03 activity schema (xmlschema), every code from its
codelists, every identifier beginning with the reporting organisation's ref, every
related activity there; an activity IATI cannot take (no status, no date) left out
and said, never given a made-up value."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import xmlschema

from pipeline.exports.iati import Reporter, Tables, iati_xml
from pipeline.exports.iati_codes import category, region
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
        ("document-link", "format", "FileFormat"), ("language", "code", "Language"),
        ("recipient-region", "vocabulary", "RegionVocabulary"),
    ]:  # fmt: skip
        used = {e.get(attribute) for e in root.iter(tag)}
        assert used and used <= codes(codelist), (tag, used - codes(codelist))
    dac = {r.get("code") for r in root.iter("recipient-region") if r.get("vocabulary") == "1"}
    assert dac and dac <= codes("Region"), dac - codes("Region")


def test_recipient_shares_sum_to_100_as_the_standards_ruleset_says(
    exported: tuple[Path, str],
) -> None:
    rules = json.loads((STANDARD / "rulesets" / "standard_ruleset.json").read_text())
    [case] = rules["//iati-activity"]["sum"]["cases"]  # countries and regions: 100
    assert case["sum"] == 100
    root = ET.parse(exported[0]).getroot()
    checked = 0
    for activity in root.iter("iati-activity"):
        shares = [float(e.get(path.rsplit("/@", 1)[1]) or 0) for path in case["paths"]
                  for e in activity.iter(path.split("/@", 1)[0])]  # fmt: skip
        if shares:
            assert sum(shares) == 100, activity.findtext("iati-identifier")
            checked += 1
    regional = [a for a in root.iter("iati-activity") if a.find("recipient-region") is not None]
    assert checked > 30 and regional  # the fixture's "Regions:" lines are there


def test_linked_documents_are_document_links_or_said_to_be_left_out(
    exported: tuple[Path, str], archive: Path
) -> None:
    """Each archived document an exported activity links is a document-link with the
    category its own words give it (an agenda A02, a report or minutes A08), or is named
    as left out; none is given a category its words do not support."""
    path, said = exported
    root = ET.parse(path).getroot()
    links = {(a.findtext("iati-identifier") or "").rsplit("-", 1)[1]: {
        d.get("url", "").rsplit("/", 1)[1]: d.find("category").get("code")  # type: ignore[union-attr]
        for d in a.iter("document-link")} for a in root.iter("iati-activity")}  # fmt: skip
    parquet = archive / "parquet"
    linked = pq.read_table(parquet / "activity_documents.parquet").to_pylist()
    urls = {d["document_id"]: d["url"] for d in pq.read_table(parquet / "documents.parquet")
            .to_pylist()}  # fmt: skip
    shown = 0
    for row in linked:
        url, activity = urls[row["document_id"]], str(row["activity_id"])
        if activity not in links:
            continue
        name = url.rsplit("/", 1)[1]
        if name in links[activity]:
            shown += 1
        else:
            assert f"left out: document {url} (activity {activity}): its link" in said
    assert shown >= 5
    assert links["20107"]["agenda-20107.doc"] == "A02"
    assert links["20107"]["paco-serbia-final-report.pdf"] == "A08"
    assert links["16881"]["minutes-16881.rtf"] == "A08"
    assert "participants-31005.xlsx" not in links["31005"]  # a list says not what it is


@pytest.mark.parametrize(("label", "title", "url", "code"), [
    ("Agenda (DOC)", None, "http://x/docs/a.doc", "A02"),
    (None, None, "http://x/docs/ordre_du_jour.pdf", "A02"),
    ("Final evaluation report", None, "http://x/1.pdf", "A07"),  # an evaluation first
    ("Rapport final", None, "http://x/1.pdf", "A08"),
    ("Document 1", "Memorandum of Understanding", "http://x/1.pdf", "A09"),
    ("List of participants", None, "http://x/participants.xlsx", None),
    ("Monitoring", "Presentation", "http://x/reporting.pptx", None),  # not "report", "tor"
    ("", "", "http://x/?report=1", None),  # a query string is no file name
])  # fmt: skip
def test_a_documents_category_comes_from_its_own_words(
    label: str | None, title: str | None, url: str, code: str | None
) -> None:
    assert category(label, title, url) == code


@pytest.mark.parametrize(("name", "found"), [
    ("South-East Europe", ("89", "1")), ("  western  BALKANS ", ("89", "1")),
    ("South Caucasus", ("619", "1")), ("Eastern Partnership", ("Eastern-Partnership", "99")),
    ("Méditerranée", ("M-diterran-e", "99")),
])  # fmt: skip
def test_a_region_is_dacs_only_where_all_its_countries_lie_in_one(
    name: str, found: tuple[str, str]
) -> None:
    assert region(name) == found


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
    xml, left_out = iati_xml(rows, Tables(), Reporter())
    assert left_out == ["activity 1: it has no status", "activity 2: it has no date",
                        "activity 3: its status 'Bewildered' is none IATI knows"]  # fmt: skip
    assert schema.is_valid(xml.decode("utf-8"))
    root = ET.fromstring(xml)
    [kept] = list(root.iter("iati-activity"))
    assert [d.get("type") for d in kept.iter("activity-date")] == ["2"]  # no end made up
    assert kept.find("description/narrative").text == "-"  # type: ignore[union-attr]


def test_a_wayback_documents_link_is_its_citable_archived_address(
    schema: xmlschema.XMLSchema,
) -> None:
    row = {"activity_id": 4, "title": "T", "description": "D", "objectives": None,
           "results": None, "follow_up": None, "location": None, "programme_code": None,
           "place_id": None, "status": "Planned", "start_date": "2009-05-01",
           "end_date": None, "source": "wayback", "original_url": "http://www.jp.coe.int/a",
           "source_url": "https://web.archive.org/web/20100101000000id_/http://www.jp.coe.int/a"}  # fmt: skip
    doc = {"url": "http://www.jp.coe.int/docs/r.pdf", "source": "wayback", "kind": "pdf",
           "final_url": "https://web.archive.org/web/20100102000000id_/http://www.jp.coe.int/docs/r.pdf",
           "label": "Report", "title": None, "language": "fr-FR"}  # fmt: skip
    xml, left_out = iati_xml([row], Tables(documents={4: [doc]}, regions={4: ["Europe"]}),
                             Reporter())  # fmt: skip
    assert left_out == [] and schema.is_valid(xml.decode("utf-8"))
    links = list(ET.fromstring(xml).iter("document-link"))
    assert [d.get("url") for d in links] == [
        "https://web.archive.org/web/20100101000000/http://www.jp.coe.int/a",
        "https://web.archive.org/web/20100102000000/http://www.jp.coe.int/docs/r.pdf",
    ]
    assert links[1].find("language").get("code") == "fr"  # type: ignore[union-attr]
