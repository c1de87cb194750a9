"""The parent tables' schemas: programmes, purposes and results (with what logframes
say), the logframe pages read, coverage, and the treaties; `schemas` gathers them."""

from __future__ import annotations

import pyarrow as pa

from pipeline.build.columns import CODE, UTC_TIME
from pipeline.build.columns import table as _table

SOURCE = "Where the row's values come from: logframe, or activity pages (no logframe read)"
LOGFRAME_TEXT = {
    "indicators": "Performance indicators (the logframe's second column)",
    "sources_of_verification": "Sources of verification (third column)",
    "assumptions": "Assumptions (fourth column)",
}

PROGRAMMES = _table(
    [
        (
            "programme_code",
            CODE,
            False,
            "Joint programme code, e.g. PACO-Serbia (as activity pages write it)",
        ),
        (
            "programme_title",
            pa.string(),
            True,
            "Title: the logframe's, else the most frequent on activity pages",
        ),
        ("programme_trans_id", pa.int32(), True, "TransID of its logframe page"),
        ("first_activity_date", pa.date32(), True, "Earliest start date of its activities"),
        ("last_activity_date", pa.date32(), True, "Latest end date of its activities"),
        ("activity_count", pa.int32(), False, "Archived activities that name it"),
        ("period_start", pa.date32(), True, "Logframe: first day of the programme"),
        ("period_end", pa.date32(), True, "Logframe: last day of the programme"),
        ("status", CODE, True, "Logframe: Completed, Active (from 'JP Completed')"),
        ("coordinating_dg", pa.string(), True, "Logframe: the coordinating directorate general"),
        ("budget_eur", pa.int64(), True, "Logframe: budget in euros; null when it shows none"),
        (
            "overall_objectives",
            pa.string(),
            True,
            "Logframe: overall objectives (placeholders null)",
        ),
        ("logframe_activity_count", pa.int32(), True, "Logframe: the activities it counts"),
        ("source", CODE, False, SOURCE),
        ("logframe_url", pa.string(), True, "The logframe page the values come from"),
    ],
    "Joint programmes: their logframes, and what their activity pages say",
)

PROJECT_PURPOSES = _table(
    [
        (
            "project_purpose_key",
            pa.int32(),
            False,
            "Numeric tail of the purpose code (2005/DG1/JP/1624 → 1624)",
        ),
        ("programme_code", CODE, True, "Programme the purpose belongs to"),
        ("project_purpose_number", CODE, True, "Number within the programme, e.g. 3"),
        (
            "project_purpose_codes",
            pa.string(),
            False,
            "Every code written for it (logframe and activity pages), '; '-separated",
        ),
        (
            "project_purpose_title",
            pa.string(),
            True,
            "Title: the logframe's, else the most frequent",
        ),
        ("activity_count", pa.int32(), False, "Archived activities under it"),
        ("budget_eur", pa.int64(), True, "Logframe: budget in euros (0 is a real 0)"),
        ("narrative", pa.string(), True, "Logframe: the purpose's intervention logic"),
        ("indicators", pa.string(), True, LOGFRAME_TEXT["indicators"]),
        ("sources_of_verification", pa.string(), True, LOGFRAME_TEXT["sources_of_verification"]),
        ("assumptions", pa.string(), True, LOGFRAME_TEXT["assumptions"]),
        ("logframe_activity_count", pa.int32(), True, "Logframe: the activities it counts"),
        ("source", CODE, False, SOURCE),
    ],
    "Project purposes of the joint programmes",
)

EXPECTED_RESULTS = _table(
    [
        ("project_purpose_key", pa.int32(), False, "Purpose the result belongs to"),
        ("expected_result_number", CODE, False, "e.g. 3.1"),
        ("expected_result_text", pa.string(), True, "Text: the logframe's, else the most frequent"),
        ("activity_count", pa.int32(), False, "Archived activities aimed at it"),
        ("indicators", pa.string(), True, LOGFRAME_TEXT["indicators"]),
        ("sources_of_verification", pa.string(), True, LOGFRAME_TEXT["sources_of_verification"]),
        ("assumptions", pa.string(), True, LOGFRAME_TEXT["assumptions"]),
        ("logframe_activity_count", pa.int32(), True, "Logframe: the activities it counts"),
        ("source", CODE, False, SOURCE),
    ],
    "Expected results of the joint programmes' purposes",
)

LOGFRAME_PAGES = _table(
    [
        ("capture_id", pa.int64(), False, "The capture read"),
        ("url", pa.string(), False, "Its URL (the original's, for Wayback captures)"),
        ("captured_at", UTC_TIME, False, "When (UTC)"),
        ("view", CODE, False, "logframe (a programme), logframe_purpose or logframe_result"),
        ("scope", CODE, True, "programme, project_purpose or expected_result, as the page says"),
        ("trans_id", pa.int32(), True, "TransID of the programme"),
        (
            "project_purpose_key",
            pa.int32(),
            True,
            "The purpose shown (one-purpose and one-result views)",
        ),
        ("expected_result_id", pa.int32(), True, "SpecificObjectiveID of the result shown"),
        ("programme_code", CODE, True, "Programme code as the logframe writes it"),
        ("programme_title", pa.string(), True, "Programme title as the logframe writes it"),
        ("purposes", pa.int32(), False, "Project purposes read"),
        ("results", pa.int32(), False, "Expected results read"),
        ("issue_count", pa.int32(), False, "Values seen but not read"),
        ("kept", pa.bool_(), False, "Read as a logframe (the view's values come from it)"),
        ("error", pa.string(), True, "Why it was not read as a logframe"),
    ],
    "Every logframe capture read by the build: where the logframe values come from",
)

COVERAGE = _table(
    [
        ("level", CODE, False, "programme or project_purpose"),
        ("programme_code", CODE, True, "The programme"),
        ("project_purpose_key", pa.int32(), True, "The purpose (null on programme rows)"),
        ("counted", pa.int32(), True, "Activities its logframe counts (null: no logframe)"),
        ("archived", pa.int32(), False, "Activities the archive holds for it"),
        ("share", pa.float64(), True, "archived / counted"),
        (
            "missing_count",
            pa.int32(),
            False,
            "Activities the site's listings name that the archive lacks",
        ),
        ("missing_ids", pa.string(), False, "Their IDs, '; '-separated: where to look next"),
    ],
    "How complete the archive is, against what the logframes count",
)

TREATIES = _table(
    [
        ("ets_number", pa.int32(), False, "ETS/CETS number (CETS from No. 194)"),
        ("series", CODE, True, "ETS or CETS; null for a number outside the project's list"),
        ("title", pa.string(), True, "Official title (Council of Europe Treaty Office)"),
        ("common_names", pa.string(), False, "Names in general use, '; '-separated"),
        ("activity_count", pa.int32(), False, "Activities that name it"),
    ],
    "Council of Europe treaties: the project's list (pipeline/build/data/treaties.json), "
    "and any other number an activity names",
)

ACTIVITY_VERSIONS = _table(
    [
        ("activity_id", pa.int64(), False, "The activity"),
        ("version", pa.int32(), False, "1 for the first version seen, then 2, 3, ..."),
        ("first_seen", UTC_TIME, False, "Capture time this version was first seen"),
        ("last_seen", UTC_TIME, False, "Capture time it was last seen"),
        ("captures", pa.int32(), False, "Captures that show it (identical ones collapse)"),
        ("capture_ids", pa.string(), False, "Their capture_ids, '; '-separated"),
        ("payload_digest", pa.string(), False, "Payload digest of its first capture"),
    ],
    "Each activity's distinct parsed versions over its captures, in time order",
)

FIELD_CHANGES = _table(
    [
        ("activity_id", pa.int64(), False, "The activity"),
        ("field", CODE, False, "The field that changed (a column of activities)"),
        ("old_value", pa.string(), True, "Its value before (lists: sorted, '; '-separated)"),
        ("new_value", pa.string(), True, "Its value after"),
        ("from_version", pa.int32(), False, "The version before"),
        ("to_version", pa.int32(), False, "The version after"),
        ("changed_after", UTC_TIME, False, "Last capture time of the version before"),
        ("changed_by", UTC_TIME, False, "First capture time of the version after"),
        ("changed_between", pa.string(), False, "The two as an ISO 8601 interval"),
    ],
    "Every field that differs between consecutive versions of an activity",
)
