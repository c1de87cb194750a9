"""The parent tables, gathered while the build streams activities: programmes, project
purposes, expected results and countries.

Pure and small: one entry per programme, purpose, result or country, however many
activities go by. Where pages disagree (a title edited over the years), the most
frequent form wins, ties going to the first in alphabetical order, so that the same
archive always gives the same rows.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from parsers import ActivityRecord
from parsers.countries import english_name
from pipeline.build.flatten import purpose_key

Row = dict[str, Any]


def _most_common(counts: Counter[Any]) -> Any:
    if not counts:
        return None
    return min(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))[0]


@dataclass(slots=True)
class _Programme:
    titles: Counter[str] = field(default_factory=Counter)
    trans_ids: Counter[int] = field(default_factory=Counter)
    first: date | None = None
    last: date | None = None
    count: int = 0


@dataclass(slots=True)
class _Purpose:
    programmes: Counter[str] = field(default_factory=Counter)
    numbers: Counter[str] = field(default_factory=Counter)
    codes: set[str] = field(default_factory=set)
    titles: Counter[str] = field(default_factory=Counter)
    count: int = 0


@dataclass(slots=True)
class Catalogue:
    programmes: dict[str, _Programme] = field(default_factory=dict)
    purposes: dict[int, _Purpose] = field(default_factory=dict)
    results: dict[tuple[int, str], Counter[str]] = field(default_factory=dict)
    countries: dict[str, Counter[str]] = field(default_factory=dict)  # code → name forms
    country_activities: Counter[str] = field(default_factory=Counter)  # code → activities

    def add(self, record: ActivityRecord, country_rows: list[Row]) -> None:
        """Count one activity (and its activity_countries rows) into the parent tables."""
        if record.programme_code:
            self._add_programme(record, record.programme_code)
        key = purpose_key(record.project_purpose_code)
        if key is not None:
            self._add_purpose(record, key)
            if record.expected_result_number:
                texts = self.results.setdefault((key, record.expected_result_number), Counter())
                texts[record.expected_result_text or ""] += 1
        for row in country_rows:
            self.countries.setdefault(row["country_code"], Counter())[row["name"]] += 1
        self.country_activities.update({row["country_code"] for row in country_rows})

    def _add_programme(self, record: ActivityRecord, code: str) -> None:
        p = self.programmes.setdefault(code, _Programme())
        p.count += 1
        if record.programme_title:
            p.titles[record.programme_title] += 1
        if record.programme_trans_id is not None:
            p.trans_ids[record.programme_trans_id] += 1
        if record.start_date and (p.first is None or record.start_date < p.first):
            p.first = record.start_date
        if record.end_date and (p.last is None or record.end_date > p.last):
            p.last = record.end_date

    def _add_purpose(self, record: ActivityRecord, key: int) -> None:
        pp = self.purposes.setdefault(key, _Purpose())
        pp.count += 1
        if record.programme_code:
            pp.programmes[record.programme_code] += 1
        if record.project_purpose_number:
            pp.numbers[record.project_purpose_number] += 1
        if record.project_purpose_code:
            pp.codes.add(record.project_purpose_code)
        if record.project_purpose_title:
            pp.titles[record.project_purpose_title] += 1

    def programme_rows(self) -> list[Row]:
        codes = set(self.programmes) | {
            _most_common(p.programmes) for p in self.purposes.values()
        } - {None}
        rows = []
        for code in sorted(codes):
            p = self.programmes.get(code, _Programme())
            rows.append(
                {
                    "programme_code": code,
                    "programme_title": _most_common(p.titles),
                    "programme_trans_id": _most_common(p.trans_ids),
                    "first_activity_date": p.first,
                    "last_activity_date": p.last,
                    "activity_count": p.count,
                }
            )
        return rows

    def purpose_rows(self) -> list[Row]:
        keys = set(self.purposes) | {k for k, _ in self.results}
        rows = []
        for key in sorted(keys):
            pp = self.purposes.get(key, _Purpose())
            rows.append(
                {
                    "project_purpose_key": key,
                    "programme_code": _most_common(pp.programmes),
                    "project_purpose_number": _most_common(pp.numbers),
                    "project_purpose_codes": "; ".join(sorted(pp.codes)),
                    "project_purpose_title": _most_common(pp.titles),
                    "activity_count": pp.count,
                }
            )
        return rows

    def result_rows(self) -> list[Row]:
        return [
            {
                "project_purpose_key": key,
                "expected_result_number": number,
                "expected_result_text": _most_common(texts) or None,
                "activity_count": sum(texts.values()),
            }
            for (key, number), texts in sorted(self.results.items())
        ]

    def country_rows(self) -> list[Row]:
        return [
            {
                "country_code": code,
                "country_name": english_name(code) or _most_common(names),
                "names_seen": "; ".join(sorted(names)),
                "activity_count": self.country_activities[code],
            }
            for code, names in sorted(self.countries.items())
        ]
