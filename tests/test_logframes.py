"""Logframe pages: every fixture view against its golden record, field by field; the real
pages' text renderings against what is written on them; one test per example of the
issue's field table; and mutations that must never raise nor invent a value."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers import LogframeRecord, NotALogframe, parse_activity, parse_logframe
from pipeline.fixtures.logframes import logframe_specs, render_logframe, synthetic_logframes
from pipeline.fixtures.server import SITE

LOGFRAMES = SITE / "CEAD" / "logframes"
PAGES = sorted(LOGFRAMES.glob("*.html"))
TEXT = SITE.parent / "text"
FIELDS = [f for f in json.loads(next(LOGFRAMES.glob("*.json")).read_text()) if f != "issues"]
URL = "http://www.jp.coe.int/CEAD/JP/Default.asp?"


@cache
def golden(page: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    return data


@cache
def parsed(page: Path) -> dict[str, Any]:
    record = parse_logframe(page.read_bytes(), golden(page)["url"])
    assert isinstance(record, LogframeRecord), record
    return record.to_dict()


def test_the_fixture_site_has_every_view_in_every_markup() -> None:
    specs = logframe_specs()
    assert {s.record.scope for s in specs} == {"programme", "project_purpose", "expected_result"}
    assert {s.markup for s in specs} == {"site", "upper", "div"}
    assert {s.print_view for s in specs} == {True, False}
    assert len(PAGES) == len(specs)


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_golden_field(page: Path, field: str) -> None:
    assert parsed(page)[field] == golden(page)[field]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_golden_pages_parse_without_issues(page: Path) -> None:
    assert parsed(page)["issues"] == []


def text_rendering(name: str) -> bytes:
    """The rendering below the reference's header note (which ends at the first blank line)."""
    text = (TEXT / name).read_text(encoding="utf-8")
    return text.split("\n\n", 1)[1].encode("utf-8")


def test_real_programme_page_rendering() -> None:
    r = parse_logframe(text_rendering("logframe-94.txt"), URL + "TransID=94")
    assert isinstance(r, LogframeRecord)
    d = r.to_dict()
    assert (d["scope"], d["trans_id"]) == ("programme", 94)
    assert d["programme_code"] == "MOLICO-Moldova II"
    assert d["programme_title"] == (
        "Programme against corruption,money laundering and terrorist financing in Moldova"
    )
    assert (d["period_start"], d["period_end"]) == ("2006-08-01", "2009-07-31")
    assert (d["status"], d["coordinating_dg"]) == ("Completed", "DG I Legal Affairs")
    assert (d["budget_eur"], d["activity_count"]) == (3_500_000, 143)
    assert d["overall_objectives"].startswith("[one sentence of about 40 words")
    [pp] = d["project_purposes"]
    assert (pp["number"], pp["code"], pp["key"], pp["budget_eur"]) == (
        "1", "2006/DG1/JP/1670", 1670, 3_500_000,
    )  # fmt: skip
    assert pp["title"] == "MOLICO Project against corruption and money laundering in Moldova"
    # the normal view runs the four columns together: the text stays in the first
    assert pp["narrative"].startswith("[the purpose's narrative")
    assert pp["indicators"] is pp["sources_of_verification"] is pp["assumptions"] is None
    [er] = pp["expected_results"]
    assert er["number"] == "1.1"
    assert er["text"].startswith("Efficient monitoring, coordination and management")
    assert "- GRECO reports," in er["text"] and er["indicators"] is None


def test_real_purpose_view_rendering() -> None:
    r = parse_logframe(text_rendering("logframe-purpose-3729.txt"), URL + "ProjectObjectiveID=3729")
    assert isinstance(r, LogframeRecord)
    d = r.to_dict()
    assert (d["scope"], d["project_purpose_key"]) == ("project_purpose", 3729)
    assert (d["programme_code"], d["status"]) == ("HF-I.3-HR", "Active")
    assert d["programme_title"] == "Ensuring Justice: Human Rights, including ECHR Case law"
    assert (d["period_start"], d["period_end"]) == ("2016-05-24", "2019-05-23")
    assert d["coordinating_dg"] == "Office of the Director General of Programmes"
    assert d["budget_eur"] is None  # no budget line under its DG
    assert d["overall_objectives"] is None  # "Overall Objectives ." is a placeholder
    [pp] = d["project_purposes"]
    assert (pp["number"], pp["code"], pp["key"]) == ("4", "2016/DG I/JP/3729", 3729)
    assert pp["title"] == (
        "HF-Serbia - Supporting effective remedies and mutual legal assistance \u201cSEMA\u201d"
    )
    assert (pp["budget_eur"], pp["activity_count"]) == (650_000, 9)
    assert pp["narrative"].startswith("[two numbered objectives")


def test_real_print_view_rendering() -> None:
    url = URL + "PrintVersion=True&ProjectObjectiveID=2632"
    r = parse_logframe(text_rendering("logframe-print-2632.txt"), url)
    assert isinstance(r, LogframeRecord)
    d = r.to_dict()
    assert (d["scope"], d["project_purpose_key"]) == ("project_purpose", 2632)
    assert d["programme_code"] == "CoE EaP Facility"  # no "(Joint Programmes)" line here
    assert d["programme_title"] == "Council of Europe Eastern Partnership Facility"
    assert (d["budget_eur"], d["activity_count"], d["status"]) == (4_800_000, 55, "Completed")
    [pp] = d["project_purposes"]
    assert (pp["code"], pp["budget_eur"], pp["activity_count"]) == ("2011/DG I/JP/2632", 923_995, 0)
    # cells apart by " " lines: narrative and indicators run together, then the others
    assert pp["narrative"].startswith("[narrative: one sentence")
    assert pp["sources_of_verification"].startswith("[sources of verification")
    assert pp["assumptions"].startswith("[assumptions")
    [er] = pp["expected_results"]
    assert (er["number"], er["activity_count"], er["text"]) == (
        "1.1", 19, "[the result's text, cut off]",
    )  # fmt: skip


def page(head: str, table: str = "", url: str = URL + "TransID=7") -> dict[str, Any]:
    """A small logframe page in the site's table markup."""
    body = (
        "<html><body><table>"
        "<tr><td>(Joint Programmes)</td></tr>"
        f"{head}"
        "<tr><td>Coordinating DG:</td><td>DG I</td></tr>"
        "</table><table><tr><td>Intervention Logic</td><td>Performance Indicators</td>"
        "<td>Sources of Verification</td><td>Assumptions</td></tr>"
        f"{table}</table></body></html>"
    )
    r = parse_logframe(body.encode(), url)
    assert isinstance(r, LogframeRecord), r
    return r.to_dict()


CODE_LINE = "<tr><td><b>{code}</b>&nbsp;&nbsp; A title</td></tr>"


@pytest.mark.parametrize(
    "code", ["MOLICO-Moldova II", "Albania -Judiciary", "ECR 2011 -2012", "NS Centre - JMA II"]
)
def test_codes_hold_spaces_and_hyphens(code: str) -> None:
    d = page(CODE_LINE.format(code=code))
    assert (d["programme_code"], d["programme_title"]) == (code, "A title")


def test_the_code_and_title_split_where_the_rendering_leaves_a_gap() -> None:
    d = page("<tr><td>NS Centre - JMA II   North-South Centre programme</td></tr>")
    assert (d["programme_code"], d["programme_title"]) == (
        "NS Centre - JMA II", "North-South Centre programme",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("query", "showing", "scope"),
    [
        ("TransID=7", "", "programme"),
        ("TransID=7&SA=0&SE=0", "", "programme"),
        ("ProjectObjectiveID=3234", "Showing only one 'Project Purpose'", "project_purpose"),
        ("SpecificObjectiveID=99", "Showing only one 'Expected Result'", "expected_result"),
        ("PrintVersion=True&SpecificObjectiveID=99", "", "expected_result"),
        ("TransID=7", "Showing only one \u2018Project Purpose\u2019", "project_purpose"),
    ],
)
def test_scope_from_the_url_and_the_showing_line(query: str, showing: str, scope: str) -> None:
    d = page(CODE_LINE.format(code="X") + f"<tr><td>{showing}</td></tr>", url=URL + query)
    assert d["scope"] == scope
    assert d["page_kind"] == "logframe"


def test_ids_from_the_url() -> None:
    d = page("", url=URL + "SpecificObjectiveID=99")
    assert (d["trans_id"], d["expected_result_id"]) == (None, 99)
    d = page("", url=URL + "ProjectObjectiveID=3234&PrintVersion=True")
    assert d["project_purpose_key"] == 3234


def test_trans_id_from_the_one_programme_the_links_name() -> None:
    link = '<tr><td><a href="../Programmes.asp?TransID=245">(3 Activities)</a></td></tr>'
    assert page(link, url=URL + "ProjectObjectiveID=1")["trans_id"] == 245
    two = link + link.replace("245", "246")
    assert page(two, url=URL + "ProjectObjectiveID=1")["trans_id"] is None  # not guessed


@pytest.mark.parametrize(
    ("line", "field", "value"),
    [
        ("01/08/2006 - 31/07/2009", "period_start", "2006-08-01"),
        ("01/08/2006 - 31/07/2009", "period_end", "2009-07-31"),
        ("JP Completed", "status", "Completed"),
        ("JP Active", "status", "Active"),
        ("3 500 000", "budget_eur", 3_500_000),
    ],
)
def test_head_fields(line: str, field: str, value: object) -> None:
    assert page(f"<tr><td>{line}</td></tr>")[field] == value


def test_no_budget_line_is_null_and_the_dg_is_the_next_cell() -> None:
    d = page("")
    assert d["budget_eur"] is None
    assert d["coordinating_dg"] == "DG I"


OVERALL = (
    "<tr><td>Overall Objectives<br>{count} Narrative<br>{text}</td><td></td><td></td><td></td></tr>"
)


@pytest.mark.parametrize("placeholder", ["tbc", ".", "TBC", "-"])
def test_placeholder_objectives_are_null(placeholder: str) -> None:
    table = OVERALL.format(count="(143 Activities)", text=placeholder)
    assert page("", table)["overall_objectives"] is None


@pytest.mark.parametrize(("count", "n"), [("(143 Activities)", 143), ("(1 Activity)", 1)])
def test_activity_count(count: str, n: int) -> None:
    d = page("", OVERALL.format(count=count, text="To help."))
    assert (d["activity_count"], d["overall_objectives"]) == (n, "To help.")


PURPOSE = (
    "<tr><td colspan=4>Project Purpose 3&nbsp;&nbsp;&nbsp; 2015/DG I/JP/3234&nbsp;&nbsp; "
    "Serbia - Judicial reform {budget}</td></tr>"
    "<tr><td>(2 Activities) Narrative<br>To reform.</td><td>- Law adopted</td>"
    "<td>Official journal</td><td>Will of the authorities</td></tr>"
    "<tr><td>Expected Result 3.1 Courts reorganised<br>(1 Activity)</td><td>- Map adopted</td>"
    "<td>Reports</td><td></td></tr>"
)


def test_project_purposes_and_their_results() -> None:
    [pp] = page("", PURPOSE.format(budget="650 000"))["project_purposes"]
    assert pp == {
        "number": "3", "code": "2015/DG I/JP/3234", "key": 3234, "title": "Serbia - Judicial reform",
        "budget_eur": 650_000, "activity_count": 2, "narrative": "To reform.",
        "indicators": "- Law adopted", "sources_of_verification": "Official journal",
        "assumptions": "Will of the authorities",
        "expected_results": [{
            "number": "3.1", "text": "Courts reorganised", "activity_count": 1,
            "indicators": "- Map adopted", "sources_of_verification": "Reports", "assumptions": None,
        }],
    }  # fmt: skip


@pytest.mark.parametrize(("budget", "value"), [("0", 0), ("", None), ("1 200 000", 1_200_000)])
def test_purpose_budgets_zero_is_a_real_zero(budget: str, value: int | None) -> None:
    [pp] = page("", PURPOSE.format(budget=budget))["project_purposes"]
    assert pp["budget_eur"] == value
    assert pp["title"] == "Serbia - Judicial reform"


def test_documents_on_numbered_rows_with_no_label_of_their_own() -> None:
    rows = (
        "<tr><td>Documents/Links:</td><td></td></tr>"
        '<tr><td>1</td><td><a href="http://www.coe.int/a.pdf">http://www.coe.int/a.pdf</a></td></tr>'
        '<tr><td>2</td><td><a href="/CEAD/b.doc">b</a></td></tr>'
    )
    d = page(rows, url="http://www.jp.coe.int/CEAD/JP/Default.asp?TransID=7")
    assert d["documents"] == ["http://www.coe.int/a.pdf", "http://www.jp.coe.int/CEAD/b.doc"]


def test_an_activity_page_is_no_logframe_and_a_logframe_no_activity() -> None:
    activity = (SITE / "CEAD" / "activities" / "18356.html").read_bytes()
    assert isinstance(parse_logframe(activity), NotALogframe)
    assert not isinstance(parse_activity(PAGES[0].read_bytes()), type(parse_logframe(activity)))
    assert isinstance(parse_logframe(b""), NotALogframe)
    assert isinstance(parse_logframe(b"<html><body>404 Not Found</body></html>"), NotALogframe)


def test_pages_past_the_limits_are_refused_unread() -> None:
    huge = b"<table>" + b"<tr><td>x</td></tr>" * 300_000
    result = parse_logframe(huge)
    assert isinstance(result, NotALogframe) and result.over_limits


# --- mutations -------------------------------------------------------------------------

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ROW_START = re.compile(r"(?i)(?=<tr[\s>])")
TAGS = re.compile(r"<[^>]+>")


def page_words(body: bytes) -> str:
    """The page's text with tags gone and spacing flattened: where every value must be."""
    import html

    text = html.unescape(TAGS.sub(" ", body.decode("windows-1252", "replace")))
    return " ".join(text.replace("\xa0", " ").split())


def strings_and_numbers(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [x for k, v in value.items() if k not in ("url", "scope", "page_kind", "number",
                "issues", "key", "trans_id", "project_purpose_key", "expected_result_id",
                "period_start", "period_end", "documents", "status")
                for x in strings_and_numbers(v)]  # fmt: skip
    if isinstance(value, list):
        return [x for v in value for x in strings_and_numbers(v)]
    return [] if value is None else [value]


def assert_nothing_invented(result: object, body: bytes) -> None:
    if not isinstance(result, LogframeRecord):
        return
    words = page_words(body)
    digits = re.sub(r"\D", "", words)
    for value in strings_and_numbers(result.to_dict()):
        if isinstance(value, str):  # line by line: a column gathers lines of several rows
            for line in value.splitlines():
                assert " ".join(line.split()) in words, f"{line!r} is not on the page"
        else:
            assert str(value) in digits, f"{value!r} is not on the page"


@SETTINGS
@given(st.sampled_from(PAGES), st.floats(0, 1))
def test_truncated_logframes_never_raise_nor_invent(path: Path, cut: float) -> None:
    body = path.read_bytes()[: int(path.stat().st_size * cut)]
    parse_logframe(body, golden(path)["url"])
    body = re.sub(rb"<[^>]*$", b"", body)  # a cut tag's "<" is text a browser shows too
    assert_nothing_invented(parse_logframe(body, golden(path)["url"]), body)


@SETTINGS
@given(st.sampled_from(PAGES), st.data())
def test_a_deleted_row_invents_nothing(path: Path, data: st.DataObject) -> None:
    segments = ROW_START.split(path.read_bytes().decode("latin-1"))
    k = data.draw(st.integers(1, len(segments) - 1), label="row")
    body = "".join(segments[:k] + segments[k + 1 :]).encode("latin-1")
    assert_nothing_invented(parse_logframe(body, golden(path)["url"]), body)


@SETTINGS
@given(st.sampled_from(PAGES), st.binary(max_size=64), st.floats(0, 1))
def test_random_bytes_spliced_in_never_raise(path: Path, noise: bytes, at: float) -> None:
    body = path.read_bytes()
    k = int(len(body) * at)
    parse_logframe(body[:k] + noise + body[k:], golden(path)["url"])


@pytest.mark.parametrize("spec", list(synthetic_logframes(30, seed=3)), ids=lambda s: s.name)
def test_synthetic_logframes_read_back(spec: Any) -> None:
    record = parse_logframe(render_logframe(spec), spec.record.url)
    assert isinstance(record, LogframeRecord)
    assert record.to_dict() == spec.record.to_dict()


# --- markup the fixture site does not have ------------------------------------------------

WAYBACK_TOOLBAR = (
    '<div id="wm-ipp"><table><tr><td>INTERNET ARCHIVE <a href="/web/20080101000000*/x">'
    "Wayback Machine</a></td><td>34 captures</td><td>2007 2008 2009</td></tr></table></div>"
)


def test_paragraphs_a_definition_list_and_a_wayback_toolbar() -> None:
    body = f"""<html><body>{WAYBACK_TOOLBAR}
    <h2>Joint Programmes - Logframes and Activities</h2>
    <p>(Joint Programmes)</p>
    <p><strong>CyberCrime@IPA</strong>&nbsp;&nbsp;<em>Regional Cooperation in Criminal Justice</em></p>
    <p>Showing only one &quot;Expected Result&quot;</p>
    <dl><dt>Period</dt><dd>01/11/2010 &ndash; 30/04/2013</dd>
        <dt>Status:</dt><dd>JP Completed</dd>
        <dt>Coordinating DG:</dt><dd>DG I - Human Rights and Rule of Law</dd>
        <dt>Budget</dt><dd>2 777 778 &euro;</dd></dl>
    <table class="lf"><thead><tr><th>Intervention logic</th><th>Indicators</th>
      <th>Sources of verification</th><th>Assumptions</th></tr></thead>
    <tbody><tr><td colspan="4"><span class="pp">Project Purpose 1</span>
      <span class="code">2010/DG I/JP/2467</span>
      <a href="/web/2012/http://www.jp.coe.int/CEAD/JP/Default.asp?ProjectObjectiveID=2467">Cooperation against cybercrime</a>
      <span class="budget">2 777 778</span></td></tr>
    <tr><td><p>Expected Result 1.2: Judicial training on cybercrime</p>
      <p><a href="/web/2012/http://www.jp.coe.int/CEAD/Programmes.asp?TransID=245">(4 Activities)</a></p></td>
      <td><ul><li>Judges trained</li><li>Training manual</li></ul></td>
      <td>Reports</td><td>Funds available</td></tr></tbody></table>
    </body></html>"""
    url = "http://web.archive.org/web/2012id_/http://www.jp.coe.int/CEAD/JP/Default.asp?SpecificObjectiveID=24672"
    r = parse_logframe(body.encode("utf-8"), url, "text/html; charset=utf-8")
    assert isinstance(r, LogframeRecord), r
    d = r.to_dict()
    assert (d["scope"], d["expected_result_id"], d["trans_id"]) == ("expected_result", 24672, 245)
    assert (d["programme_code"], d["programme_title"]) == (
        "CyberCrime@IPA", "Regional Cooperation in Criminal Justice",
    )  # fmt: skip
    assert (d["period_start"], d["status"], d["budget_eur"]) == (
        "2010-11-01",
        "Completed",
        2_777_778,
    )
    assert d["coordinating_dg"] == "DG I - Human Rights and Rule of Law"
    [pp] = d["project_purposes"]
    assert (pp["key"], pp["title"], pp["budget_eur"]) == (
        2467,
        "Cooperation against cybercrime",
        2_777_778,
    )
    assert d["project_purpose_key"] == 2467
    [er] = pp["expected_results"]
    assert (er["number"], er["text"], er["activity_count"]) == (
        "1.2",
        "Judicial training on cybercrime",
        4,
    )
    assert er["indicators"] == "Judges trained\nTraining manual"
    assert (er["sources_of_verification"], er["assumptions"]) == ("Reports", "Funds available")


def test_columns_found_by_their_headings_whatever_their_order_and_spacers() -> None:
    """A header row with a spacer column and the headings in another order: each cell is
    read into the column its heading names."""
    body = """<html><body><table><tr><td>(Joint Programmes)</td></tr>
    <tr><td>PACO-Serbia&nbsp; Project</td></tr><tr><td>Coordinating DG: DG I</td></tr></table>
    <table><tr><td>Intervention Logic</td><td>&nbsp;</td><td>Assumptions</td>
      <td>Sources of Verification</td><td>Performance Indicators</td></tr>
    <tr><td>Overall Objectives (9 Activities) To fight crime.</td><td></td><td>Stability</td>
      <td>Reports</td><td>Laws passed</td></tr></table></body></html>"""
    r = parse_logframe(body.encode(), URL + "TransID=112")
    assert isinstance(r, LogframeRecord)
    assert (r.overall_objectives, r.activity_count) == ("To fight crime.", 9)


def test_a_text_rendering_inside_pre() -> None:
    text = text_rendering("logframe-94.txt").decode()
    body = f"<html><body><pre>{text}</pre></body></html>".encode()
    r = parse_logframe(body, URL + "TransID=94")
    assert isinstance(r, LogframeRecord)
    assert (r.programme_code, r.budget_eur, r.activity_count) == (
        "MOLICO-Moldova II",
        3_500_000,
        143,
    )
    assert r.project_purposes[0].key == 1670


def test_what_cannot_be_read_is_an_issue_not_a_guess() -> None:
    d = page(
        "<tr><td>MOLICO Programme against corruption</td></tr><tr><td>32/13/2006 - 31/07/2009</td></tr>"
    )
    assert d["programme_code"] is None  # no gap to split at: not guessed
    assert d["programme_title"] == "MOLICO Programme against corruption"
    assert d["period_start"] is None and d["period_end"] == "2009-07-31"
    assert {i["field"] for i in d["issues"]} == {"programme_code", "period_start"}


def test_a_label_column_before_the_four_columns() -> None:
    """Row labels in a column of their own, the heading's code and title in the next cell."""
    body = """<html><body><table><tr><td>(Joint Programmes)</td></tr>
    <tr><td>UKR-TEJSU&nbsp;&nbsp;Transparency of the judiciary</td></tr>
    <tr><td>Coordinating DG:</td><td>DG HL</td></tr></table>
    <table><tr><td></td><td>Intervention Logic</td><td>Performance Indicators</td>
      <td>Sources of Verification</td><td>Assumptions</td></tr>
    <tr><td>Project Purpose 1</td><td>2008/DGHL/JP/1798 Judicial System 650 000<br>
      (5 Activities) Narrative<br>To make courts efficient.</td><td>Backlog halved</td>
      <td>Court statistics</td><td>Reform goes on</td></tr>
    <tr><td>Expected Result 1.1</td><td>Laws reviewed (2 Activities)</td><td>Laws adopted</td>
      <td>Official journal</td><td></td></tr></table></body></html>"""
    r = parse_logframe(body.encode(), URL + "TransID=203")
    assert isinstance(r, LogframeRecord)
    [pp] = r.project_purposes
    assert (pp.key, pp.title, pp.budget_eur, pp.activity_count) == (
        1798,
        "Judicial System",
        650_000,
        5,
    )
    assert (pp.narrative, pp.indicators, pp.sources_of_verification, pp.assumptions) == (
        "To make courts efficient.", "Backlog halved", "Court statistics", "Reform goes on",
    )  # fmt: skip
    [er] = pp.expected_results
    assert (er.text, er.activity_count, er.indicators, er.assumptions) == (
        "Laws reviewed", 2, "Laws adopted", None,
    )  # fmt: skip
