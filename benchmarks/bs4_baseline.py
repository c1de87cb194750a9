"""A straightforward BeautifulSoup + lxml parser for the same fields: the speed baseline.

It builds the page's rows with BeautifulSoup (leaf `<tr>` elements, cells, links) and
hands them to the same field logic as `parsers.parse_activity`, so a test can check both
give the same records and the benchmark compares the DOM layers fairly.
"""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup, Tag

from parsers import ActivityRecord, NotAnActivity, dom
from parsers.activity import record_from_rows
from parsers.activity.sections import LABEL_KEYS
from parsers.encoding import decode_html
from parsers.rows import add_rows


class SoupNode:
    """The few lexbor node methods the field logic calls, over a BeautifulSoup tag."""

    def __init__(self, tag: Tag) -> None:
        self._tag = tag

    @property
    def tag(self) -> str:
        return str(self._tag.name)

    @property
    def attributes(self) -> dict[str, Any]:
        return {k: " ".join(v) if isinstance(v, list) else v for k, v in self._tag.attrs.items()}

    def css(self, selector: str) -> list[SoupNode]:
        found = [SoupNode(t) for t in self._tag.select(selector)]
        if self._tag.name == "a" and selector.startswith("a"):
            found.insert(0, self)  # lexbor's css() matches the node itself too
        return found

    def iter(self) -> list[SoupNode]:
        return [SoupNode(c) for c in self._tag.children if isinstance(c, Tag)]

    def text(self, deep: bool = True, separator: str = "", strip: bool = False) -> str:
        return str(self._tag.get_text())


def parse_activity_bs4(
    html: bytes, url: str | None = None, content_type: str | None = None
) -> ActivityRecord | NotAnActivity:
    if not html.strip():
        return NotAnActivity("empty response", url)
    decoded = decode_html(html, content_type)
    soup = BeautifulSoup(dom.mark(decoded.text), "lxml")
    rows: list[dom.Row] = []
    for tr in soup.find_all("tr"):
        if tr.find("tr") is not None:
            continue  # a layout row
        add_rows(rows, SoupNode(tr), LABEL_KEYS, tr.get_text())  # type: ignore[arg-type]
    return record_from_rows(rows, url, decoded)
