"""The typed record of one logframe page (any of its views), and what a parse can return."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from parsers.issues import ParseIssue


@dataclass(frozen=True, slots=True)
class ExpectedResult:
    """One "Expected Result N.M" row of the intervention-logic table."""

    number: str  # "1.1"
    text: str | None = None
    activity_count: int | None = None
    indicators: str | None = None
    sources_of_verification: str | None = None
    assumptions: str | None = None


@dataclass(frozen=True, slots=True)
class ProjectPurpose:
    """One "Project Purpose N   code   title budget" row and the results under it."""

    number: str  # "1"
    code: str | None = None  # as the logframe writes it: 2010/DG I/JP/2467
    key: int | None = None  # the code's numeric tail: 2467
    title: str | None = None
    budget_eur: int | None = None  # 0 is a real 0
    activity_count: int | None = None
    narrative: str | None = None
    indicators: str | None = None
    sources_of_verification: str | None = None
    assumptions: str | None = None
    expected_results: tuple[ExpectedResult, ...] = ()


@dataclass(frozen=True, slots=True)
class NotALogframe:
    """The bytes were not a logframe page (another page, garbage, an empty answer)."""

    reason: str
    url: str | None = None
    over_limits: bool = False  # refused unread: larger or deeper than `parsers.limits` allow


@dataclass(frozen=True, slots=True)
class LogframeRecord:
    """Every field of a logframe view; absent fields are None, absent lists empty."""

    scope: str  # "programme", "project_purpose" or "expected_result"
    url: str | None = None
    trans_id: int | None = None
    project_purpose_key: int | None = None
    expected_result_id: int | None = None
    programme_code: str | None = None
    programme_title: str | None = None
    period_start: date | None = None
    period_end: date | None = None
    status: str | None = None
    coordinating_dg: str | None = None
    budget_eur: int | None = None
    overall_objectives: str | None = None
    activity_count: int | None = None
    documents: tuple[str, ...] = ()
    project_purposes: tuple[ProjectPurpose, ...] = ()
    issues: tuple[ParseIssue, ...] = field(default=())

    page_kind = "logframe"

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: `page_kind` first, dates as ISO strings, lists as lists."""
        return {"page_kind": self.page_kind, **_jsonable(self)}


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, LogframeRecord | ProjectPurpose | ExpectedResult | ParseIssue):
        return {f.name: _jsonable(getattr(value, f.name)) for f in fields(value)}
    return value
