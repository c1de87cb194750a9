"""Every fixture record written out in layouts the fixture renderer never uses, parsed back.

The layouts are built here from the golden records alone, line by line as the real page
reads (`../shared/reference`): a text rendering with no markup, a print view with the
whole record in one cell (a field a line, labels in bold), a form in two columns (two
label/value pairs in some rows), a narrow view with each label above its value, and a
definition list with no table. Each must parse to the golden record, field by
field; the text rendering keeps no links, so the logframe's TransID and the contact's
address (taken from links) are null there, and a link written relative to its page
(`docs/report.pdf`) is not among its links.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import pytest

from parsers import ActivityRecord, parse_activity
from tests.records import FIELDS, FROM_LINKS, GOLDEN, breaks, lines_of


def as_text(rec: dict[str, Any]) -> bytes:
    """A text rendering: a row a line, "Label value", paragraphs apart by a blank line."""
    text = "\n".join(f"{label} {t}" if label else t for label, t, _ in lines_of(rec))
    return text.encode("utf-8")


def one_cell(rec: dict[str, Any]) -> bytes:
    """A print view: the record in one cell, a field a line, labels in bold."""
    body = each_line(rec, "<b>{label}:</b> {value}<br>\n", "{value}<br>\n")
    return f"<html><body><table><tr><td>{body}</td></tr></table></body></html>".encode()


def two_columns(rec: dict[str, Any]) -> bytes:
    """A form: label and value cells, Status beside Title and Location beside Date."""
    rows: list[str] = []
    for label, _, m in lines_of(rec):
        cells = f"<td>{html.escape(label)}</td><td>{breaks(m)}</td>" if label else None
        if cells and label in ("Status", "Location") and rows and rows[-1].count("<td>") == 2:
            rows[-1] = rows[-1].replace("</tr>", f"{cells}</tr>")  # a second pair in the row
        elif cells:
            rows.append(f"<tr>{cells}</tr>")
        else:
            rows.append(f"<tr><td></td><td colspan=3>{breaks(m)}</td></tr>")
    table = "\n".join(rows)
    return f"<html><body><table border=1>{table}</table></body></html>".encode()


def each_line(rec: dict[str, Any], labelled: str, loose: str) -> str:
    """The record's lines through two templates: `labelled` has {label} and {value}, `loose`
    (a line with no label) has {value}."""
    return "".join(
        labelled.format(label=html.escape(label), value=breaks(m))
        if label
        else loose.format(value=breaks(m))
        for label, _, m in lines_of(rec)
    )


def stacked(rec: dict[str, Any]) -> bytes:
    """A narrow print view: each label on a row of its own above its value."""
    rows = each_line(
        rec,
        "<tr><td><b>{label}</b></td></tr><tr><td>{value}</td></tr>",
        "<tr><td>{value}</td></tr>",
    )
    return f"<html><body><table>{rows}</table></body></html>".encode()


def definition_list(rec: dict[str, Any]) -> bytes:
    """No table: labels in <dt>, values in <dd>, other lines in <p>."""
    parts = each_line(rec, "<dl><dt>{label}</dt><dd>{value}</dd></dl>", "<p>{value}</p>")
    return f"<html><body><div id=record>{parts}</div></body></html>".encode()


HEADINGS = (
    "Joint Programme EC/CoE",
    "Council of Europe Programme of Activities",
    "Working Method",
    "Activity Synopsis",
)


def sections_under_headings(rec: dict[str, Any]) -> bytes:
    """A later re-render: <h2> headings between tables, labels in <th> with colons, a
    value of several lines as a table of its own (a row a line), paragraphs in <p>."""
    out = ["<html><body><main><table>"]
    for label, _, m in lines_of(rec):
        if label is None and m.startswith(HEADINGS):
            out.append(f"</table><h2>{m}</h2><table>")
        elif label is None:
            out.append(f"<tr><td colspan=2>{breaks(m)}</td></tr>")
        else:
            if "\n\n" in m:  # a browser shows table rows with no blank line between
                value = "".join(f"<p>{breaks(para)}</p>" for para in m.split("\n\n"))
            elif "\n" in m:
                lines = "".join(f"<tr><td>{line}</td></tr>" for line in m.split("\n"))
                value = f"<table class=lines>{lines}</table>"
            else:
                value = m
            out.append(f"<tr><th scope=row>{html.escape(label)}:</th><td>{value}</td></tr>")
    out.append("</table></main></body></html>")
    return "\n".join(out).encode()


def saved_from_the_wayback_machine(rec: dict[str, Any]) -> bytes:
    """The two-column form as the Wayback Machine replays it: its toolbar on top, and
    every link rewritten to go through the archive."""
    page = two_columns(rec).decode()
    toolbar = (
        '<div id="wm-ipp"><table><tr><td><a href="/web/">Wayback Machine</a></td>'
        "<td>42 captures</td></tr><tr><td>Title</td><td>Not this</td></tr></table></div>"
    )
    page = page.replace("<body>", f"<body>{toolbar}", 1)
    page = page.replace('href="JP/', 'href="/web/20080101000000/http://www.jp.coe.int/CEAD/JP/')
    page = page.replace('href="http', 'href="/web/20080101000000/http')
    return page.encode()


def css_blocks(rec: dict[str, Any]) -> bytes:
    """No table: a <div> a row, the label and the value in <span>s, laid out by CSS."""
    rows = each_line(
        rec,
        '<div class="row">\n  <span class="label">{label}</span>\n'
        '  <span class="value">{value}</span>\n</div>',
        '<div class="row">{value}</div>',
    )
    style = "<style>.label { font-weight: bold; float: left; width: 12em }</style>"
    return f"<html><head>{style}</head><body>{rows}</body></html>".encode()


LAYOUTS: dict[str, Callable[[dict[str, Any]], bytes]] = {
    "css blocks": css_blocks,
    "sections under headings": sections_under_headings,
    "saved from the Wayback Machine": saved_from_the_wayback_machine,
    "text rendering": as_text,
    "one cell": one_cell,
    "two columns": two_columns,
    "stacked": stacked,
    "definition list": definition_list,
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("page", sorted(GOLDEN))
def test_record_in_another_layout_parses_to_its_golden_record(page: str, layout: str) -> None:
    golden = GOLDEN[page]
    parsed = parse_activity(LAYOUTS[layout](golden))
    assert isinstance(parsed, ActivityRecord), parsed
    record = parsed.to_dict()
    skipped = FROM_LINKS if layout == "text rendering" else set()
    if layout == "text rendering":  # a link written relative to its page shows no address
        golden = {**golden, "links": [u for u in golden["links"] if "://" in u]}
    wrong = {
        f: (record[f], golden[f]) for f in FIELDS if f not in skipped and record[f] != golden[f]
    }
    assert not wrong
    if skipped:
        assert all(not record[f] for f in skipped)
