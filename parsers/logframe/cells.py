"""A logframe page as cells of text lines, whatever its markup: the one pass over the page.

The intervention-logic table's four columns matter here, so a cell keeps its row and its
column (colspans counted); text outside tables comes as cells of their own. Link targets
are kept in the text where the link stands (between LINK_OPEN and LINK_CLOSE), so that a
line knows its links without a second walk of the tree. A page kept only as text (no
markup) gives one cell per line; a line holding a single space is the print view's mark
between two cells (`separator`).

    >>> [c.lines for c in page_cells("<table><tr><td>a<br>b<td colspan=2>c</table>d")]
    [['a', 'b'], ['c'], ['d']]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser

from parsers import dom

ROW = "\ue004"  # the first cell of a row
END = "\ue005"  # after a </table>: what follows is outside it
LINK_OPEN, LINK_CLOSE = "\ue006", "\ue007"
_SPAN_BASE = 0xE010  # chr(_SPAN_BASE + n): the cell spans n columns (2..9)
_OURS = dict.fromkeys(map(ord, (ROW, END, LINK_OPEN, LINK_CLOSE)))
_ATTRS = dom._ATTRIBUTES  # bounded: a tag left open costs a bounded scan
_CELL_TAG = re.compile(rf"(<tr(?:\s{_ATTRS})?>\s{{0,64}}+)?<(t[dh])(\s{_ATTRS})?>", re.I)
_COLSPAN = re.compile(r"colspan\s*=\s*[\"']?\s*(\d{1,3})", re.I)
_TABLE_END = re.compile(r"</table\s*>", re.I)
_LINK = re.compile(rf"<a(\s{_ATTRS})>", re.I)
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""", re.I)
_LINK_TEXT = re.compile(f"{LINK_OPEN}([^{LINK_CLOSE}]*){LINK_CLOSE}")
_SPLIT = re.compile(f"([{dom.CELL}{END}])")
# Block elements dom does not mark (it marks <p>, <div>, <br> and <li>): each starts a line.
_BLOCKS = re.compile(
    r"<(?=(?:d[tdl]|h[1-6]|ul|ol|center|hr|blockquote|section|article|header|footer|nav|"
    r"address|caption|fieldset|form|pre|main|aside|figure)[\s>/])",
    re.I,
)


@dataclass(slots=True)
class Cell:
    row: int  # rows count up through the page; text outside tables has a row of its own
    col: int
    lines: list[str] = field(default_factory=list)  # clean text, links taken out
    raw: list[str] = field(default_factory=list)  # the same lines with their spacing
    links: list[str] = field(default_factory=list)
    in_table: bool = True
    separator: bool = False  # a text rendering's " " line between two cells

    @property
    def text(self) -> str:
        return "\n".join(self.lines).strip()


def _cell_tag(m: re.Match[str]) -> str:
    attrs = m.group(3) or ""
    span = _COLSPAN.search(attrs)
    n = int(span.group(1)) if span else 1
    mark = chr(_SPAN_BASE + n) if 2 <= n <= 9 else ""
    return f"{m.group(1) or ''}<{m.group(2)}{attrs}>{ROW if m.group(1) else ''}{mark}"


def _link_tag(m: re.Match[str]) -> str:
    href = _HREF.search(m.group(1))
    target = next((g for g in href.groups() if g is not None), "") if href else ""
    target = target.replace(LINK_CLOSE, "").strip()
    return f"<a{m.group(1)}>{LINK_OPEN}{target}{LINK_CLOSE}" if target else m.group(0)


def mark(html: str) -> str:
    """The page with row, span, table-end and link marks, then dom's line and cell marks."""
    if any(mark in html for mark in (ROW, END, LINK_OPEN, LINK_CLOSE)):  # they would fake structure
        html = html.translate(_OURS)
    html = _CELL_TAG.sub(_cell_tag, html)
    html = _TABLE_END.sub(lambda m: m.group(0) + END, html)
    return _BLOCKS.sub(dom.BLOCK + "<", dom.mark(_LINK.sub(_link_tag, html)))


def _lines(text: str) -> tuple[list[str], list[str], list[str]]:
    """(clean lines, raw lines, link targets) of one cell's marked text."""
    links = [t for t in _LINK_TEXT.findall(text) if t]
    text = _LINK_TEXT.sub(" ", text) if links else text
    raw = dom.line_breaks(text.replace("\u200b", "")).split(dom.LINE)
    clean = [" ".join(line.split()) for line in raw]
    return clean, [line.strip(" \t\r\n") for line in raw], links


def html_cells(text: str) -> list[Cell]:
    """The cells of a page's marked text (the tree's text with the marks in place)."""
    cells: list[Cell] = []
    row, col, span, in_table = 0, 0, 1, False
    pieces = _SPLIT.split(text)
    for i in range(0, len(pieces), 2):
        piece = pieces[i]
        mark = pieces[i - 1] if i else END
        if mark == dom.CELL:
            if piece.startswith(ROW):
                row, col, piece = row + 1, 0, piece[1:]
            else:
                col += span
            span = 1
            if piece and _SPAN_BASE + 2 <= ord(piece[0]) <= _SPAN_BASE + 9:
                span, piece = ord(piece[0]) - _SPAN_BASE, piece[1:]
            in_table = True
        else:
            row, col, span, in_table = row + 1, 0, 1, False
        lines, raw, links = _lines(piece)
        cells.append(Cell(row, col, lines, raw, links, in_table))
    return [c for c in cells if any(c.lines) or c.links]


def text_cells(text: str) -> list[Cell]:
    """A text rendering's lines, one cell each; " " lines are the print view's separators."""
    out = []
    for n, line in enumerate(text.splitlines()):
        sep = line in (" ", "\xa0", " \xa0", "\xa0 ")  # a cell holding only a space
        out.append(Cell(n, 0, [" ".join(line.split())], [line.strip()], [], False, sep))
    return out


def is_text(html: str) -> bool:
    """A page kept as text: not one tag."""
    return dom.LINE not in html and not re.search(r"<[A-Za-z!/?]", html)


def tree_of(html: str) -> LexborHTMLParser:
    """The page's tree with every mark in place."""
    return LexborHTMLParser(mark(html))


def tree_cells(tree: LexborHTMLParser) -> list[Cell]:
    root = tree.body or tree.root
    text = root.text(deep=True, separator="", strip=False) if root is not None else ""
    return html_cells(text)


def page_cells(html: str) -> list[Cell]:
    """The cells of one decoded page (markup or a text rendering)."""
    return text_cells(html) if is_text(html) else tree_cells(tree_of(html))
