"""Logframe pages (a programme, one project purpose, one expected result; print views
too): `parse_logframe(html, url)` and the readers behind it.

    page.py    parse_logframe: bytes → cells → head fields and table rows → record
    cells.py   any markup (or a text rendering) as cells of lines, with rows and columns
    logic.py   the intervention-logic table: rows by their labels, cells by their columns
    text.py    amounts, counts, purpose codes, the code/title line, placeholders
    record.py  LogframeRecord, ProjectPurpose, ExpectedResult, NotALogframe

May import the shared helpers of `parsers` (dom, encoding, dates, limits, issues); nothing
of `pipeline`.
"""

from parsers.logframe.page import parse_logframe

__all__ = ["parse_logframe"]
