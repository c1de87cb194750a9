"""Rows with no label of their own that follow a label whose value is empty (or a list)
are that label's continuation: the numbered link rows under "Web Pages" or "Documents &
links" (`1 | http://...`), which were lost before (issue 15)."""

from __future__ import annotations

import pytest

from parsers import ActivityRecord, parse_activity

HEAD = (
    "<html><body><table><tr><td>Activity Details (ID# 5)</td></tr>"
    "<tr><td>Title</td><td>A workshop</td></tr><tr><td>Status</td><td>Completed</td></tr>"
)
TAIL = "<tr><td>Last Modified</td><td>04/04/2007</td></tr></table></body></html>"


def link_row(number: str, url: str) -> str:
    return f'<tr><td>{number}</td><td><a href="{url}">{url}</a></td></tr>'


def parse(rows: str) -> ActivityRecord:
    record = parse_activity((HEAD + rows + TAIL).encode())
    assert isinstance(record, ActivityRecord)
    return record


@pytest.mark.parametrize("label", ["Web Pages", "Documents & links"])
@pytest.mark.parametrize("numbers", [("1", "2", "3"), ("1.", "2.", "3."), ("1)", "2)", "3)")])
def test_numbered_rows_under_an_empty_label_are_its_links(
    label: str, numbers: tuple[str, ...]
) -> None:
    urls = [f"http://www.coe.int/doc-{n}.pdf" for n in range(3)]
    rows = f"<tr><td>{label}</td><td></td></tr>" + "".join(
        link_row(n, u) for n, u in zip(numbers, urls, strict=True)
    )
    record = parse(rows)
    assert list(record.links) == urls
    assert record.last_modified is not None and record.title == "A workshop"


def test_a_numbered_row_after_a_filled_label_joins_nothing() -> None:
    record = parse(link_row("1", "http://www.coe.int/x.pdf"))
    assert record.links == () and record.status == "Completed"


def test_a_numbered_row_before_any_label_is_no_value() -> None:
    page = HEAD.replace("<tr><td>Title", link_row("1", "http://x.test/") + "<tr><td>Title")
    record = parse_activity((page + TAIL).encode())
    assert isinstance(record, ActivityRecord) and record.links == ()
