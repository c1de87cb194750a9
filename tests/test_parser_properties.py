"""Hypothesis mutates fixture pages: the parser never raises and never invents values.

Mutations: truncation, a deleted row, a duplicated row, random bytes, and re-encoding
the page in another charset than it declares.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers import ActivityRecord, NotAnActivity, parse_activity
from parsers.activity.sections import LABELS
from parsers.dom import norm_label
from parsers.encoding import decode_html
from tests.conftest import SLOT_FIELDS, content_type_of, golden_pages

PAGES = golden_pages()
ROW_START = re.compile(r"(?i)(?=<tr[\s>])")
TAGS = re.compile(r"<[^>]+>")
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def split_rows(page: bytes) -> list[str]:
    return ROW_START.split(page.decode("latin-1"))


def row_label(segment: str) -> str | None:
    """The slot a row's first cell names, or None for headings and unlabelled rows."""
    cells = re.split(r"(?i)<td", segment)
    if len(cells) < 3:  # one cell: a heading or a loose line
        return None
    first = html.unescape(TAGS.sub(" ", "<td" + cells[1]))
    return LABELS.get(norm_label(first))


def parse(page: Path, body: bytes) -> ActivityRecord | NotAnActivity:
    return parse_activity(body, None, content_type_of(page))


def empty(value: object) -> bool:
    return value in (None, (), "")


@SETTINGS
@given(st.sampled_from(PAGES), st.floats(0, 1))
def test_truncated_pages_never_raise(page: Path, cut: float) -> None:
    body = page.read_bytes()
    parse(page, body[: int(len(body) * cut)])


@SETTINGS
@given(st.sampled_from(PAGES), st.data())
def test_deleted_row_leaves_its_fields_empty(page: Path, data: st.DataObject) -> None:
    segments = split_rows(page.read_bytes())
    k = data.draw(st.integers(1, len(segments) - 1), label="row")
    slot = row_label(segments[k])
    mutated = "".join(segments[:k] + segments[k + 1 :]).encode("latin-1")
    result = parse(page, mutated)
    if slot is None or not isinstance(result, ActivityRecord):
        return
    for name in SLOT_FIELDS.get(slot, ()):
        assert empty(getattr(result, name)), f"{name} invented after deleting the {slot!r} row"
    if slot == "jp":  # the code may still come from the "Joint Programme Activity - X" line
        original = parse(page, page.read_bytes())
        assert isinstance(original, ActivityRecord)
        assert result.programme_code in (None, original.programme_code)


@SETTINGS
@given(st.sampled_from(PAGES), st.data())
def test_duplicated_labelled_row_changes_nothing_else(page: Path, data: st.DataObject) -> None:
    segments = split_rows(page.read_bytes())
    k = data.draw(st.integers(1, len(segments) - 1), label="row")
    mutated = "".join([*segments[: k + 1], segments[k], *segments[k + 1 :]]).encode("latin-1")
    result, original = parse(page, mutated), parse(page, page.read_bytes())
    assert isinstance(original, ActivityRecord)
    if row_label(segments[k]) is not None and isinstance(result, ActivityRecord):
        for name in ("title", "status", "start_date", "programme_code", "contact_name"):
            assert getattr(result, name) == getattr(original, name)


@SETTINGS
@given(st.sampled_from(PAGES), st.floats(0, 1), st.binary(min_size=1, max_size=64))
def test_random_bytes_never_raise(page: Path, where: float, noise: bytes) -> None:
    body = page.read_bytes()
    at = int(len(body) * where)
    parse(page, body[:at] + noise + body[at + len(noise) :])


@SETTINGS
@given(st.sampled_from(PAGES), st.sampled_from(["utf-8", "windows-1252", "utf-16"]))
def test_encoding_swaps_keep_the_text(page: Path, target: str) -> None:
    original = parse(page, page.read_bytes())
    assert isinstance(original, ActivityRecord)
    text = decode_html(page.read_bytes(), content_type_of(page)).text
    body = text.encode(target, errors="xmlcharrefreplace")
    if target == "utf-16":
        body = b"\xff\xfe" + text.encode("utf-16-le")  # with a BOM, as Windows editors wrote it
    result = parse_activity(body)
    assert isinstance(result, ActivityRecord)
    assert (result.title, result.contact_name, result.description) == (
        original.title,
        original.contact_name,
        original.description,
    )


def test_every_labelled_row_deleted_in_turn_leaves_its_fields_empty() -> None:
    """The same property, exhaustively: each labelled row of each page, deleted once."""
    checked = 0
    for page in PAGES:
        segments = split_rows(page.read_bytes())
        for k in range(1, len(segments)):
            slot = row_label(segments[k])
            if slot not in SLOT_FIELDS:
                continue
            mutated = "".join(segments[:k] + segments[k + 1 :]).encode("latin-1")
            result = parse(page, mutated)
            assert isinstance(result, ActivityRecord), (page.name, slot)
            for name in SLOT_FIELDS[slot]:
                assert empty(getattr(result, name)), (page.name, slot, name)
            checked += 1
    assert checked >= 700  # 734 labelled rows in the fixture pages


# Tag soup from the pieces activity pages are made of, in any order and nesting.
_PIECES = st.sampled_from(
    [
        "<table>",
        "</table>",
        "<tr>",
        "</tr>",
        "<td>",
        "</td>",
        "<th>",
        "<td rowspan=2>",
        "<br>",
        "<p>",
        "</p>",
        "<div>",
        "</div>",
        "<b>",
        "</b>",
        "<li>",
        "<dl>",
        "<dt>",
        "<dd>",
        "<h2>",
        "</h2>",
        "<pre>",
        "</pre>",
        "<script>",
        "</script>",
        "<caption>",
        '<a href="JP/Default.asp?TransID=7">',
        '<a href="mailto:x@coe.int">',
        "</a>",
        "Title",
        "Title:",
        "Status",
        "Date",
        "19/03/2007 - 21/03/2007",
        "Countries",
        "CoE Members: Serbia",
        "Joint Programme EC/CoE",
        "Working Method",
        "JP",
        "PACO-Serbia - Project",
        "Participants",
        "agreed",
        "Activity Details (ID# 5)",
        "Hide Synopsis",
        "Expected Result",
        "3.1 - text",
        "\n",
        " ",
        "\n\n",
        ":",
        "&nbsp;",
        "\ue000",
        "\ue002",
        "Objective(s) To train.",
    ]
)


@SETTINGS
@given(st.lists(_PIECES, max_size=80), st.booleans())
def test_tag_soup_never_raises(pieces: list[str], as_text: bool) -> None:
    soup = "".join(pieces)
    if as_text:  # no markup at all: read as a text rendering
        soup = TAGS.sub(" ", soup)
    result = parse_activity(soup.encode("utf-8"))
    assert isinstance(result, (ActivityRecord, NotAnActivity))
    if isinstance(result, ActivityRecord):
        result.to_dict()
