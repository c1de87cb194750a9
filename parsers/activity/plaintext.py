"""Pages kept only as text: a rendering with one table row a line ("Title Regional ...").

Web archives keep some pages only as text (a crawl's WET records, a store of renderings
such as the reference copy of page 18356). With the markup gone, a label is known only by
the words a line opens with, and prose can open with the same words: the results of page
18356 have a paragraph "Participants agreed to ...". So a label followed by lower case
counts only right below a short field ("Status Planned", then "Date to be confirmed"),
not amid prose; and the site's template wrote its labels in one order (`SITE_ORDER`):
the lines read as labels are the longest run of label lines in that order, the latest
winning a tie. Every other line goes on from the line above, as a cell with an empty
label does.

    >>> rows = text_rows("Title Round table\\nStatus Completed\\nmore about it")
    >>> [(r.label, r.value) for r in rows]
    [('Title', 'Round table'), ('Status', 'Completed'), ('', 'more about it')]
"""

from __future__ import annotations

import re

from parsers.activity.sections import LABEL_KEYS, LABELS, MULTILINE, SITE_ORDER
from parsers.dom import Row, is_label, norm_label

_TAG = re.compile(r"<[A-Za-z!/?]")
_MAX_LABEL_WORDS = 5  # "Total No. of Participants" and a symbol
_MAX_NODES = 1000  # label lines weighed at most (a huge text's later ones go on as prose)
_POSITIONS: dict[str, tuple[int, ...]] = {
    slot: tuple(i for i, s in enumerate(SITE_ORDER) if s == slot) for slot in set(SITE_ORDER)
}


def is_text_rendering(text: str) -> bool:
    """A page with no markup at all: not one tag."""
    return _TAG.search(text) is None


def text_rows(text: str) -> list[Row]:
    """The rows of a text rendering: label lines in the site's order, and lines going on."""
    lines = [" ".join(line.split()) for line in text.splitlines()]  # \xa0 is space here
    labels = _line_labels(lines)
    chosen = _in_site_order(labels)
    rows: list[Row] = []
    after_blank = False
    for i, line in enumerate(lines):
        if not line:
            after_blank = True
            continue
        label = labels[i]
        if label is not None and i in chosen:
            rows.append(Row(label, line[len(label) :].lstrip(" :"), []))
        else:
            rows.append(Row("", line, [], continued=True, paragraph=after_blank))
        after_blank = False
    return rows


def _line_labels(lines: list[str]) -> list[str | None]:
    """The label each line opens with, as written, or None. A label followed by lower
    case ("Participants agreed to ...", "Date to be confirmed") counts only right below
    a label line whose value does not run on over lines: elsewhere it is prose going on."""
    found: list[str | None] = []
    above: str | None = None  # the slot of the line above, when it opens with a label
    for line in lines:
        if not line:
            found.append(None)
            continue
        label = _line_label(line)
        slot = LABELS.get(norm_label(label)) if label else None
        lower = label is not None and line[len(label) :].lstrip(" :")[:1].islower()
        if lower and slot != "title" and (above is None or above in MULTILINE):
            label = slot = None
        found.append(label)
        above = slot
    return found


def _line_label(line: str) -> str | None:
    """The longest run of a line's first words that is a label, as written."""
    words = line.split(" ", _MAX_LABEL_WORDS)
    for n in range(min(len(words), _MAX_LABEL_WORDS), 0, -1):
        head = " ".join(words[:n])
        if is_label(head, LABEL_KEYS):
            return head
    return None


def _slot_positions(label: str) -> tuple[int, ...]:
    key = norm_label(label)
    return _POSITIONS.get(LABELS.get(key, key), ())


def _in_site_order(labels: list[str | None]) -> set[int]:
    """Indexes of the label lines that make the longest run in the site's order."""
    # every (line, place in the order) a label line may stand for
    nodes = [(i, p) for i, label in enumerate(labels) if label for p in _slot_positions(label)]
    del nodes[_MAX_NODES:]  # a page has some forty; the run below takes time squared
    if not nodes:
        return set()
    best: list[int] = []  # best[n]: length of the longest run ending at nodes[n]
    for n, (line, place) in enumerate(nodes):
        before = [best[m] for m in range(n) if nodes[m][0] < line and nodes[m][1] < place]
        best.append(1 + max(before, default=0))
    # walk back from the latest longest run, taking the latest node that continues it
    n = max(range(len(nodes)), key=lambda k: (best[k], nodes[k][0]))
    chosen = {nodes[n][0]}
    while best[n] > 1:
        line, place = nodes[n]
        n = max(
            m
            for m in range(n)
            if best[m] == best[n] - 1 and nodes[m][0] < line and nodes[m][1] < place
        )
        chosen.add(nodes[n][0])
    return chosen
