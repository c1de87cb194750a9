"""Parse an "Activity Details" page into an `ActivityRecord`.

    >>> from pathlib import Path
    >>> page_bytes = Path("fixtures/site/CEAD/activities/18356.html").read_bytes()
    >>> record = parse_activity(page_bytes, url="http://www.jp.coe.int/CEAD/Countries.asp?ID=18356")
    >>> record.title, record.start_date
    ('Regional Conference on Cybercrime', datetime.date(2007, 3, 19))

Pure: bytes in, record out; never raises on bad input. A value that is on the page but
cannot be read becomes None plus a `ParseIssue` carried in `record.issues`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from parsers import dom, limits
from parsers.activity import plaintext
from parsers.activity.fields import (
    Reader,
    entries,
    extract_activity_id,
    extract_coe_code_title,
    extract_contact,
    extract_cooperation_type,
    extract_countries,
    extract_dates,
    extract_day,
    extract_has_synopsis,
    extract_links,
    extract_location,
    extract_numbered,
    extract_programme,
    extract_project_purpose,
    extract_total,
    names,
)
from parsers.activity.record import ActivityRecord, NotAnActivity
from parsers.activity.sections import LABEL_KEYS, find_outside_rows, walk
from parsers.encoding import Decoded, decode_html
from parsers.rows import page_rows


def _when_where(r: Reader) -> dict[str, Any]:
    """When and where the activity took place."""
    date_text, span = extract_dates(r)
    location, city, country = extract_location(r)
    return {
        "date_text": date_text,
        "start_date": span.start if span else None,
        "end_date": span.end if span else None,
        "date_precision": span.precision if span else None,
        "location": location,
        "location_city": city,
        "location_country": country,
    }


def _who_what(r: Reader, url: str | None) -> dict[str, Any]:
    """What the page says of the activity itself: title, who took part, contact, links."""
    contact_name, contact_email = extract_contact(r)
    return {
        "title": r.text("title"),
        "description": r.text("description"),
        "status": r.text("status"),
        "countries": tuple(extract_countries(r)),
        "cooperation_type": extract_cooperation_type(r),
        "organisations": entries(r, "organisations"),
        "contributors": entries(r, "contributors"),
        "partners": entries(r, "partners"),
        "working_method": r.found.working_method,
        "directorate": r.text("directorate"),
        "contact_name": contact_name,
        "contact_email": contact_email,
        "links": tuple(extract_links(r, url)),
        "last_modified": extract_day(r, "last_modified"),
    }


def _programme_fields(r: Reader) -> dict[str, Any]:
    """Where the activity sits: the joint programme's logframe and the CoE's own programme."""
    code, title, trans_id = extract_programme(r)
    pp_number, pp_code, pp_title = extract_project_purpose(r)
    er_number, er_text = extract_numbered(r, "expected_result")
    coe_er_number, coe_er_text = extract_numbered(r, "coe_expected_result")
    loa_code, loa_title = extract_coe_code_title(r, "coe_line_of_action")
    prog_code, prog_title = extract_coe_code_title(r, "coe_programme")
    proj_code, proj_title = extract_coe_code_title(r, "coe_project")
    return {
        "programme_code": code,
        "programme_title": title,
        "programme_trans_id": trans_id,
        "project_purpose_number": pp_number,
        "project_purpose_code": pp_code,
        "project_purpose_title": pp_title,
        "expected_result_number": er_number,
        "expected_result_text": er_text,
        "coe_pillar": r.found.pillar,
        "coe_line_of_action_code": loa_code,
        "coe_line_of_action_title": loa_title,
        "coe_programme_code": prog_code,
        "coe_programme_title": prog_title,
        "coe_project_code": proj_code,
        "coe_project_title": proj_title,
        "coe_expected_result_number": coe_er_number,
        "coe_expected_result_text": coe_er_text,
    }


def _synopsis_fields(r: Reader) -> dict[str, Any]:
    """The synopsis part: what came of the activity, and who took part."""
    return {
        "has_synopsis": extract_has_synopsis(r),
        "objectives": r.text("objectives"),
        "results": r.text("results"),
        "follow_up": r.text("follow_up"),
        "participants": r.text("participants"),
        "experts": names(r, "experts"),
        "secretariat": names(r, "secretariat"),
        "participants_total": extract_total(r),
        "synopsis_last_modified": extract_day(r, "synopsis_last_modified"),
    }


def _record(r: Reader, activity_id: int | None, url: str | None) -> ActivityRecord:
    # in this order, so that the issues come in the order of the page's fields
    fields = {**_when_where(r), **_programme_fields(r), **_who_what(r, url), **_synopsis_fields(r)}
    return ActivityRecord(activity_id=activity_id, url=url, **fields, issues=tuple(r.issues))


def parse_activity(
    html: bytes, url: str | None = None, content_type: str | None = None
) -> ActivityRecord | NotAnActivity:
    """Parse one page's bytes. `content_type` is the HTTP header, for its charset.

    A page over `parsers.limits` is refused unread (`over_limits`): work stays linear."""
    if problem := limits.bytes_problem(html):
        return NotAnActivity(problem, url, over_limits=True)
    if not html.strip():
        return NotAnActivity("empty response", url)
    decoded = decode_html(html, content_type)
    if plaintext.is_text_rendering(decoded.text):  # a page kept as text, no markup left
        rows = plaintext.text_rows(decoded.text)
        return record_from_rows(rows, url, decoded, lambda: decoded.text)
    tags = decoded.text.count("<")
    if problem := limits.tags_problem(tags):
        return NotAnActivity(problem, url, over_limits=True)
    tree = dom.parse_tree(decoded.text)
    if problem := limits.depth_problem(tree, tags):
        return NotAnActivity(problem, url, over_limits=True)
    rows = page_rows(tree, LABEL_KEYS, plaintext.text_rows)
    return record_from_rows(rows, url, decoded, lambda: dom.page_text(tree))


def record_from_rows(
    rows: list[dom.Row],
    url: str | None,
    decoded: Decoded,
    page_text: Callable[[], str] | None = None,
) -> ActivityRecord | NotAnActivity:
    """The record of a page already split into rows (any DOM library may split it).

    `page_text` gives the whole page's text, read only when the header or the synopsis
    switch stands outside the rows (an `<h2>`, a bare paragraph)."""
    found = walk(rows)
    if page_text is not None and (found.header is None or found.synopsis_switch is None):
        find_outside_rows(found, page_text())
    reader = Reader(found)
    activity_id = extract_activity_id(reader, url)
    filled = sum(1 for row in found.values.values() if row.value)
    if not filled and found.header:
        return NotAnActivity("activity page with no fields (no such activity)", url, activity_id)
    if filled < 2 and not found.header:  # a logframe's "JP Completed" is no activity
        return NotAnActivity(
            "not an activity page: no 'Activity Details' header and fewer than two labelled rows",
            url,
        )
    if decoded.note:
        reader.problem("encoding", f"decoded as {decoded.encoding}; {decoded.note}", "")
    return _record(reader, activity_id, url)
