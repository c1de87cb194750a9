"""Every row of a page in markup of its own, drawn at random: the record still parses whole.

Real pages were written by hand-edited ASP templates over seventeen years, and copies of
them (print views, saved pages, archive replays) changed the markup again, so one page can
mix row styles: a label in `<b>` with a colon beside one in `<th>`, a separator cell, an
inline label, an unclosed `<TR>` in upper case, a quoted ">" in an attribute, a table that
ends mid-page and another that starts, other words for a label ("Venue", "Outcomes").
Hypothesis draws a golden record and, for each of its lines, a row style, a spelling of
its label and a way to write its lines; then the page's frame and encoding. The parsed
record must equal the golden one, field by field. 20,000 examples run by hand found the
faults this test was written for; the suite runs 150 a time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from parsers import ActivityRecord, parse_activity
from tests.records import FIELDS, GOLDEN, lines_of

# A labelled line: {label} is the label as written (escaped), {value} its value as HTML.
LABELLED = (
    "<tr><td>{label}</td><td>{value}</td></tr>",
    '<tr><td class="label" valign="top"><b>{label}:</b></td><td>{value}</td></tr>',
    '<TR><TD><FONT face="Verdana" size="1"><B>{label}</B></FONT>&nbsp;</TD>'
    '<TD><FONT size="1">{value}</FONT></TD>',
    '<tr><th align="left" scope="row">{label}</th><td>{value}</td></tr>',
    "<tr><td>{label}</td><td>:</td><td>{value}</td></tr>",
    '<tr>\n  <td width="25%" nowrap>{label}&nbsp;:&nbsp;</td>\n  <td width="75%">{value}&nbsp;</td>\n</tr>',
    '<tr><td colspan="2"><b>{label}:</b> {value}</td></tr>',
    '<tr><td><span class="lbl">{label}</span></td><td><span class="val">{value}</span></td></tr>',
    "<tr><td><p><strong>{label}</strong></p></td><td><div>{value}</div></td></tr>",
    '<tr><td><img src="/img/spacer.gif" width="4">{label}</td><!-- value --><td>{value}</td></tr>',
    '<tr onmouseover="if (w > 800) hi(this)"><td title="a > b">{label}</td>'
    "<td title='{{x}} > 0'>{value}</td></tr>",
    "<tr>\n\t<td>\n\t\t{label}\n\t</td>\n\t<td>\n\t\t{value}\n\t</td>\n</tr>",
    "<tr><td>{label}</td><td>&rArr;</td><td>{value}</td></tr>",
    "<tr><td><table><tr><td><img src=/img/bullet.gif></td><td>{label}</td></tr></table></td>"
    "<td>{value}</td></tr>",
    # a spacer column before the labels
    '<tr><td width="8"><img src="/img/spacer.gif" width="8" height="1"></td><td>{label}</td>'
    "<td>{value}</td></tr>",
)
# A line with no label: a heading, a marker, a line that goes on from the row above.
LOOSE = (
    '<tr><td colspan="2">{value}</td></tr>',
    "<tr><td></td><td>{value}</td></tr>",
    "<tr><td>&nbsp;</td><td>{value}</td></tr>",
    "<TR><TD COLSPAN=2>{value}",
    '<tr><td colspan=2 class="head"><b>{value}</b></td></tr>',
    "<tr><td width=8></td><td></td><td>{value}</td></tr>",
)
BREAKS = ("<br>", "<BR>", "<br />", "\n<br>\n    ")
# The real page's chrome above the record (activity-18356.txt).
CHROME = (
    "<table><tr><td>... more than a decade of joint action to promote democracy ...</td></tr>"
    "<tr><td>Current Events</td></tr><tr><td>Today -</td></tr><tr><td>by Programme -</td></tr>"
    "<tr><td>by Country -</td></tr><tr><td>Search -</td></tr><tr><td>Print View</td></tr>"
    "<tr><td>Sign in</td></tr><tr><td>Joint Programmes - Activities by Country</td></tr>"
    "<tr><td>30 March 2020</td></tr></table>"
)
PAGES = (
    "<html><body>{tables}</body></html>",
    f"<html><body>{CHROME}<tbody>{{tables}}</tbody></body></html>",
    # the site's frame: a navigation cell beside the content cell
    '<html><body><table width="100%"><tr><td width="150"><a href="Default.asp">Today</a>'
    "<br>by Programme<br>by Country</td><td>{tables}</td></tr></table></body></html>",
    "<HTML><BODY BGCOLOR=#FFFFFF><CENTER>{tables}</CENTER></BODY></HTML>",
)


def _nbsp(label: str) -> str:
    return label.replace(" ", "&nbsp;")


SPELLINGS: tuple[Callable[[str], str], ...] = (str, str.upper, _nbsp)
# Other words for the same label, as other copies and years of the site wrote them.
OTHER_WORDS = {
    "Title": ["Activity Title"],
    "Line of Action ⇒": ["Line of Action"],
    "Programme ☆": ["Programme"],
    "Date": ["Dates", "Date(s)"],
    "Location": ["Venue", "Place"],
    "Countries": ["Country", "Beneficiary countries"],
    "Organisations": ["Organizations"],
    "Directorate (Service)": ["Directorate"],
    "CoE Contact": ["Contact", "Contact person", "Council of Europe Contact"],
    "Web Pages": ["Webpages", "Website"],
    "Last Modified": ["Last update", "Last updated"],
    "Objective(s)": ["Objectives", "Objective", "Objective (s)"],
    "Output/Results": ["Outputs/Results", "Output / Results", "Results", "Outcomes"],
    "Conclusions/Follow Up": ["Conclusions/Follow-up", "Follow up", "Conclusions"],
    "Consultants/Experts": ["Consultants / Experts", "Experts", "Consultant(s)/Expert(s)"],
    "CoE Secretariat": ["Secretariat"],
    "Total No. Participants": ["Total number of participants", "No. of participants"],
}
ENCODINGS = ("utf-8", "utf-8-sig", "windows-1252")


@st.composite
def mixed_pages(draw: st.DrawFn) -> tuple[str, bytes]:
    """A golden record's name and its page, each line in a row style of its own."""
    name = draw(st.sampled_from(sorted(GOLDEN)))
    br = draw(st.sampled_from(BREAKS))
    tables = ["<table cellpadding=2>"]
    for label, _, markup in lines_of(GOLDEN[name]):
        if draw(st.integers(0, 9)) == 0:  # the table ends here and another starts
            tables.append("</table>\n<br>\n<table>")
        value = _lines(markup, br, draw(st.sampled_from(LINES)))
        if draw(st.booleans()):  # characters outside ASCII as numeric references
            value = "".join(c if ord(c) < 128 else f"&#{ord(c)};" for c in value)
        style = draw(st.sampled_from(LABELLED if label else LOOSE))
        if label in OTHER_WORDS:
            label = draw(st.sampled_from([label, *OTHER_WORDS[label]]))
        spelling = draw(st.sampled_from(SPELLINGS))
        tables.append(style.format(label=spelling(_escaped(label)), value=value))
    tables.append("</table>")
    page = draw(st.sampled_from(PAGES)).format(tables="\n".join(tables))
    encoding = draw(st.sampled_from(ENCODINGS))
    if encoding == "windows-1252":  # declared; characters outside it as references
        page = page.replace("<body>", '<head><meta charset="windows-1252"></head><body>', 1)
        return name, page.encode("cp1252", "xmlcharrefreplace")
    return name, (b"\xef\xbb\xbf" if encoding == "utf-8-sig" else b"") + page.encode()


LINES = ("breaks", "paragraphs", "divs", "divs with spaces", "table")


def _lines(markup: str, br: str, how: str) -> str:
    """A value of several lines as HTML: lines apart by `br`, paragraphs in `<p>`, a
    `<div>` a line, or a table of its own with a row a line (only where no line is blank:
    a browser shows no blank row)."""
    if "\n" not in markup or how == "breaks":
        return markup.replace("\n", br)
    paragraphs = markup.split("\n\n")
    if how == "paragraphs":
        return "".join(f"<p>{p.replace(chr(10), br)}</p>" for p in paragraphs)
    if how == "divs":
        return "".join(f"<div>{line or '<br>'}</div>" for line in markup.split("\n"))
    if how == "divs with spaces":
        return "".join(f"<div>{line or '&nbsp;'}</div>" for line in markup.split("\n"))
    if len(paragraphs) > 1:
        return markup.replace("\n", br)
    rows = "".join(f"<tr><td>{line}</td></tr>" for line in markup.split("\n"))
    return f"<table border=0>{rows}</table>"


def _escaped(label: str | None) -> str:
    return (label or "").replace("&", "&amp;")


def _wrong_fields(record: dict[str, Any], golden: dict[str, Any]) -> dict[str, Any]:
    return {f: (record[f], golden[f]) for f in FIELDS if record[f] != golden[f]}


@settings(max_examples=150, deadline=None)
@given(mixed_pages())
def test_a_page_of_mixed_row_markup_parses_to_its_golden_record(page: tuple[str, bytes]) -> None:
    name, body = page
    parsed = parse_activity(body)
    assert isinstance(parsed, ActivityRecord), parsed
    assert not _wrong_fields(parsed.to_dict(), GOLDEN[name])
