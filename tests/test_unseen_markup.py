"""The real page 18356 in markups our fixture renderer never writes, parsed to its golden record.

Each page here is written by hand around the golden values, in the way another copy of the
site (a later re-render, a print view, a saved page) might lay it out: headings outside
the tables, labels in `<th>` with colons, the synopsis in a table of its own, a script
holding table markup, list and paragraph markup in values. Parsing any of them must give
the record a careful archivist would transcribe, field by field.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from parsers import ActivityRecord, parse_activity

ROOT = Path(__file__).resolve().parents[1]
GOLDEN: dict[str, object] = json.loads(
    (ROOT / "fixtures/site/CEAD/activities/18356.json").read_text(encoding="utf-8")
)


def text(field: str) -> str:
    """A golden value as HTML: paragraphs as <p>, lines as <br>."""
    value = GOLDEN[field]
    assert isinstance(value, str)
    paras = [html.escape(p).replace("\n", "<br>") for p in value.split("\n\n")]
    return "".join(f"<p>{p}</p>" for p in paras) if len(paras) > 1 else paras[0]


def names(field: str) -> str:
    value = GOLDEN[field]
    assert isinstance(value, list)
    return ", ".join(value)


def labelled(label: str, value: str) -> str:
    return f'<tr><th scope="row">{label}:</th><td><span class="v">{value}</span></td></tr>\n'


def headings_outside_tables() -> str:
    """A later re-render: <h2> section headings between tables, <th> labels with colons."""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Activity 18356</title>
<script>var row = "<tr><td>Title</td><td>Not this</td></tr>";</script></head>
<body><header><nav><ul><li><a href="/">Current Events</a></li><li><a href="/s">Search</a></li>
</ul></nav></header>
<main>
<h1>Activity Details (ID# 18356)</h1>
<p><a href="Countries.asp?ID=18356">Hide Synopsis</a></p>
<table class="activity">
{labelled("Title", text("title"))}{labelled("Description", text("description"))}
{labelled("Status", text("status"))}{labelled("Date", "19/03/2007&nbsp;-&nbsp;21/03/2007")}
{labelled("Location", "Belgrade, Serbia")}{labelled("Countries", "CoE Members: Serbia")}
<tr><td></td><td>Joint Programme Activity - PACO-Serbia</td></tr>
</table>
<h2>Joint Programme EC/CoE</h2>
<table>
{
        labelled(
            "JP",
            '<a href="JP/Default.asp?TransID=112">PACO-Serbia - Project against economic crime</a> '
            '<a href="JP/Default.asp?TransID=112">(Logframe)</a> <a href="Programmes.asp?TransID=112">(Activities)</a>',
        )
    }
{
        labelled(
            "Project Purpose",
            "3 - 2005/DG1/JP/1624&nbsp;&nbsp; PACO-Serbia - Improvement of detection and prevention of cyber crime",
        )
    }
{labelled("Expected Result", "3.1 - " + text("expected_result_text"))}
</table>
<h2>Council of Europe Programme of Activities</h2>
<table>
<tr><td colspan="2">I – Rule of Law</td></tr>
{labelled("Line of Action", "&rArr; II.3 – Strengthening the security of European citizens")}
{labelled("Programme", "&#9734; II.3.2&nbsp; European standards for crime control")}
{labelled("Project", "2004/DG1/143 Effective measures to fight economic crime and cybercrime")}
{labelled("Expected Result", "2 " + text("coe_expected_result_text"))}
</table>
<h3>Working Method</h3>
<table><tr><td colspan="2">Organisation of meetings - Seminar</td></tr>
{labelled("Directorate (Service)", "DG I Legal Affairs (Crime Problems Department)")}
{
        labelled(
            "CoE Contact",
            'DE CORDES, Jean-Charles&nbsp;&nbsp; <a href="mailto:jean-charles.decordes@coe.int">email</a>',
        )
    }
{labelled("Last Modified", "04/04/2007")}
</table>
<h2>Activity Synopsis (ID# 18356) (Hide Synopsis)</h2>
<table class="synopsis">
{labelled("Objective(s)", text("objectives"))}{labelled("Output/Results", text("results"))}
{labelled("Conclusions/Follow Up", text("follow_up"))}{
        labelled("Participants", text("participants"))
    }
{labelled("Consultants/Experts", names("experts"))}{
        labelled("CoE Secretariat", names("secretariat"))
    }
{labelled("Total No. Participants", "70")}
</table>
</main>
<footer><p>* All reference to Kosovo shall be understood in full compliance with UNSCR 1244.</p>
<p>© Council of Europe 2003-2020</p></footer>
</body></html>"""


def print_view_stacked() -> str:
    """A print view: one column, each label on a row of its own above its value."""

    def stacked(label: str, value: str) -> str:
        return f"<TR><TD CLASS=lbl><B>{label}</B><TR><TD>{value}\n"

    return f"""<HTML><HEAD><META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=utf-8"></HEAD>
<BODY><TABLE WIDTH=600>
<TR><TD><FONT SIZE=3><B>Activity Details (ID# 18356)</B></FONT>
<TR><TD>Hide Synopsis
{stacked("Title", text("title"))}{stacked("Description", text("description"))}
{stacked("Status", "Completed")}{stacked("Date", "19/03/2007 - 21/03/2007")}
{stacked("Location", "Belgrade, Serbia")}{stacked("Countries", "CoE Members: Serbia")}
<TR><TD>Joint Programme Activity - PACO-Serbia
<TR><TD><B>Joint Programme EC/CoE</B>
{stacked("JP", '<A HREF="JP/Default.asp?TransID=112">PACO-Serbia - Project against economic crime</A>')}
{stacked("Project Purpose", "3 - 2005/DG1/JP/1624 PACO-Serbia - Improvement of detection and prevention of cyber crime")}
{stacked("Expected Result", "3.1 - " + text("expected_result_text"))}
<TR><TD>&nbsp;PoA
<TR><TD><B>Council of Europe Programme of Activities</B>
<TR><TD>I – Rule of Law
{stacked("Line of Action &rArr;", "II.3 – Strengthening the security of European citizens")}
{stacked("Programme &#9734;", "II.3.2 European standards for crime control")}
{stacked("Project", "2004/DG1/143 Effective measures to fight economic crime and cybercrime")}
{stacked("Expected Result", "2 " + text("coe_expected_result_text"))}
<TR><TD><B>Working Method</B>
<TR><TD>Organisation of meetings - Seminar
{stacked("Directorate (Service)", "DG I Legal Affairs (Crime Problems Department)")}
{stacked("CoE Contact", 'DE CORDES, Jean-Charles <A HREF="mailto:jean-charles.decordes@coe.int">email</A>')}
{stacked("Last Modified", "04/04/2007")}
<TR><TD><B>Activity Synopsis (ID# 18356) (Hide Synopsis)</B>
{stacked("Objective(s)", text("objectives"))}{stacked("Output/Results", text("results"))}
{stacked("Conclusions/Follow Up", text("follow_up"))}{stacked("Participants", text("participants"))}
{stacked("Consultants/Experts", names("experts"))}{stacked("CoE Secretariat", names("secretariat"))}
{stacked("Total No. Participants", "70")}
<TR><TD>* All reference to Kosovo shall be understood in full compliance with UNSCR 1244.
</TABLE></BODY></HTML>"""


def form_in_two_columns() -> str:
    """A form laid out in two columns: two label/value pairs in some rows, labels in bold
    above their values in one cell, and other spellings of the labels."""

    def pair(label: str, value: str) -> str:
        return f"<td class=l>{label}</td><td class=v>{value}</td>"

    def over(label: str, value: str) -> str:
        return f"<tr><td colspan=4><b>{label}</b><br>{value}</td></tr>\n"

    return f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head>
<body><table border=0 cellpadding=2>
<tr><td colspan=4><b>Activity Details (ID# 18356)</b> &nbsp; <a href="#">Hide Synopsis</a></td></tr>
<tr>{pair("Title", text("title"))}<td></td><td></td></tr>
{over("Description", text("description"))}
<tr>{pair("Status", "Completed")}{pair("Dates", "19/03/2007 - 21/03/2007")}</tr>
<tr>{pair("Location", "Belgrade, Serbia")}{pair("Country", "CoE Members: Serbia")}</tr>
<tr><td></td><td colspan=3>Joint Programme Activity - PACO-Serbia</td></tr>
<tr><td colspan=4><b>Joint Programme EC/CoE</b></td></tr>
<tr>{
        pair(
            "JP",
            '<a href="JP/Default.asp?TransID=112">PACO-Serbia - Project against economic crime</a>',
        )
    }</tr>
<tr>{
        pair(
            "Project Purpose",
            "3 - 2005/DG1/JP/1624 PACO-Serbia - Improvement of detection and prevention of cyber crime",
        )
    }</tr>
<tr>{pair("Expected Result", "3.1 - " + text("expected_result_text"))}</tr>
<tr><td colspan=4><b>Council of Europe Programme of Activities</b></td></tr>
<tr><td colspan=4>I – Rule of Law</td></tr>
<tr>{pair("Line of Action", "II.3 – Strengthening the security of European citizens")}{
        pair("Programme", "II.3.2 European standards for crime control")
    }</tr>
<tr>{pair("Project", "2004/DG1/143 Effective measures to fight economic crime and cybercrime")}</tr>
<tr>{pair("Expected Result", "2 " + text("coe_expected_result_text"))}</tr>
<tr>{pair("Working Method", "Organisation of meetings - Seminar")}</tr>
<tr>{pair("Directorate (Service)", "DG I Legal Affairs (Crime Problems Department)")}</tr>
<tr>{
        pair(
            "CoE Contact Person",
            'DE CORDES, Jean-Charles <a href="mailto:jean-charles.decordes@coe.int">email</a>',
        )
    }{pair("Last Update", "04/04/2007")}</tr>
<tr><td colspan=4><b>Activity Synopsis (ID# 18356) (Hide Synopsis)</b></td></tr>
{over("Objective (s)", text("objectives"))}{over("Output / Results", text("results"))}
{over("Conclusions / Follow-up", text("follow_up"))}{over("Participants", text("participants"))}
<tr>{pair("Consultants / Experts", names("experts"))}{
        pair("CoE Secretariat", names("secretariat"))
    }</tr>
<tr>{pair("Total No. of Participants", "70")}</tr>
</table></body></html>"""


def lines(field: str) -> str:
    """A golden value as lines of one cell: each line ends in <br>, paragraphs a blank line."""
    return html.escape(str(GOLDEN[field])).replace("\n", "<br>")


def one_cell_print_view() -> str:
    """A print view with the whole record in one cell, a field a line: labels in bold,
    some with colons, some without, the section headings as plain lines."""
    return f"""<html><head><meta charset="utf-8"></head><body><table><tr><td>
<b>Activity Details (ID# 18356)</b><br>Hide Synopsis<br>
<b>Title:</b> {lines("title")}<br>
<b>Description:</b> {lines("description")}<br>
<b>Status:</b> Completed<br><b>Date:</b> 19/03/2007 - 21/03/2007<br>
<b>Location</b> Belgrade, Serbia<br><b>Countries:</b> CoE Members: Serbia<br>
Joint Programme Activity - PACO-Serbia<br>
Joint Programme EC/CoE<br>
<b>JP</b> <a href="JP/Default.asp?TransID=112">PACO-Serbia - Project against economic crime</a>
<a href="JP/Default.asp?TransID=112">(Logframe)</a> <a href="Programmes.asp?TransID=112">(Activities)</a><br>
<b>Project Purpose:</b> 3 - 2005/DG1/JP/1624 PACO-Serbia - Improvement of detection and prevention of cyber crime<br>
<b>Expected Result:</b> 3.1 - {lines("expected_result_text")}<br>
Council of Europe Programme of Activities<br>I – Rule of Law<br>
<b>Line of Action</b> &rArr; II.3 – Strengthening the security of European citizens<br>
<b>Programme</b> &#9734; II.3.2 European standards for crime control<br>
<b>Project:</b> 2004/DG1/143 Effective measures to fight economic crime and cybercrime<br>
<b>Expected Result:</b> 2 {lines("coe_expected_result_text")}<br>
<b>Working Method</b><br>Organisation of meetings - Seminar<br>
<b>Directorate (Service):</b> DG I Legal Affairs (Crime Problems Department)<br>
<b>CoE Contact:</b> DE CORDES, Jean-Charles <a href="mailto:jean-charles.decordes@coe.int">email</a><br>
<b>Last Modified:</b> 04/04/2007<br>
<b>Activity Synopsis (ID# 18356) (Hide Synopsis)</b><br>
<b>Objective(s):</b> {lines("objectives")}<br><b>Output/Results:</b> {lines("results")}<br>
<b>Conclusions/Follow Up:</b> {lines("follow_up")}<br>
<b>Participants:</b> {lines("participants")}<br>
<b>Consultants/Experts:</b> {names("experts")}<br><b>CoE Secretariat:</b> {names("secretariat")}<br>
<b>Total No. Participants:</b> 70<br>
* All reference to Kosovo shall be understood in full compliance with UNSCR 1244.
</td></tr></table></body></html>"""


MARKUPS: dict[str, Callable[[], str]] = {
    "headings outside tables": headings_outside_tables,
    "print view, stacked": print_view_stacked,
    "form in two columns": form_in_two_columns,
    "one-cell print view": one_cell_print_view,
}
FIELDS = [f for f in GOLDEN if f not in ("url", "issues")]


@pytest.fixture(scope="module", params=sorted(MARKUPS))
def record(request: pytest.FixtureRequest) -> ActivityRecord:
    parsed = parse_activity(MARKUPS[request.param]().encode("utf-8"))
    assert isinstance(parsed, ActivityRecord), parsed
    return parsed


@pytest.mark.parametrize("field", FIELDS)
def test_field_matches_the_golden_record(record: ActivityRecord, field: str) -> None:
    assert record.to_dict()[field] == GOLDEN[field]


def test_no_issues(record: ActivityRecord) -> None:
    assert record.issues == ()
