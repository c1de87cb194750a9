"""Long lists (a programme's, a country's, a person's activities) a page at a time:
`?page=n`, 100 a page; a page past the end is a 400."""

from __future__ import annotations

import math
from typing import Any

from datasette.utils.asgi import Request

from pipeline.web import queries as Q

Row = dict[str, Any]
LIST_SIZE = 100  # activities a programme, country, person or place page lists at once


def listed(request: Request, items: list[Row]) -> dict[str, Any]:
    """One page of a long list (`?page=n`, 100 a page): the items, the page, the pages,
    the links to the previous and next pages; a page past the end is a 400."""
    text = request.args.get("page") or "1"
    pages = max(1, math.ceil(len(items) / LIST_SIZE))
    if not Q.digits(text) or not 1 <= int(text) <= pages:
        raise Q.BadRequest(f"page: {text!r} is no page number (1 to {pages})")
    page = int(text)
    return {"shown": items[(page - 1) * LIST_SIZE : page * LIST_SIZE], "page": page,
            "pages": pages, "total": len(items),
            "previous": f"?page={page - 1}" if page > 1 else None,
            "next": f"?page={page + 1}" if page < pages else None}  # fmt: skip


def page_number(request: Request) -> int:
    text = request.args.get("page") or "1"
    if not Q.digits(text) or len(text) > 6 or int(text) < 1:
        raise Q.BadRequest(f"page: {text!r} is no page number")
    return int(text)


def paged(page: int, total: int, shown: list[Row]) -> dict[str, Any]:
    """A page of a long list read a page at a time: what `listed` gives; a page past
    the end is a 400."""
    pages = max(1, math.ceil(total / LIST_SIZE))
    if page > pages:
        raise Q.BadRequest(f"page: {page!r} is no page number (1 to {pages})")
    return {"shown": shown, "page": page, "pages": pages, "total": total,
            "previous": f"?page={page - 1}" if page > 1 else None,
            "next": f"?page={page + 1}" if page < pages else None}  # fmt: skip


def by_year_table(per_year: dict[str, dict[str, int]], top: int = 3) -> list[dict[str, Any]]:
    """The chart's numbers as a table a reader can take in: a row a year, its count and
    its `top` programmes (a country of 4,000 activities had 492 year-and-programme rows)."""
    rows = []
    for year in sorted(per_year):
        by = sorted(per_year[year].items(), key=lambda kv: (-kv[1], kv[0]))
        rows.append({"year": year, "n": sum(n for _, n in by), "top": by[:top],
                     "more": len(by) - top if len(by) > top else 0})  # fmt: skip
    return rows
