"""The intervention-logic table: Overall Objectives, Project Purposes and Expected Results,
each row's four columns (Intervention Logic, Performance Indicators, Sources of
Verification, Assumptions) read into their fields.

A row starts at a line opening with its label ("Project Purpose 2 ...", "Expected Result
2.1 ..."), whatever cell it stands in, and runs to the next such line. Columns come from
the table's header row when it has one (a cell per heading), else from cell positions.
In a text rendering the cells of a row are told apart only by the print view's " " lines;
where a rendering runs columns together, their text stays in the first column rather
than being guessed apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from parsers.dom import norm_label
from parsers.logframe.cells import Cell
from parsers.logframe.text import AMOUNT, PURPOSE_CODE

COLUMNS = ("logic", "indicators", "sources", "assumptions")
_HEADINGS = {
    "logic": ("intervention logic", "narrative summary", "objectives"),
    "indicators": ("indicator",),
    "sources": ("source", "means of verification", "verification"),
    "assumptions": ("assumption", "risk"),
}
OVERALL = re.compile(r"^overall\s+objectives?\b\s*:?\s*(?P<rest>.*)$", re.I)
PURPOSE = re.compile(r"^project\s+purpose\s*(?P<n>\d{1,3})\b\s*[:.\-–]?\s*(?P<rest>.*)$", re.I)
RESULT = re.compile(
    r"^expected\s+results?\s*(?P<n>\d{1,3}(?:\.\d{1,3}){0,3})\b\s*[:.\-–]?\s*(?P<rest>.*)$", re.I
)
_CODE = re.compile(PURPOSE_CODE, re.I)
AMOUNT_ONLY = re.compile(rf"^{AMOUNT}$", re.I)
# What closes the table in any rendering: the page's own labels after it, its footer.
END_OF_TABLE = re.compile(
    r"^(?:documents?\s*(?:/|&|and)?\s*links?\b|return to the top|©|\(c\) council of europe|"
    r"\* all reference to kosovo|print view$|\(<< normal view\))",
    re.I,
)


@dataclass(slots=True)
class Line:
    text: str
    raw: str
    cell: int  # index of its cell
    row: int
    col: int
    links: list[str]
    separator: bool = False
    in_table: bool = True


@dataclass(slots=True)
class Block:
    """One row of the table: its kind, number and heading, and its columns' lines."""

    kind: str  # "overall", "purpose" or "result"
    number: str
    heading: str
    links: list[str]
    columns: dict[str, list[str]] = field(default_factory=lambda: {c: [] for c in COLUMNS})


def lines_of(cells: list[Cell]) -> list[Line]:
    out = []
    for i, cell in enumerate(cells):
        links = cell.links
        for j, (text, raw) in enumerate(zip(cell.lines, cell.raw, strict=True)):
            out.append(Line(text, raw, i, cell.row, cell.col, links if j == 0 else [],
                            cell.separator, cell.in_table))  # fmt: skip
    return out


def marker(text: str) -> tuple[str, re.Match[str]] | None:
    if text[:1] not in "OoPpEe" or not text:  # the three labels' first letters: most lines go
        return None
    for kind, pattern in (("overall", OVERALL), ("purpose", PURPOSE), ("result", RESULT)):
        if m := pattern.match(text):
            return kind, m
    return None


def header_columns(cells: list[Cell]) -> tuple[int, dict[int, str]] | None:
    """(row, {column: field}) of the table's header row, when its headings are cells."""
    by_row: dict[int, list[Cell]] = {}
    for cell in cells:
        if cell.in_table and len(cell.text) < 60:
            by_row.setdefault(cell.row, []).append(cell)
    for row, row_cells in by_row.items():
        found: dict[int, str] = {}
        for cell in row_cells:
            key = norm_label(cell.text)
            name = next((n for n, keys in _HEADINGS.items() if any(k in key for k in keys)), None)
            if name and name not in found.values():
                found[cell.col] = name
        if len(found) >= 3 and "logic" in found.values():
            return row, found
    return None


def _column(col: int, header: dict[int, str] | None) -> str:
    if header is None:
        return COLUMNS[min(col, 3)]
    starts = [c for c in sorted(header) if c <= col]
    return header[starts[-1]] if starts else "logic"


def _text_columns(lines: list[Line]) -> dict[str, list[str]]:
    """A text rendering's row: chunks between " " lines; with fewer than four chunks, the
    first is the intervention logic and the others the last columns, as the print view
    runs the first two together."""
    chunks: list[list[str]] = [[]]
    for line in lines:
        if line.separator:
            chunks.append([])
        else:
            chunks[-1].append(line.text)
    while len(chunks) > 1 and not any(chunks[-1]):
        chunks.pop()
    names = COLUMNS if len(chunks) >= 4 else (COLUMNS[0], *COLUMNS[4 - len(chunks) + 1 :])
    out: dict[str, list[str]] = {c: [] for c in COLUMNS}
    for i, chunk in enumerate(chunks):
        out[names[min(i, len(names) - 1)]].extend(chunk)
    return out


def blocks(
    lines: list[Line], header: tuple[int, dict[int, str]] | None, text_mode: bool
) -> list[Block]:
    """The table's rows, in page order."""
    found: list[Block] = []
    members: list[list[Line]] = []
    open_ = False
    for line in lines:
        hit = marker(line.text)
        if hit:
            kind, m = hit
            number = m.groupdict().get("n") or ""
            found.append(Block(kind, number, m.group("rest"), list(line.links)))
            members.append([line])
            open_ = True
        elif open_ and (
            END_OF_TABLE.match(line.text) or (members[-1][0].in_table and not line.in_table)
        ):
            open_ = False
        elif open_:
            members[-1].append(line)
    columns = header[1] if header else None
    for block, block_lines in zip(found, members, strict=True):
        if text_mode:
            block.columns = _text_columns(block_lines[1:])
        else:
            _fill(block, block_lines, columns)
    return found


def _heading_done(heading: str) -> bool:
    """A purpose heading has its code and something after it (the title)."""
    m = _CODE.search(heading)
    return m is not None and bool(heading[m.end() :].strip())


def _fill(block: Block, lines: list[Line], header: dict[int, str] | None) -> None:
    """File a row's lines under its columns. A purpose heading split over cells of its
    own row ("Project Purpose 1 | code | title | budget") is gathered first: cells join
    it until it has its code and title, and a lone amount after them is its budget."""
    first = lines[0]
    joining = block.kind == "purpose" and not _heading_done(first.text)
    cell = first.cell
    for line in lines[1:]:
        starts_cell = line.cell != cell
        cell = line.cell
        block.links.extend(line.links)
        if line.cell == first.cell:
            block.columns["logic"].append(line.text)  # under the label, in its own cell
            continue
        if joining and line.row == first.row and starts_cell:
            is_budget = _heading_done(block.heading) and AMOUNT_ONLY.match(line.text)
            if not _heading_done(block.heading) or is_budget:
                block.heading = f"{block.heading} {line.text}".strip()
                joining = not is_budget
                continue
            joining = False
        block.columns[_column(line.col, header)].append(line.text)
