"""The logframe's free-text forms: amounts, counts, codes, the code/title line, placeholders.

>>> amount("3 500 000"), activity_count("(1 Activity)"), split_code_title("A -B   Title")
(3500000, 1, ('A -B', 'Title'))
"""

from __future__ import annotations

import re

# "3 500 000", "923 995", "0", "4.800.000", "1,200,000", "€ 650 000", "650 000 EUR"
_GROUPED = r"\d{1,3}(?:(?:[ \xa0\u202f]|(?<=\d)[.,'](?=\d{3}))\d{3})+"
AMOUNT = rf"(?:€\s*|EUR\s+)?(?P<amount>{_GROUPED}|\d{{5,}}|0)(?:\s*(?:€|EUR|euros?))?"
_AMOUNT = re.compile(rf"^{AMOUNT}$", re.I)
_BUDGET_LINE = re.compile(rf"^(?:(?:total\s+)?budget\b[^0-9€]{{0,20}}?)?{AMOUNT}$", re.I)
COUNT = r"\(\s*(?P<count>\d{1,7})\s+activit(?:y|ies)\s*\)"
_COUNT = re.compile(COUNT, re.I)
# 2006/DG1/JP/1670, 2010/DG I/JP/2467, 2016/DG I/JP/3729, 2011/DG PROG/JP/2649
PURPOSE_CODE = r"\d{4}\s*/\s*[A-Za-z][A-Za-z0-9 .\-]{0,20}?\s*/\s*JP\s*/\s*(?P<key>\d{1,7})"
CODE = re.compile(PURPOSE_CODE, re.I)
_GAP = re.compile(r"[ \t]*(?:\t|\xa0|  )[\s\xa0]*")  # two spaces, a tab or a &nbsp;
_PLACEHOLDERS = frozenset({"", ".", "..", "...", "-", "--", "tbc", "tbd", "n/a", "na", "none", "x"})


def amount(text: str) -> int | None:
    """Euros written with spaces between thousands; None when `text` is no amount."""
    m = _AMOUNT.match(text.strip())
    return int(re.sub(r"\D", "", m.group("amount"))) if m else None


def budget_line(text: str) -> int | None:
    """A line holding only a budget, maybe labelled: "3 500 000", "Budget (EUR): 1 000 000"."""
    m = _BUDGET_LINE.match(text.strip())
    return int(re.sub(r"\D", "", m.group("amount"))) if m else None


def activity_count(text: str) -> int | None:
    m = _COUNT.search(text)
    return int(m.group("count")) if m else None


def without_count(text: str) -> str:
    return " ".join(_COUNT.sub(" ", text).split())


def purpose_key(code: str | None) -> int | None:
    m = CODE.search(code or "")
    return int(m.group("key")) if m else None


def split_code_title(raw: str) -> tuple[str | None, str | None]:
    """The programme line as the page splits it: code, a gap (two spaces, a tab or a
    `&nbsp;`), title. Codes hold single spaces and hyphens ("NS Centre - JMA II")."""
    raw = raw.strip(" \t\xa0")
    parts = _GAP.split(raw, maxsplit=1)
    if len(parts) == 2 and parts[0] and parts[1]:
        return " ".join(parts[0].split()), " ".join(parts[1].split())
    return None, " ".join(raw.split()) or None


def placeholder(text: str | None) -> bool:
    """`tbc`, `.` and the like: a cell filled in to be filled in later."""
    return text is None or text.strip().lower() in _PLACEHOLDERS


def prose(lines: list[str]) -> str | None:
    """Lines of one cell as text: blank lines kept as paragraph breaks, at most one."""
    text = "\n".join(lines).strip()
    text = re.sub(r"\n{3,}", "\n\n", text)
    return None if placeholder(text) else text
