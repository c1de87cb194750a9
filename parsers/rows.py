"""Turn a legacy page into a flat list of rows: (label, value text, value nodes).

The old site laid every field out as a table row, label cell then value cell, inside
nested layout tables; other copies of it (print views, archive rewrites) wrap labels in
`<b>`/`<font>`, add colons and `&nbsp;`, put two label/value pairs in a row or a field a
line in one cell, or drop the table for `<dt>`/`<p>` blocks. This module hides all of
that: callers see rows in document order and look labels up by text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from selectolax.lexbor import LexborHTMLParser, LexborNode

from parsers.dom import (
    BLOCK,
    CELL,
    LINE,
    MANY_BREAKS,
    PARA,
    Row,
    holding,
    is_label,
    line_breaks,
    marked_text,
    node_text,
    norm_label,
    page_lines,
)

_SEPARATOR_CELL = " :-–=>|\xa0⇒☆→►»•·*"  # a cell of these between label and value
_INLINE_LABEL_TAGS = frozenset({"b", "strong", "font", "span", "label", "th", "em", "u"})
_BOLD_LABELS = "b, strong, font, label, em, u"
_BLOCK_ROW_SELECTOR = "p, li, dt, dd, h1, h2, h3, h4, h5, h6, div"
_BLOCK_ROW_TAGS = frozenset(_BLOCK_ROW_SELECTOR.split(", "))
BLOCK_TEXT_FACTOR = 4  # block rows read at most this many times the page's text


def _cells(tr: LexborNode) -> list[LexborNode]:
    return [child for child in tr.iter() if child.tag in ("td", "th")]


def _first_word(text: str) -> str:
    """The first word of a label: what comes before a space, "/" or "("."""
    words = text.split(None, 1)
    return _word_key(words[0]) if words else ""


@lru_cache(maxsize=4096)
def _word_key(word: str) -> str:
    return norm_label(word).split("/", 1)[0].split("(", 1)[0]


@lru_cache(maxsize=64)
def _first_words(labels: frozenset[str]) -> frozenset[str]:
    return frozenset(_first_word(label) for label in labels)


def _first_cell(node: LexborNode) -> LexborNode:
    cells = _cells(node) if node.tag == "tr" else []
    return cells[0] if cells else node


def _opening_label(cell: LexborNode, labels: frozenset[str]) -> str | None:
    """The label a cell opens with in `<b>`, `<font>`... (`<td><b>Title:</b> ...`), or None."""
    first = next(iter(cell.iter()), None)
    if first is None or first.tag not in _INLINE_LABEL_TAGS:
        return None
    label = node_text(first)
    return label if is_label(label, labels) else None


def _split_inline_label(node: LexborNode, text: str, labels: frozenset[str]) -> Row | None:
    """`<td><b>Title:</b> value</td>`, `Title: value` or "Title", a line break and the
    value, in one cell or block (whose first word is a label's): split there."""
    cell = _first_cell(node)
    label = _opening_label(cell, labels)
    if label is not None and text.startswith(label):
        return Row(label, text[len(label) :].strip(), [cell])
    head, colon, rest = text.partition(":")
    if colon and is_label(head, labels):
        return Row(head, rest.strip(), [cell])
    head, newline, rest = text.partition("\n")
    if newline and is_label(head, labels):  # the label on a line of its own
        return Row(head, rest.strip(), [cell])
    return None


def _row_cells(raw: str) -> list[str]:
    """Cleaned cell texts of one row's text, split at the cell markers (text before the
    first marker is no cell's; text with no marker is one cell)."""
    if "\u200b" in raw:
        raw = raw.replace("\u200b", "")
    if PARA in raw or BLOCK in raw:  # before white space is collapsed: &nbsp; makes a line
        raw = line_breaks(raw)
    cells = " ".join(raw.split()).split(CELL)  # white space collapsed once per row
    if len(cells) > 1:
        del cells[0]
    return [_lines(c) if LINE in c else c.strip() for c in cells]


def _lines(text: str) -> str:
    lines = "\n".join(line.strip() for line in text.split(LINE))
    return MANY_BREAKS.sub("\n\n", lines).strip("\n ")


def _labelled_layout_rows(tree: LexborHTMLParser, labels: frozenset[str]) -> dict[int, Row]:
    """Rows with a label whose value is a table of its own (a nested list): the label in
    a cell of its own (maybe beside an icon in a table of one row), or opening the cell
    in bold (`<b>Description:</b> <table>...`)."""
    found: dict[int, Row] = {}
    for tr in tree.css("tr:has(tr)"):  # few: the page's layout rows
        cells = _cells(tr)
        while len(cells) > 2 and not cells[0].css_first("tr") and not node_text(cells[0]):
            del cells[0]  # a spacer column
        if not cells:
            continue
        if (
            len(cells) > 1
            and len(cells[0].css("tr")) < 2  # not a cell holding the record's rows
            and is_label(own := node_text(cells[0]), labels)
        ):
            found[tr.mem_id] = Row(own, _nested_lines(cells[1:]), cells[1:])
        elif (
            (bold := _opening_label(cells[0], labels)) is not None
            and (inner := cells[0].css("tr:not(:has(tr))"))
            and not any(is_label(node_text(_first_cell(r)), labels) for r in inner)
        ):  # a list, not the rest of the page
            value = _nested_lines(cells[:1]).removeprefix(bold).lstrip(" :\n")
            found[tr.mem_id] = Row(bold.rstrip(" :"), value, cells[:1])
    return found


def _nested_lines(cells: list[LexborNode]) -> str:
    """The value cells' text as a browser shows it: each row of a table inside them a
    line, and the text around such tables (its own line and paragraph breaks kept) apart."""
    parts: list[str] = []
    for cell in cells:
        loose: list[str] = []
        for child in cell.iter(include_text=True):
            if child.tag == "table" or (child.tag != "-text" and child.css_first("tr")):
                parts.append(marked_text("".join(loose)))
                loose = []
                inner = child.css("tr:not(:has(tr))")
                parts += [node_text(r) for r in inner] if inner else [node_text(child)]
            else:
                loose.append(child.text(deep=True, separator="", strip=False))
        parts.append(marked_text("".join(loose)))
    return "\n".join(t for t in parts if t.strip(_SEPARATOR_CELL))  # not a lone ":"


# Headings between tables (and table captions) open the page's parts as heading rows do.
_LOOSE_HEADINGS = ", ".join(["caption"] + [f"h{n}:not(table *)" for n in range(1, 7)])
_HEADING_TAG = re.compile(rb"<(?:h[1-6]|caption)[\s>]", re.I)


def _row_selector(tree: LexborHTMLParser, rows: str) -> str:
    """`rows`, and loose headings when the page has heading tags (a scan is cheaper than
    asking lexbor to test every element against six more selectors)."""
    return f"{rows}, {_LOOSE_HEADINGS}" if _HEADING_TAG.search(tree.raw_html) else rows


def _table_rows(tree: LexborHTMLParser, labels: frozenset[str]) -> list[Row]:
    labelled = _labelled_layout_rows(tree, labels)
    if labelled:
        return _rows_in_order(tree, labels, labelled)
    rows: list[Row] = []
    # Leaf rows only: a layout row's inner rows are read on their own.
    for node in tree.css(_row_selector(tree, "tr:not(:has(tr))")):
        add_rows(rows, node, labels)
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
        else:
            add_rows(rows, node, labels)
    return rows


def add_rows(
    rows: list[Row], tr: LexborNode, labels: frozenset[str], raw: str | None = None
) -> None:
    """Add the Rows of one leaf `<tr>` (or a loose heading, read as a row of one cell) to
    `rows`: none for an empty row, one for each label when the row holds several
    label/value pairs ("Status | Completed | Date | 19/03/2007"). `raw` is the row's marked
    text when another DOM library has read it."""
    texts = _row_cells(tr.text(deep=True, separator="", strip=False) if raw is None else raw)
    skip = 0 if texts[0] or len(texts) < 3 else _spacer_cells(texts, labels)
    if skip:
        texts = texts[skip:]
    if len(texts) > 2 and (starts := _pair_starts(texts, labels)):
        cells = _cells(tr)
        whole = len(cells) != len(texts) + skip  # cells inside cells: links stay with the row
        cells = cells[skip:]
        for a, b in zip(starts, [*starts[1:], len(texts)], strict=True):
            node, nodes = (tr, [tr]) if whole else (cells[a], cells[a:b])
            _add_cells_row(rows, node, nodes, texts[a:b], labels)
    else:
        _add_cells_row(rows, tr, [tr], texts, labels)


def _spacer_cells(texts: list[str], labels: frozenset[str]) -> int:
    """How many empty cells (a spacer column) stand before a label cell with a value cell
    after it; 0 when the first filled cell is no label, so the row goes on from the one
    above (`<td></td><td>more text</td>`)."""
    first = next((i for i, text in enumerate(texts) if text), len(texts))
    return first if first < len(texts) - 1 and is_label(texts[first], labels) else 0


def _pair_starts(texts: list[str], labels: frozenset[str]) -> list[int]:
    """Where each label/value pair of a row starts, when the row opens with a label and a
    later cell is a label too; [] for a row of one pair."""
    if not is_label(texts[0], labels):
        return []
    starts = [0] + [i for i in range(1, len(texts)) if texts[i] and is_label(texts[i], labels)]
    return starts if len(starts) > 1 else []


def _add_cells_row(
    rows: list[Row],
    node: LexborNode,
    nodes: list[LexborNode],
    texts: list[str],
    labels: frozenset[str],
) -> None:
    """Add the Row of a label cell's text and its value cells' texts; none when all are empty."""
    if not texts or not any(texts):
        return
    # a cell holding only ":" or "-" between label and value is no value
    values = [t for t in texts[1:] if t and t.strip(_SEPARATOR_CELL)]
    if values:
        rows.append(Row(texts[0], "\n".join(values), nodes, continued=not texts[0]))
    elif not texts[0]:
        return
    elif is_label(texts[0], labels):  # a label with an empty value
        rows.append(Row(texts[0], "", []))
    else:
        _add_one_cell_rows(rows, node, nodes, texts[0], labels)


def _add_one_cell_rows(
    rows: list[Row], node: LexborNode, nodes: list[LexborNode], text: str, labels: frozenset[str]
) -> None:
    """A cell or block with no label cell beside it: one field a line, a label opening
    the text, or a row with no label. Right below a label with no value, its lines are
    not split into fields, unless it opens with a label in bold: they are that label's
    value ("Objectives: ..." lines inside a stacked Description)."""
    opens = _first_word(text) in _first_words(labels)  # most are headings, chrome: cheap
    above = rows[-1] if rows else None
    if (
        above is not None
        and above.label
        and not above.value
        and (not opens or _opening_label(_first_cell(node), labels) is None)
    ):
        rows.append(Row("", text, nodes))  # the value of the label above
    elif "\n" in text and (by_line := _labelled_lines(node, text, labels)):
        rows += by_line
    else:
        rows.append((opens and _split_inline_label(node, text, labels)) or Row("", text, nodes))


def _labelled_lines(node: LexborNode, text: str, labels: frozenset[str]) -> list[Row]:
    """ "Title: X<br>Status: Completed<br>...": a row for each line, when two or more lines
    open with a label (before a colon, in bold, or alone on the line); [] otherwise.

    Lines with no label go on from the row above (after a blank line, as a new
    paragraph); each row keeps the links whose text is on its line."""
    lines = text.split("\n")
    first_words = _first_words(labels)
    if sum(1 for line in lines if _first_word(line) in first_words) < 2:
        return []  # cheap test first: fewer than two lines open with a label's first word
    cell = _first_cell(node)
    bold = [t for b in cell.css(_BOLD_LABELS) if is_label(t := node_text(b), labels)]
    split = [_line_label(line, bold, labels) for line in lines]
    if sum(1 for label in split if label is not None) < 2:
        return []
    anchors = [(a, node_text(a)) for a in cell.css("a")]
    rows: list[Row] = []
    after_blank = False
    for line, label in zip(lines, split, strict=True):
        if not line:
            after_blank = True
            continue
        own = [a for a, words in anchors if words and words in line]
        if label is None:
            rows.append(Row("", line, own, continued=True, paragraph=after_blank))
        else:
            rows.append(Row(label, line[len(label) :].lstrip(" :"), own))
        after_blank = False
    return rows


def _line_label(line: str, bold: list[str], labels: frozenset[str]) -> str | None:
    """The label a line opens with, as written, or None."""
    head, colon, _ = line.partition(":")
    if colon and is_label(head, labels):
        return head
    if is_label(line, labels):
        return line
    return next((b for b in bold if line.startswith(b)), None)


def _block_rows(tree: LexborHTMLParser, labels: frozenset[str]) -> list[Row]:
    """Fallback for copies of the page without a layout table."""
    rows: list[Row] = []
    pending: Row | None = None
    outer = holding(tree, _BLOCK_ROW_TAGS)  # divs around other blocks: read the inner ones
    # Nested blocks read their inner blocks' text again; a page nesting deep would make
    # that grow with the square of its depth, so the text read is bounded by the page's.
    budget = BLOCK_TEXT_FACTOR * len(tree.raw_html) + 65536
    for node in tree.css(_BLOCK_ROW_SELECTOR):
        if node.tag == "div" and node.mem_id in outer:
            continue
        text = node_text(node)
        budget -= len(text)
        if budget < 0:
            break
        if node.tag == "dd" and pending is not None:
            pending.value, pending.nodes = text, [node]
            rows.append(pending)
            pending = None
            continue
        if node.tag == "dt":
            pending = Row(text, "", [])
            continue
        if text:
            _add_one_cell_rows(rows, node, [node], text, labels)
    return rows


def page_rows(
    tree: LexborHTMLParser,
    labels: frozenset[str],
    text_rows: Callable[[str], list[Row]] | None = None,
) -> list[Row]:
    """Rows in document order: from table markup; when that gives fewer than two labelled
    rows, from block markup, then from the page read as a text rendering by `text_rows`
    (label and value apart by a space only: `<div>Title Workshops</div>`, `<pre>`)."""
    rows = _table_rows(tree, labels)
    labelled = _labelled_count(rows, labels)
    if labelled >= 2:
        return rows
    blocks = _block_rows(tree, labels)
    if (n := _labelled_count(blocks, labels)) > labelled:
        rows, labelled = blocks, n
    if labelled < 2 and text_rows is not None:
        lines = text_rows(page_lines(tree))
        return lines if _labelled_count(lines, labels) > labelled else rows
    return rows


def _labelled_count(rows: list[Row], labels: frozenset[str]) -> int:
    return sum(1 for r in rows if r.key in labels)
