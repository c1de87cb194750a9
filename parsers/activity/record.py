"""The typed record of one "Activity Details" page, and what a parse can return."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from parsers.issues import ParseIssue


@dataclass(frozen=True, slots=True)
class CountryEntry:
    """One name on the Countries row: `CoE Members: Serbia` → (Serbia, RS, CoE Members)."""

    name: str
    code: str | None
    group: str | None


@dataclass(frozen=True, slots=True)
class NotAnActivity:
    """The bytes were not an activity page with fields (another page, garbage, empty ID)."""

    reason: str
    url: str | None = None
    activity_id: int | None = None
    over_limits: bool = False  # refused unread: larger or deeper than `parsers.limits` allow


@dataclass(frozen=True, slots=True)
class ActivityRecord:
    """Every field of an activity page; absent fields are None, absent lists empty."""

    activity_id: int | None
    url: str | None = None
    title: str | None = None
    description: str | None = None
    status: str | None = None
    date_text: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    date_precision: str | None = None
    location: str | None = None
    location_city: str | None = None
    location_country: str | None = None
    countries: tuple[CountryEntry, ...] = ()
    cooperation_type: str | None = None
    organisations: tuple[str, ...] = ()
    contributors: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    programme_code: str | None = None
    programme_title: str | None = None
    programme_trans_id: int | None = None
    project_purpose_number: str | None = None
    project_purpose_code: str | None = None
    project_purpose_title: str | None = None
    expected_result_number: str | None = None
    expected_result_text: str | None = None
    coe_pillar: str | None = None
    coe_line_of_action_code: str | None = None
    coe_line_of_action_title: str | None = None
    coe_programme_code: str | None = None
    coe_programme_title: str | None = None
    coe_project_code: str | None = None
    coe_project_title: str | None = None
    coe_expected_result_number: str | None = None
    coe_expected_result_text: str | None = None
    working_method: str | None = None
    directorate: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    links: tuple[str, ...] = ()
    last_modified: date | None = None
    has_synopsis: bool | None = None
    objectives: str | None = None
    results: str | None = None
    follow_up: str | None = None
    participants: str | None = None
    experts: tuple[str, ...] = ()
    secretariat: tuple[str, ...] = ()
    participants_total: int | None = None
    synopsis_last_modified: date | None = None
    issues: tuple[ParseIssue, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: `page_kind` ("activity") first, then the field names as above,
        dates as ISO strings, lists as lists."""
        return {"page_kind": "activity"} | {
            f.name: _jsonable(getattr(self, f.name)) for f in fields(self)
        }


FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in fields(ActivityRecord))


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, CountryEntry | ParseIssue):
        return {f.name: getattr(value, f.name) for f in fields(value)}
    return value
