"""Walk an activity page's rows once and file each labelled value under its section.

An activity page has four parts, each opened by a heading row of its own: the activity
itself, "Joint Programme EC/CoE", "Council of Europe Programme of Activities" (with a
"Working Method" sub-heading) and "Activity Synopsis (ID# n)". Two labels occur twice
("Expected Result", "Last Modified"): which one is meant depends on the part it is in.
When a heading is missing, the part is inferred from the labels already seen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from parsers.countries import GROUP_PREFIX
from parsers.dom import Row, norm_label

# Label text → the slot it fills. Variants seen or expected; keys are looked up as
# `norm_label` gives them, so "Output / Results:" and "output/results" are one label.
_LABEL_TEXTS: dict[str, str] = {
    "title": "title",
    "activity title": "title",
    "description": "description",
    "status": "status",
    "date": "date",
    "dates": "date",
    "location": "location",
    "venue": "location",
    "countries": "countries",
    "country": "countries",
    "organisations": "organisations",
    "organizations": "organisations",
    "contributors": "contributors",
    "partners": "partners",
    "jp": "jp",
    "project purpose": "project_purpose",
    "expected result": "expected_result",
    "expected results": "expected_result",
    "line of action": "coe_line_of_action",
    "programme": "coe_programme",
    "program": "coe_programme",
    "project": "coe_project",
    "directorate (service)": "directorate",
    "directorate": "directorate",
    "coe contact": "contact",
    "contact": "contact",
    "web pages": "links",
    "web page": "links",
    "documents & links": "links",
    "documents and links": "links",
    "last modified": "last_modified",
    "objective(s)": "objectives",
    "objectives": "objectives",
    "objective": "objectives",
    "output/results": "results",
    "outputs/results": "results",
    "output / results": "results",
    "results": "results",
    "conclusions/follow up": "follow_up",
    "conclusions/follow-up": "follow_up",
    "conclusions / follow up": "follow_up",
    "follow up": "follow_up",
    "participants": "participants",
    "consultants/experts": "experts",
    "consultants / experts": "experts",
    "experts": "experts",
    "coe secretariat": "secretariat",
    "secretariat": "secretariat",
    "total no. participants": "participants_total",
    "total no participants": "participants_total",
    "total number of participants": "participants_total",
    "total no. of participants": "participants_total",
    "total no of participants": "participants_total",
    "no. of participants": "participants_total",
    "number of participants": "participants_total",
    "total participants": "participants_total",
    "date(s)": "date",
    "place": "location",
    "beneficiary countries": "countries",
    "beneficiary country": "countries",
    "output/result(s)": "results",
    "outputs": "results",
    "output": "results",
    "result(s)": "results",
    "outcomes": "results",
    "conclusions": "follow_up",
    "conclusion(s)/follow up": "follow_up",
    "consultant(s)/expert(s)": "experts",
    "consultants": "experts",
    "expert(s)": "experts",
    "coe contact person": "contact",
    "contact person": "contact",
    "webpages": "links",
    "website": "links",
    "web site": "links",
    "links": "links",
    "last update": "last_modified",
    "last updated": "last_modified",
    "project objective": "project_purpose",
    "specific objective": "expected_result",
    "council of europe contact": "contact",
    "coe contacts": "contact",
    "directorate general": "directorate",
}
LABELS: dict[str, str] = {norm_label(text): slot for text, slot in _LABEL_TEXTS.items()}
LABEL_KEYS = frozenset(LABELS) | {"working method"}

# The order the site's template wrote its labels in, by slot ("working method" for its
# heading); a slot twice when both places hold it. Text renderings are read by it.
SITE_ORDER: tuple[str, ...] = (
    "title",
    "description",
    "status",
    "date",
    "location",
    "countries",
    "organisations",
    "contributors",
    "partners",
    "jp",
    "project_purpose",
    "expected_result",  # of the joint programme
    "coe_line_of_action",
    "coe_programme",
    "coe_project",
    "expected_result",  # of the Programme of Activities
    "working method",
    "directorate",
    "contact",
    "links",  # Web Pages
    "links",  # Documents & links
    "last_modified",
    "objectives",
    "results",
    "follow_up",
    "participants",
    "experts",
    "secretariat",
    "participants_total",
    "last_modified",  # of the synopsis
)

# Heading rows, matched on the row's whole text (lower case), in the order they open.
HEADINGS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^activity details\b"), "activity"),
    (re.compile(r"^joint programme\b(?! activity)"), "jp"),
    # "Programme and Budget" from 2014 on
    (re.compile(r"^council of europe programme (?:of activities|and budget)\b"), "poa"),
    (re.compile(r"^working method$"), "working_method"),
    (re.compile(r"^activity synopsis\b"), "synopsis"),
)

# Rows whose label-less text starts with a label that a symbol sets apart.
PREFIXED_LABELS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^JP\s+(?=\S.*\s[-–]\s)"), "jp"),  # "JP CODE - title", not "JP Completed"
    (re.compile(r"^Line of Action\s*⇒\s*"), "coe_line_of_action"),
    (re.compile(r"^Programme\s*☆\s*"), "coe_programme"),
)

COOPERATION_MARKERS = {"bilateral": "Bilateral", "multilateral": "Multilateral"}
JP_ACTIVITY_MARKER = re.compile(r"^Joint Programme Activity\s*[-–]\s*(.+)$", re.I)
PILLAR = re.compile(r"^[IVX]+\s*[–-]\s*\S")
SYNOPSIS_SWITCH = re.compile(r"\b(hide|show|no)\s+synopsis\b", re.I)
_COE_SLOTS = frozenset({"coe_line_of_action", "coe_programme", "coe_project"})
_SYNOPSIS_SLOTS = frozenset(
    {"objectives", "results", "follow_up", "participants", "experts", "secretariat"}
)
# Slots whose value may run on over rows with an empty label cell (the Countries groups).
MULTILINE = frozenset(
    {
        "countries",
        "organisations",
        "contributors",
        "partners",
        "description",
        "links",
        "objectives",
        "results",
        "follow_up",
        "participants",
        "experts",
        "secretariat",
    }
)
ACCUMULATING = frozenset({"links"})  # "Web Pages" and "Documents & links" both feed links
_PAGE_END = re.compile(r"^(\*|return to the top|©|\(c\) )", re.I)  # footnote, footer
_PAGE_END_FIRST = frozenset("*©rR(")  # most rows start otherwise: no match attempted


@dataclass(slots=True)
class Sections:
    """What the row walk found: labelled values keyed by slot, and the loose rows."""

    values: dict[str, Row] = field(default_factory=dict)
    header: str | None = None  # "Activity Details (ID# n)" text
    synopsis_header: str | None = None
    synopsis_switch: str | None = None  # "hide", "show" or "no"
    cooperation: str | None = None
    jp_activity_code: str | None = None
    pillar: str | None = None
    working_method: str | None = None

    def get(self, slot: str) -> Row | None:
        return self.values.get(slot)


_HEADING_PREFIXES = ("activity", "joint programme", "council of europe", "working method")


def _heading(whole: str) -> str | None:
    """The part a row's whole text opens, if it is a heading."""
    if not whole[:17].lower().startswith(_HEADING_PREFIXES):  # most rows: skip the patterns
        return None
    text = whole.lower()
    for pattern, section in HEADINGS:
        if pattern.match(text):
            return section
    return None


def _slot(key: str, section: str, seen: dict[str, Row]) -> str:
    """Which slot a label fills, given the part of the page it stands in."""
    if key == "expected_result":
        coe = section == "poa" or any(s in seen for s in _COE_SLOTS)
        return "coe_expected_result" if coe else "expected_result"
    if key == "last_modified":
        synopsis = section == "synopsis" or any(s in seen for s in _SYNOPSIS_SLOTS)
        return "synopsis_last_modified" if synopsis else "last_modified"
    return key


_PREFIXES = ("JP", "Line of Action", "Programme")


def _prefixed(row: Row) -> tuple[str, Row] | None:
    if not row.value.startswith(_PREFIXES):
        return None
    for pattern, key in PREFIXED_LABELS:
        if m := pattern.match(row.value):
            return key, Row(m.group(0).strip(), row.value[m.end() :], row.nodes)
    return None


def _loose_row(row: Row, section: str, found: Sections) -> None:
    """A row with no label: a marker, the pillar, the working method, or chrome."""
    lowered = row.value.lower()
    if lowered in COOPERATION_MARKERS:
        found.cooperation = found.cooperation or COOPERATION_MARKERS[lowered]
    elif m := JP_ACTIVITY_MARKER.match(row.value):
        found.jp_activity_code = found.jp_activity_code or m.group(1).strip()
    elif section == "poa" and PILLAR.match(row.value):
        found.pillar = found.pillar or row.value
    elif section == "working_method" and found.working_method is None:
        found.working_method = row.value


def _header_index(rows: list[Row]) -> int:
    """Where the "Activity Details" header row stands; 0 when the page has none."""
    for i, row in enumerate(rows):
        whole = row.whole
        if whole[:8].lower() == "activity" and _heading(whole) == "activity":
            return i
    return 0


_LIST_NUMBER = re.compile(r"\d{1,3}[.)]?")  # a row's number in a list: no label


def walk(rows: list[Row]) -> Sections:
    """File every row of the page; rows before the "Activity Details" header are chrome."""
    found = Sections()
    values = found.values
    section, last = "activity", ""  # last: the slot that an unlabelled row may go on
    pending = ""  # a slot whose label row had no value: it may stand on the next row
    for i in range(_header_index(rows), len(rows)):
        row = rows[i]
        key = LABELS.get(row.key) if row.label else None
        if key is None and (pending or last) and _LIST_NUMBER.fullmatch(row.label):
            # "1 | http://..." under "Web Pages": a numbered row has no label of its own,
            # it goes on with the label above whose value is empty (or a list)
            row = Row("", row.value, row.nodes, continued=bool(last))
        if key is None:  # headings, the synopsis switch and page ends have no known label
            kind = _unlabelled(row, found)
            if kind == _PAGE_END_ROW:
                continue
            if kind is not None:
                section, last, pending = kind, "", ""
                continue
            if not row.label and (prefixed := _prefixed(row)):
                key, row = prefixed
        if key is not None:
            slot = _slot(key, section, values)
            _file(values, slot, row)
            last = slot if slot in MULTILINE else ""
            # "Documents & links" with its value below, after "Web Pages" had one
            filled = row.value if slot in ACCUMULATING else values[slot].value
            pending = "" if filled else slot
        elif row.label:  # a label we do not know: its value is not ours to file
            last = pending = ""
        elif (
            (row.continued or _spanned(last, row.value)) and last and not _is_marker(row.value)
        ):  # an empty label cell, or a label cell spanning rows ("Others: Kosovo*")
            values[last] = _extended(values[last], row)
            pending = ""
        elif (
            pending
            and not _is_marker(row.value)
            and not (section == "poa" and PILLAR.match(row.value))
        ):
            # label above, value below: a stacked layout (print views, narrow copies)
            held = values[pending]
            values[pending] = (
                _extended(held, row)
                if pending in ACCUMULATING and held.value
                else Row(held.label, row.value, row.nodes)
            )
            last = pending if pending in MULTILINE else ""
            pending = ""
        else:
            _loose_row(row, section, found)
    return found


_PAGE_END_ROW = "end"  # what `_unlabelled` says of a footnote or footer row


def _unlabelled(row: Row, found: Sections) -> str | None:
    """Note the header, the synopsis switch and what headings carry; say which part a
    heading row opens, `_PAGE_END_ROW` for a footer, or None for any other row."""
    whole = row.whole
    heading = _heading(whole)
    if heading is None and row.label[:1] in ("W", "w") and row.key == "working method":
        heading = "working_method"  # a label cell with the method beside it
    if heading == "activity" and found.header is None:
        found.header = whole
    switch = found.synopsis_switch is None and "ynopsis" in whole
    if switch and (m := SYNOPSIS_SWITCH.search(whole)):
        found.synopsis_switch = m.group(1).lower()
    if heading == "jp" and " - " in row.value and "jp" not in found.values:
        found.values["jp"] = Row("JP", row.value, row.nodes)  # "Joint Programme | CODE - title"
    elif heading == "synopsis":
        found.synopsis_header = found.synopsis_header or whole
    elif heading == "working_method" and row.value and row.key == "working method":
        found.working_method = row.value
    if heading is None and whole[:1] in _PAGE_END_FIRST and _PAGE_END.match(whole):
        return _PAGE_END_ROW
    return heading


def _file(values: dict[str, Row], slot: str, row: Row) -> None:
    """Keep the first non-empty value of a slot; link rows add up. Rows are never changed:
    a value that grows is a new Row."""
    held = values.get(slot)
    if held is None or not held.value:
        values[slot] = row
    elif slot in ACCUMULATING and row.value:
        values[slot] = _extended(held, row)
    # otherwise a repeated row: the first one stands


def _extended(held: Row, row: Row) -> Row:
    """`held` with `row`'s value as a further line (or paragraph) and its nodes after held's."""
    joint = "\n\n" if row.paragraph else "\n"
    return Row(held.label, f"{held.value}{joint}{row.value}".strip("\n"), held.nodes + row.nodes)


def _spanned(last: str, text: str) -> bool:
    """Does a row with no label cell read as going on under the label above, whose cell
    spans rows (`rowspan`)? Countries group lines and link lines do."""
    if last == "countries":
        return bool((m := GROUP_PREFIX.match(text)) and m.group(2))
    return last == "links" and bool(_URL_LINE.match(text))


_URL_LINE = re.compile(r"^(?:\d+\s*)?(?:https?://|ftp://|www\.)\S+$", re.I)  # "2 http://..."


def _is_marker(text: str) -> bool:
    lowered = text.lower()
    return (
        lowered in COOPERATION_MARKERS
        or lowered == "poa"  # the optional line before the Programme of Activities
        or bool(JP_ACTIVITY_MARKER.match(text))
    )


ID_NUMBER = r"ID\s*(?:#|No\.?|:)?\s*(\d+)"  # "ID# 18356", "ID: 18356", "ID No. 18356"
HEADER_IN_TEXT = re.compile(rf"Activity\s+Details\s*\(\s*{ID_NUMBER}\s*\)", re.I)


def find_outside_rows(found: Sections, text: str) -> None:
    """Fill the header and the synopsis switch from the page's text when no row had them."""
    if found.header is None and (m := HEADER_IN_TEXT.search(text)):
        found.header = m.group(0)
    if found.synopsis_switch is None and (m := SYNOPSIS_SWITCH.search(text)):
        found.synopsis_switch = m.group(1).lower()
