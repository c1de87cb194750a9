"""The Council of Europe treaties each activity names: by number ("ETS 185", "ETS No. 185",
"CETS No. 201", "(ETS No.-s 185 and 189)") or by title or common name ("Convention on
Cybercrime", "Budapest Convention"), in any of its text fields.

A number counts only after "ETS" or "CETS": "185 participants" and "Article 35" name
nothing. Names are matched longest first, so "Additional Protocol to the Convention on
Cybercrime, concerning ..." is 189, not 185. The list of treaties is a data file
(`data/treaties.json`, its source stated in it).

    >>> [(m.number, m.text) for m in find("the Convention on Cybercrime (ETS 185)")]
    [(185, 'Convention on Cybercrime'), (185, 'ETS 185')]
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from parsers import FIELD_NAMES, ActivityRecord

DATA = Path(__file__).resolve().parent / "data" / "treaties.json"
# "ETS 185", "ETS No. 185", "ETS n° 185", "CETS No. 201", "ETS No.-s 185 and 189"
_NUMBERS = re.compile(
    r"\b(C?ETS)\b\.?\s{0,3}(?:(?:No|Nos|Nr|n°|no|number)\s{0,2}\.?\s{0,2}(?:-\s{0,2}s)?\s{0,2})?"
    r"(\d{1,3})\b((?:\s{0,3}(?:,|and|&|/|\+)\s{0,3}\d{1,3}\b){0,10})",
    re.I,
)
_MORE = re.compile(r"\d{1,3}")
_LIST_END = re.compile(r"\s{0,3}(?:[).;:]|$)")
# Fields of free text (not codes, dates, addresses or names).
TEXT_FIELDS = tuple(
    f for f in FIELD_NAMES
    if f in {"title", "description", "objectives", "results", "follow_up", "participants",
             "programme_title", "project_purpose_title", "expected_result_text",
             "coe_line_of_action_title", "coe_programme_title", "coe_project_title",
             "coe_expected_result_text"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Treaty:
    number: int
    series: str
    title: str
    common_names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Mention:
    number: int
    text: str


@cache
def treaties() -> dict[int, Treaty]:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    return {
        n: Treaty(n, series, title, tuple(names)) for n, series, title, names in data["treaties"]
    }


@cache
def _names() -> tuple[re.Pattern[str], dict[str, int]]:
    """One pattern of every title and common name, longest first; and each name's treaty."""
    by_name: dict[str, int] = {}
    for t in treaties().values():
        for name in (t.title, *t.common_names):
            by_name.setdefault(_key(name), t.number)
    names = sorted(by_name, key=len, reverse=True)
    words = [r"\s+".join(re.escape(w) for w in name.split()) for name in names]
    return re.compile(r"(?<!\w)(?:" + "|".join(words) + r")(?![\w+])", re.I), by_name


def _key(name: str) -> str:
    return " ".join(name.replace("’", "'").split()).casefold()


def find(text: str) -> list[Mention]:
    """Every treaty `text` names, in the order found: names first, then numbers."""
    text = text.replace("’", "'")
    pattern, by_name = _names()
    found = [Mention(by_name[_key(m.group(0))], m.group(0)) for m in pattern.finditer(text)]
    for m in _NUMBERS.finditer(text):
        numbers = [m.group(2)]
        # a list ("ETS No.-s 185 and 189") only where it closes the phrase: in "ETS 185 and
        # 12 experts" the 12 is no treaty
        if m.group(3) and _LIST_END.match(text, m.end()):
            numbers += _MORE.findall(m.group(3))
        text_matched = m.group(0) if len(numbers) > 1 else m.group(0)[: m.end(2) - m.start()]
        found += [Mention(int(n), text_matched.strip()) for n in numbers]
    return found


def treaty_rows(record: ActivityRecord, activity_id: int) -> list[dict[str, Any]]:
    """`activity_treaties` rows of one activity: one per treaty and field."""
    rows: dict[tuple[int, str], dict[str, Any]] = {}
    for name in TEXT_FIELDS:
        value = getattr(record, name)
        if not isinstance(value, str) or not value:
            continue
        for mention in find(value):
            rows.setdefault((mention.number, name), {
                "activity_id": activity_id, "ets_number": mention.number,
                "field": name, "matched": mention.text,
            })  # fmt: skip
    return list(rows.values())


def treaty_table(named: Counter[int]) -> list[dict[str, Any]]:
    """The `treaties` table: the project's list, and any other number an activity names
    (`named`: activities per treaty number)."""
    known = treaties()
    return [
        {"ets_number": n, "series": known[n].series if n in known else None,
         "title": known[n].title if n in known else None,
         "common_names": "; ".join(known[n].common_names) if n in known else "",
         "activity_count": named.get(n, 0)}
        for n in sorted(set(known) | set(named))
    ]  # fmt: skip
