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
from pipeline.build.logframes import Logframes

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
        for name in (t.title, *t.common_names, *_other_names(t.title)):
            by_name.setdefault(_key(name), t.number)
    names = sorted(by_name, key=len, reverse=True)
    words = [r"\s+".join(re.escape(w) for w in name.split()) for name in names]
    return re.compile(r"(?<!\w)(?:" + "|".join(words) + r")(?![\w+])", re.I), by_name


_PROTOCOL = re.compile(
    r"^Protocol No\. (\d+) (?:to|amending) the Convention for the Protection of Human Rights"
)
_ECHR = ("the ECHR", "the European Convention on Human Rights", "the Convention")


def _other_names(title: str) -> list[str]:
    """How pages name a treaty besides its title: without "Council of Europe" in front
    ("Convention on Action against Trafficking in Human Beings"); a protocol to the
    Convention on Human Rights by its number ("Protocol No. 14 to the ECHR", "Protocol
    14 to the European Convention on Human Rights"): a protocol is its own treaty."""
    found = []
    if title.startswith("Council of Europe "):
        found.append(title.removeprefix("Council of Europe "))
    if protocol := _PROTOCOL.match(title):
        n = protocol.group(1)
        found += [f"Protocol {no}{n} {to} {echr}" for no in ("No. ", "No ", "")
                  for to in ("to", "amending") for echr in _ECHR]  # fmt: skip
    return found


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


# The logframe's fields of free text, by the name `programme_treaties.field` gives them.
_LOGFRAME_FIELDS = ("programme_title", "overall_objectives")
_PURPOSE_FIELDS = ("title", "narrative", "indicators", "sources_of_verification", "assumptions")
_RESULT_FIELDS = ("text", "indicators", "sources_of_verification", "assumptions")


def programme_treaty_rows(logframes: Logframes) -> list[dict[str, Any]]:
    """`programme_treaties` rows: the treaties each programme's logframe views name, one
    row per treaty and field (the Istanbul Convention may be named on a logframe and on
    no activity page)."""
    rows: dict[tuple[str, int, str], dict[str, Any]] = {}

    def add(code: str | None, field: str, value: object) -> None:
        if not code or not isinstance(value, str) or not value:
            return
        for mention in find(value):
            rows.setdefault((code, mention.number, field), {
                "programme_code": code, "ets_number": mention.number, "field": field,
                "matched": mention.text,
            })  # fmt: skip

    codes = {r.record.trans_id: r.record.programme_code for r in logframes.programmes.values()}
    for reading in logframes.programmes.values():
        for name in _LOGFRAME_FIELDS:
            add(reading.record.programme_code, name, getattr(reading.record, name))
    for purpose, reading in logframes.purposes.values():
        code = reading.record.programme_code or codes.get(reading.record.trans_id)
        for name in _PURPOSE_FIELDS:
            add(code, f"project_purpose_{name}", getattr(purpose, name))
    for result, reading in logframes.results.values():
        code = reading.record.programme_code or codes.get(reading.record.trans_id)
        for name in _RESULT_FIELDS:
            add(code, f"expected_result_{name}", getattr(result, name))
    return sorted(rows.values(), key=lambda r: (r["programme_code"], r["ets_number"], r["field"]))
