"""The page's tree, marked for text extraction, and what every reader of it shares.

Line structure is kept by marking `<br>` and block starts with private-use characters
before the tree is built, so text extraction stays in lexbor's C code; cells are marked
the same way, so one text call gives a row's cells. Here too: label keys (`norm_label`),
the `Row` every reader produces, links, and the page's text. `parsers.rows` turns the
tree into rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from selectolax.lexbor import LexborHTMLParser, LexborNode

LINE = "\ue000"  # stands for <br> and the start of a list item
PARA = "\ue001"  # stands for the start of a <p>
CELL = "\ue002"  # stands for the start of a <td> or <th>
BLOCK = "\ue003"  # stands for the start of a <div>: a new line, unless one has just begun


# `document.write('<a href="mailto:' + 'a.b' + '@coe.int">email</a>')`, the way pages
# of the time hid addresses from harvesters: a call whose argument is string literals
# joined by "+" writes their text, as a browser shows it. Anything else gives nothing.
_JS_STRING = r"'(?:[^'\\\n]|\\.)*'|" + r'"(?:[^"\\\n]|\\.)*"'
_WRITE = re.compile(rf"document\.write(?:ln)?\s*+\(((?:\s*+\+?\s*+(?:{_JS_STRING}))++)\s*+\)")
_LITERAL = re.compile(r"'((?:[^'\\]|\\.)*)'|" + r'"((?:[^"\\]|\\.)*)"')
_JS_ESCAPE = re.compile(r"\\(.)")


def _script_output(script: str) -> str:
    """What a script or style shows on the page: the literal text a script writes."""
    if "document.write" not in script:
        return ""
    return "".join(
        _JS_ESCAPE.sub(_unescape, single or double)
        for call in _WRITE.finditer(script)
        for single, double in _LITERAL.findall(call.group(1))
    )


_JS_ESCAPES = {"n": "\n", "t": "\t"}  # any other escaped character stands for itself


def _unescape(m: re.Match[str]) -> str:
    return _JS_ESCAPES.get(m.group(1), m.group(1))


def _paragraph_or_block(m: re.Match[str]) -> str:
    return f"{PARA}<" if m.string[m.end()] in "pP" else f"{BLOCK}<"


# Passes with a constant replacement each where they can, so that they run in C (a
# template like \g<0> would be expanded in Python per match); `<p>` and `<div>` share a
# pass with a function instead, since a page has few of them and a pass over its text
# costs more than their calls. Scripts and styles go first: a browser shows none of
# their code, which lexbor would give as a cell's text; only what a script writes.
# Line and block markers go before their tag, where the text belongs to the enclosing
# cell; cell markers must go inside the cell (text between cells would be moved out of
# the table), so cell start tags are rewritten: their attributes never matter here (a
# quoted value may hold ">": `<td title="a > b">`).
# Each pattern opens with "<" and a class of the tags' first letters, which sre scans
# for fastest (a third faster than re.I with an alternation); lookbehinds then tell the
# tags apart.
# Quoted values may hold ">". Bounded, so that a tag left open (`<td a="` and no end)
# costs a bounded scan, not one to the end of the page for each such tag.
_ATTRIBUTES = r"""[^>"']{0,4096}+(?:(?:"[^"]{0,4096}+"|'[^']{0,4096}+')[^>"']{0,4096}+){0,64}+"""
_RAW_TEXT_START = re.compile(r"<([sStT])(?:(?<=[sS])cript|(?<=[sS])tyle|(?<=[tT])emplate)\b", re.I)
_RAW_TEXT_END = {
    name: re.compile(rf"</{name}\s*>", re.I) for name in ("script", "style", "template")
}


def hide_raw_text(html: str) -> str:
    """Scripts, styles and templates replaced by what they show (see `_script_output`).

    One scan: each start tag's end is looked for once, and an unclosed one hides the rest
    of the page, as a browser reads it (a regex with `.*?` would rescan to the end for
    every unclosed tag).
    """
    out: list[str] = []
    pos = 0
    while (start := _RAW_TEXT_START.search(html, pos)) is not None:
        name = html[start.start() + 1 : start.end()].lower()
        end = _RAW_TEXT_END[name].search(html, start.end())
        out.append(html[pos : start.start()])
        if end is None:
            out.append(_script_output(html[start.start() :]))
            return "".join(out)
        out.append(_script_output(html[start.start() : end.end()]))
        pos = end.end()
    out.append(html[pos:])
    return "".join(out)


_MARKS = (
    (re.compile(r"<(?=[bBlL](?:(?<=[bB])[rR][\s/>]|(?<=[lL])[iI][\s>]))"), f"{LINE}<"),
    (re.compile(r"<(?=[pPdD](?:(?<=[pP])[\s>]|(?<=[dD])[iI][vV][\s>]))"), _paragraph_or_block),
    (re.compile(rf"<t[dh](?:\s{_ATTRIBUTES})?>", re.I), f"<td>{CELL}"),
)
_UNMARK = dict.fromkeys(map(ord, (LINE, PARA, CELL, BLOCK)))
# Block starts that follow a line break or each other (`<br><div>`, `<div><div>`) begin
# one new line between them, as a browser shows them; a <br> or `&nbsp;` after a block
# start makes an empty line of its own (`<div><br></div>`).
_BLOCK_RUN = re.compile(f"{LINE}?[ \\t\\r\\n\\f{BLOCK}]*{BLOCK}")  # not \s: &nbsp; is a line
MANY_BREAKS = re.compile(r"\n{3,}")
_LABEL_JUNK = re.compile(r"[\s:\xa0⇒☆*·•]+")
_LABEL_SPACING = re.compile(r" ?([/(]) ?| ?- ?")  # "Output / Result (s)", "Follow-up"


def clean_text(raw: str) -> str:
    """Collapse white space inside lines, keep line and paragraph breaks as newlines.

    >>> clean_text("  a\\n b" + LINE + " c " + PARA + "d\\xa0" + BLOCK + BLOCK + "e")
    'a b\\nc\\n\\nd\\ne'
    """
    if LINE not in raw and PARA not in raw and BLOCK not in raw:  # the common case: one line
        return " ".join(raw.replace("\u200b", "").split())
    text = line_breaks(raw.replace("\u200b", ""))
    lines = "\n".join(" ".join(line.split()) for line in text.split(LINE))
    return MANY_BREAKS.sub("\n\n", lines).strip("\n ")


def line_breaks(text: str) -> str:
    """`text` with its paragraph and block markers turned into LINE markers: a paragraph
    starts after an empty line, a block on a new line."""
    if BLOCK in text:
        text = _BLOCK_RUN.sub(LINE, text)
    return text.replace(PARA, LINE + LINE)


@lru_cache(maxsize=8192)
def norm_label(text: str) -> str:
    """A label's lookup key: lower case, no colon, arrow, star or spacing; no spaces
    around "/" or before "(", and hyphens read as spaces.

    >>> norm_label("Line of Action ⇒ "), norm_label("Conclusions / Follow-up:")
    ('line of action', 'conclusions/follow up')
    """
    key = _LABEL_JUNK.sub(" ", text.replace("\xad", "")).strip().lower()  # soft hyphens too
    return _LABEL_SPACING.sub(_spacing, key) if ("/" in key or "(" in key or "-" in key) else key


def _spacing(m: re.Match[str]) -> str:
    return m.group(1) or " "


_LONGEST_LABEL = 48  # longer text is a value: not worth normalising to look it up


def is_label(text: str, labels: frozenset[str]) -> bool:
    """Is `text` one of `labels` (as `norm_label` gives them)?"""
    return len(text) <= _LONGEST_LABEL and norm_label(text) in labels


@dataclass(slots=True)
class Row:
    """One visual row of the page: a label cell (maybe empty) and what follows it."""

    label: str  # the label as written, cleaned ("" when the row has none)
    value: str  # the value cells' text, cleaned
    nodes: list[LexborNode] = field(default_factory=list)  # where the value's links are
    continued: bool = False  # an empty label cell: the value goes on from the row above
    paragraph: bool = False  # a continued row after a blank line: a new paragraph

    @property
    def key(self) -> str:
        return norm_label(self.label)

    @property
    def whole(self) -> str:
        """The row read as one line, label and value together."""
        return f"{self.label} {self.value}".strip() if self.label else self.value


def mark(html: str) -> str:
    """The page with line, paragraph, block and cell markers in place (see LINE...)."""
    if LINE in html or PARA in html or CELL in html or BLOCK in html:  # they would fake structure
        html = html.translate(_UNMARK)
    html = hide_raw_text(html)
    for pattern, replacement in _MARKS:
        html = pattern.sub(replacement, html)
    return html


def parse_tree(html: str) -> LexborHTMLParser:
    """Build the tree with the markers in place."""
    return LexborHTMLParser(mark(html))


def node_text(node: LexborNode) -> str:
    return marked_text(node.text(deep=True, separator="", strip=False))


def marked_text(raw: str) -> str:
    """Marked text (a node's, or a run of nodes') as clean text: cells apart by a space."""
    return clean_text(raw.replace(CELL, " "))


# An href rewritten by the Wayback Machine: /web/20080101000000/http://... (maybe im_, id_)
_WAYBACK_HREF = re.compile(
    r"^(?:(?:https?:)?//web\.archive\.org)?/web/\d{1,14}(?:[a-z]{2}_)?/(.+)$"
)


def links(nodes: list[LexborNode]) -> list[str]:
    """The href of every link inside `nodes`, in order; Wayback rewrites undone."""
    found: list[str] = []
    for node in nodes:
        for a in node.css("a[href]"):
            if href := original_url((a.attributes.get("href") or "").strip()):
                found.append(href)
    return found


def original_url(url: str) -> str:
    """The address the Wayback Machine archived `url` from; any other `url` as it is.

    >>> original_url("http://web.archive.org/web/2008id_/http://www.jp.coe.int/CEAD/")
    'http://www.jp.coe.int/CEAD/'
    """
    m = _WAYBACK_HREF.match(url)
    return m.group(1) if m else url


def link_texts(nodes: list[LexborNode]) -> list[str]:
    return [node_text(a) for node in nodes for a in node.css("a")]


def page_text(tree: LexborHTMLParser) -> str:
    """The whole page as clean text (markers turned into spaces and line breaks)."""
    root = tree.body or tree.root
    return node_text(root) if root is not None else ""


def page_lines(tree: LexborHTMLParser) -> str:
    """The page as a text rendering: its `<pre>` blocks as written, else its clean text."""
    pre = tree.css("pre")
    if pre:
        return "\n".join(p.text(deep=True, separator="", strip=False) for p in pre)
    return page_text(tree)


def holding(tree: LexborHTMLParser, tags: frozenset[str]) -> set[int]:
    """The `mem_id`s of the elements of `tags` that hold another element of `tags`.

    One walk over the tree with a stack of ancestors, so linear in its size however deep
    it nests (asking each element for its own matches would cost its subtree each time).
    """
    held: set[int] = set()
    # (an element on the path from the root, the nearest of `tags` at or above it)
    stack: list[tuple[int, int | None]] = []
    root = tree.root
    if root is None:
        return held
    for node in root.traverse():
        parent = node.parent
        parent_id = parent.mem_id if parent is not None else None
        while stack and stack[-1][0] != parent_id:
            stack.pop()
        nearest = stack[-1][1] if stack else None
        if node.tag in tags:
            if nearest is not None:
                held.add(nearest)
            nearest = node.mem_id
        stack.append((node.mem_id, nearest))
    return held
