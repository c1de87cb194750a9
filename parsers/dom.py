"""Turn a legacy page into a flat list of rows: (label, value text, value nodes).

The old site laid every field out as a table row, label cell then value cell, inside
nested layout tables; other copies of it (print views, archive rewrites) wrap labels in
`<b>`/`<font>`, add colons and `&nbsp;`, or drop the table for `<dt>`/`<p>` blocks. This
module hides all of that: callers see rows in document order and look labels up by text.

Line structure is kept by marking `<br>` and block starts with private-use characters
before the tree is built, so text extraction stays in lexbor's C code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from selectolax.lexbor import LexborHTMLParser, LexborNode

LINE = "\ue000"  # stands for <br> and the start of a list item
PARA = "\ue001"  # stands for the start of a <p> or <div>
CELL = "\ue002"  # stands for the start of a <td> or <th>

# Three passes, each with a constant replacement so that it runs in C (a template like
# \g<0> would be expanded in Python per match). Line and block markers go before their
# tag, where the text belongs to the enclosing cell; cell markers must go inside the
# cell (text between cells would be moved out of the table), so cell start tags are
# rewritten: their attributes never matter here.
_MARKS = (
    (re.compile(r"<(?=(?:br[\s/>]|li[\s>]))", re.I), f"{LINE}<"),  # "<" first: a fast scan
    (re.compile(r"<(?=(?:p|div)[\s>])", re.I), f"{PARA}<"),
    (re.compile(r"<t[dh](?:\s[^>]*)?>", re.I), f"<td>{CELL}"),
)
_UNMARK = dict.fromkeys(map(ord, (LINE, PARA, CELL)))
_SEPARATOR_CELL = " :-–=>|\xa0"
_MANY_BREAKS = re.compile(r"\n{3,}")
_LABEL_JUNK = re.compile(r"[\s:\xa0⇒☆*·•]+")
_INLINE_LABEL_TAGS = frozenset({"b", "strong", "font", "span", "label", "th", "em", "u"})
_BLOCK_ROW_SELECTOR = "p, li, dt, dd, h1, h2, h3, h4, h5, h6, div"


def clean_text(raw: str) -> str:
    """Collapse white space inside lines, keep line and paragraph breaks as newlines.

    >>> clean_text("  a\\n b" + LINE + " c " + PARA + "d\\xa0")
    'a b\\nc\\n\\nd'
    """
    if LINE not in raw and PARA not in raw:  # the common case: one line
        return " ".join(raw.replace("\u200b", "").split())
    text = raw.replace("\u200b", "").replace(PARA, LINE + LINE)
    lines = "\n".join(" ".join(line.split()) for line in text.split(LINE))
    return _MANY_BREAKS.sub("\n\n", lines).strip("\n ")


@lru_cache(maxsize=8192)
def norm_label(text: str) -> str:
    """A label's lookup key: lower case, no colon, arrow, star or spacing.

    >>> norm_label("Line of Action ⇒ ")
    'line of action'
    """
    return _LABEL_JUNK.sub(" ", text).strip().lower()


@dataclass(slots=True)
class Row:
    """One visual row of the page: a label cell (maybe empty) and what follows it."""

    label: str  # the label as written, cleaned ("" when the row has none)
    value: str  # the value cells' text, cleaned
    nodes: list[LexborNode] = field(default_factory=list)  # where the value's links are
    continued: bool = False  # an empty label cell: the value goes on from the row above

    @property
    def key(self) -> str:
        return norm_label(self.label)

    @property
    def whole(self) -> str:
        """The row read as one line, label and value together."""
        return f"{self.label} {self.value}".strip() if self.label else self.value


def mark(html: str) -> str:
    """The page with line, paragraph and cell markers in place (see LINE, PARA, CELL)."""
    if LINE in html or PARA in html or CELL in html:  # the page's own would fake structure
        html = html.translate(_UNMARK)
    for pattern, replacement in _MARKS:
        html = pattern.sub(replacement, html)
    return html


def parse_tree(html: str) -> LexborHTMLParser:
    """Build the tree with the markers in place."""
    return LexborHTMLParser(mark(html))


def node_text(node: LexborNode) -> str:
    return clean_text(node.text(deep=True, separator="", strip=False).replace(CELL, " "))


def _cells(tr: LexborNode) -> list[LexborNode]:
    return [child for child in tr.iter() if child.tag in ("td", "th")]


@lru_cache(maxsize=64)
def _first_words(labels: frozenset[str]) -> frozenset[str]:
    return frozenset(label.split(" ", 1)[0] for label in labels)


def _split_inline_label(node: LexborNode, text: str, labels: frozenset[str]) -> Row | None:
    """`<td><b>Title:</b> value</td>` or `Title: value` in one cell or block: split there."""
    if norm_label(text.split(" ", 1)[0]) not in _first_words(labels):
        return None  # cheap test first: most one-cell rows are headings and chrome
    cell = _cells(node)[0] if node.tag == "tr" else node
    first = next(iter(cell.iter()), None)
    if first is not None and first.tag in _INLINE_LABEL_TAGS:
        label = node_text(first)
        if norm_label(label) in labels and text.startswith(label):
            return Row(label, text[len(label) :].strip(), [cell])
    head, colon, rest = text.partition(":")
    if colon and len(head) <= 40 and norm_label(head) in labels:
        return Row(head, rest.strip(), [cell])
    return None


def _row_cells(raw: str) -> list[str]:
    """Cleaned cell texts of one row's text, split at the cell markers."""
    if "\u200b" in raw:
        raw = raw.replace("\u200b", "")
    cells = " ".join(raw.split()).split(CELL)[1:]  # white space collapsed once per row
    return [_lines(c) if (LINE in c or PARA in c) else c.strip() for c in cells]


def _lines(text: str) -> str:
    lines = "\n".join(line.strip() for line in text.replace(PARA, LINE + LINE).split(LINE))
    return _MANY_BREAKS.sub("\n\n", lines).strip("\n ")


def _labelled_layout_rows(tree: LexborHTMLParser, labels: frozenset[str]) -> dict[int, Row]:
    """Rows with a label cell whose value cell holds a table of its own (a nested list)."""
    found: dict[int, Row] = {}
    for tr in tree.css("tr:has(tr)"):  # few: the page's layout rows
        cells = _cells(tr)
        if (
            len(cells) < 2
            or len(cells[0].css("table"))
            or norm_label(node_text(cells[0])) not in labels
        ):
            continue
        lines = []
        for cell in cells[1:]:  # each inner row a line, as a browser shows it
            inner = cell.css("tr:not(:has(tr))")
            lines += [node_text(r) for r in inner] if inner else [node_text(cell)]
        found[tr.mem_id] = Row(node_text(cells[0]), "\n".join(t for t in lines if t), cells[1:])
    return found


# Headings between tables (and table captions) open the page's parts as heading rows do.
_LOOSE_HEADINGS = ", ".join(["caption"] + [f"h{n}:not(table *)" for n in range(1, 7)])
_HEADING_TAG = re.compile(rb"<(?:h[1-6]|caption)[\s>]", re.I)


def _row_selector(tree: LexborHTMLParser, rows: str) -> str:
    """`rows`, and loose headings when the page has heading tags (a scan is cheaper than
    asking lexbor to test every element against six more selectors)."""
    return f"{rows}, {_LOOSE_HEADINGS}" if _HEADING_TAG.search(tree.raw_html) else rows


def _node_row(node: LexborNode, labels: frozenset[str]) -> Row | None:
    """The Row of a leaf `<tr>`, or of a loose heading read as a row of one cell."""
    raw = node.text(deep=True, separator="", strip=False)
    return row_from_text(node, raw if CELL in raw else CELL + raw, labels)


def _table_rows(tree: LexborHTMLParser, labels: frozenset[str]) -> list[Row]:
    labelled = _labelled_layout_rows(tree, labels)
    if labelled:
        return _rows_in_order(tree, labels, labelled)
    rows: list[Row] = []
    # Leaf rows only: a layout row's inner rows are read on their own.
    for node in tree.css(_row_selector(tree, "tr:not(:has(tr))")):
        if (row := _node_row(node, labels)) is not None:
            rows.append(row)
    return rows


def _rows_in_order(
    tree: LexborHTMLParser, labels: frozenset[str], labelled: dict[int, Row]
) -> list[Row]:
    """Leaf rows and labelled layout rows in document order; the latter's inner rows once."""
    rows: list[Row] = []
    inside: set[int] = set()
    for node in tree.css(_row_selector(tree, "tr")):
        if node.mem_id in inside:
            continue
        if node.mem_id in labelled:
            rows.append(labelled[node.mem_id])
            inside.update(n.mem_id for n in node.css("tr") if n.mem_id != node.mem_id)
        elif node.tag == "tr" and len(node.css("tr")) > 1:
            continue  # a layout row (css() includes the node): its inner rows come next
        elif (row := _node_row(node, labels)) is not None:
            rows.append(row)
    return rows


def row_from_text(tr: LexborNode, raw: str, labels: frozenset[str]) -> Row | None:
    """The Row of one leaf `<tr>` whose marked text is `raw`; None for an empty row."""
    texts = _row_cells(raw)
    if not texts or not any(texts):
        return None
    # a cell holding only ":" or "-" between label and value is no value
    values = [t for t in texts[1:] if t and t.strip(_SEPARATOR_CELL)]
    if not values:
        if not texts[0]:
            return None
        if norm_label(texts[0]) in labels:  # a label with an empty value
            return Row(texts[0], "", [])
        return _split_inline_label(tr, texts[0], labels) or Row("", texts[0], [tr])
    return Row(texts[0], "\n".join(values), [tr], continued=not texts[0])


def _block_rows(tree: LexborHTMLParser, labels: frozenset[str]) -> list[Row]:
    """Fallback for copies of the page without a layout table."""
    rows: list[Row] = []
    pending: Row | None = None
    for node in tree.css(_BLOCK_ROW_SELECTOR):
        if node.tag == "div" and len(node.css(_BLOCK_ROW_SELECTOR)) > 1:
            continue
        text = node_text(node)
        if node.tag == "dd" and pending is not None:
            pending.value, pending.nodes = text, [node]
            rows.append(pending)
            pending = None
            continue
        if node.tag == "dt":
            pending = Row(text, "", [])
            continue
        if text:
            rows.append(_split_inline_label(node, text, labels) or Row("", text, [node]))
    return rows


def page_rows(tree: LexborHTMLParser, labels: frozenset[str]) -> list[Row]:
    """Rows in document order; table markup first, block markup when there is no table."""
    rows = _table_rows(tree, labels)
    labelled = sum(1 for r in rows if r.key in labels)
    if labelled >= 2:
        return rows
    blocks = _block_rows(tree, labels)
    return blocks if sum(1 for r in blocks if r.key in labels) > labelled else rows


# An href rewritten by the Wayback Machine: /web/20080101000000/http://... (maybe im_, id_)
_WAYBACK_HREF = re.compile(
    r"^(?:(?:https?:)?//web\.archive\.org)?/web/\d{1,14}(?:[a-z]{2}_)?/(.+)$"
)


def links(nodes: list[LexborNode]) -> list[str]:
    """The href of every link inside `nodes`, in order; Wayback rewrites undone."""
    found: list[str] = []
    for node in nodes:
        for a in node.css("a[href]"):
            href = (a.attributes.get("href") or "").strip()
            if m := _WAYBACK_HREF.match(href):
                href = m.group(1)
            if href:
                found.append(href)
    return found


def link_texts(nodes: list[LexborNode]) -> list[str]:
    return [node_text(a) for node in nodes for a in node.css("a")]


def page_text(tree: LexborHTMLParser) -> str:
    """The whole page as clean text (markers turned into spaces and line breaks)."""
    root = tree.body or tree.root
    return node_text(root) if root is not None else ""
