"""One pyarrow schema per Parquet table, versioned, with a description of every column.

Types are real types: `date32` for dates, `timestamp[s, UTC]` for capture times, `int32`
and `int64` for numbers and ids, dictionary-encoded strings for low-cardinality codes.
Descriptions go into the schema metadata, the Data Package and the data dictionary.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from pipeline.build.columns import CODE, COUNTRY_CODE, UTC_TIME
from pipeline.build.columns import SCHEMA_VERSION as SCHEMA_VERSION
from pipeline.build.columns import table as _table
from pipeline.build.docschemas import ACTIVITY_DOCUMENTS, DOCUMENT_TEXTS, DOCUMENTS
from pipeline.build.entities.schemas import (
    ACTIVITY_ORGANISATIONS,
    ORGANISATIONS,
    PEOPLE,
    PERSON_MENTIONS,
    PLACES,
    PROGRAMME_TREATIES,
)
from pipeline.build.parents import (
    ACTIVITY_VERSIONS,
    COVERAGE,
    EXPECTED_RESULTS,
    FIELD_CHANGES,
    LOGFRAME_PAGES,
    PROGRAMMES,
    PROJECT_PURPOSES,
    TREATIES,
)

ACTIVITIES = _table(
    [
        ("activity_id", pa.int64(), False, "The site's activity ID (ID# on the page)"),
        ("title", pa.string(), True, "Title, verbatim"),
        ("description", pa.string(), True, "Description; paragraphs and list lines kept as \\n"),
        ("status", CODE, True, "Completed, Planned, Cancelled, Postponed, ... as written"),
        ("date_text", pa.string(), True, "The Date row as written"),
        ("start_date", pa.date32(), True, "First day of the activity"),
        (
            "end_date",
            pa.date32(),
            True,
            "Last day (the month's or year's last day for coarse dates)",
        ),
        ("date_precision", CODE, True, "day, month or year: how exact the dates are"),
        ("location", pa.string(), True, "The Location row as written"),
        ("location_city", pa.string(), True, "City part of Location, when there is one"),
        ("location_country", pa.string(), True, "Country part of Location, when it is a country"),
        ("location_country_code", CODE, True, "ISO 3166-1 alpha-2 of location_country"),
        (
            "place_id",
            pa.string(),
            True,
            "The place (see places); null: not found, said in parse_issues",
        ),
        ("cooperation_type", CODE, True, "Bilateral or Multilateral marker"),
        ("programme_code", CODE, True, "Joint programme code, e.g. PACO-Serbia"),
        ("programme_title", pa.string(), True, "Joint programme title"),
        ("programme_trans_id", pa.int32(), True, "TransID of the programme's logframe page"),
        ("project_purpose_number", CODE, True, "Purpose number within the programme, e.g. 3"),
        (
            "project_purpose_code",
            pa.string(),
            True,
            "Purpose code as written, e.g. 2005/DG1/JP/1624",
        ),
        (
            "project_purpose_key",
            pa.int32(),
            True,
            "Numeric tail of the purpose code: the stable key",
        ),
        ("project_purpose_title", pa.string(), True, "Purpose title"),
        ("expected_result_number", CODE, True, "Joint programme expected result, e.g. 3.1"),
        ("expected_result_text", pa.string(), True, "Text of that expected result"),
        ("coe_pillar", CODE, True, "Programme of Activities pillar, e.g. I – Rule of Law"),
        ("coe_line_of_action_code", CODE, True, "Line of Action code, e.g. II.3"),
        ("coe_line_of_action_title", pa.string(), True, "Line of Action title"),
        ("coe_programme_code", CODE, True, "CoE programme code, e.g. II.3.2"),
        ("coe_programme_title", pa.string(), True, "CoE programme title"),
        ("coe_project_code", CODE, True, "CoE project code, e.g. 2004/DG1/143"),
        ("coe_project_title", pa.string(), True, "CoE project title"),
        ("coe_expected_result_number", CODE, True, "CoE expected result number"),
        ("coe_expected_result_text", pa.string(), True, "CoE expected result text"),
        ("working_method", CODE, True, "e.g. Organisation of meetings - Seminar"),
        ("directorate", CODE, True, "Directorate (Service)"),
        ("contact_name", pa.string(), True, "CoE contact, SURNAME, First name"),
        ("contact_email", pa.string(), True, "CoE contact e-mail, when a valid address"),
        ("last_modified", pa.date32(), True, "Last Modified of the activity part"),
        ("has_synopsis", pa.bool_(), True, "Whether the page offers a synopsis"),
        ("objectives", pa.string(), True, "Synopsis: Objective(s)"),
        ("results", pa.string(), True, "Synopsis: Output/Results"),
        ("follow_up", pa.string(), True, "Synopsis: Conclusions/Follow Up"),
        ("participants", pa.string(), True, "Synopsis: Participants"),
        ("participants_total", pa.int32(), True, "Synopsis: Total No. Participants"),
        ("synopsis_last_modified", pa.date32(), True, "Last Modified of the synopsis part"),
        ("issue_count", pa.int32(), False, "Number of parse issues (see parse_issues)"),
        ("source_url", pa.string(), False, "URL of the capture the row was parsed from"),
        (
            "original_url",
            pa.string(),
            False,
            "The page's address on www.jp.coe.int, to cite (a mirror's path on the site)",
        ),
        ("captured_at", UTC_TIME, False, "When that capture was made (UTC)"),
        ("source", CODE, False, "site, wayback or warc"),
        ("payload_digest", pa.string(), False, "sha1:base32 digest of the captured payload"),
        ("parser_version", CODE, False, "Version of the parser that read the page"),
    ],
    "One row per activity: the latest capture that parses",
)

ACTIVITY_COUNTRIES = _table(
    [
        ("activity_id", pa.int64(), False, "Activity"),
        ("country_code", CODE, False, COUNTRY_CODE),
        ("role", CODE, False, "beneficiary (Countries row) or location (Location row)"),
        ("name", pa.string(), False, "The name as written on the page"),
        ("group", CODE, True, "The group prefix: CoE Members, Others, ..."),
    ],
    "Countries an activity is for or took place in",
)

ACTIVITY_GROUPS = _table(
    [
        ("activity_id", pa.int64(), False, "Activity"),
        (
            "group",
            CODE,
            False,
            "Regions, Groups, Organisations, Contributors, Partners, Cooperation",
        ),
        ("name", pa.string(), False, "The entry as written"),
    ],
    "Regions, groups, organisations, contributors, partners and the cooperation marker",
)

ACTIVITY_PEOPLE = _table(
    [
        ("activity_id", pa.int64(), False, "Activity"),
        ("role", CODE, False, "expert, secretariat or contact"),
        ("name", pa.string(), False, "Name as written"),
        ("email", pa.string(), True, "E-mail (contacts only)"),
        ("person_id", pa.string(), False, "The person (see people; person_mentions says how)"),
    ],
    "People named on activity pages",
)

ACTIVITY_LINKS = _table(
    [
        ("activity_id", pa.int64(), False, "Activity"),
        ("url", pa.string(), False, "Web page or document link"),
    ],
    "Web pages and documents linked from activity pages",
)

ACTIVITY_TREATIES = _table(
    [
        ("activity_id", pa.int64(), False, "The activity"),
        ("ets_number", pa.int32(), False, "The treaty it names"),
        ("field", CODE, False, "The field the treaty is named in, e.g. results"),
        ("matched", pa.string(), False, "The text that named it, e.g. 'ETS No. 185'"),
    ],
    "Treaties each activity names, by number ('ETS 185', 'CETS No. 201') or by name",
)

PARSE_ISSUES = _table(
    [
        ("activity_id", pa.int64(), True, "Activity (null when the page had no ID)"),
        ("url", pa.string(), False, "Captured URL"),
        ("field", CODE, False, "Field that could not be read"),
        ("message", pa.string(), False, "Why"),
        ("raw", pa.string(), False, "The text as found"),
    ],
    "Values present on a page that could not be read",
)

CAPTURES = _table(
    [
        ("capture_id", pa.int64(), False, "Capture number in the index"),
        ("url", pa.string(), False, "URL requested"),
        ("activity_id", pa.int64(), True, "Activity the URL shows, if any"),
        (
            "kind",
            CODE,
            False,
            "activity, logframe, logframe_purpose, logframe_result, listing, requisite "
            "(what a page loads: a stylesheet, an image, a script), document (what a page "
            "links to: a PDF, a DOC...), other",
        ),
        ("captured_at", UTC_TIME, False, "When (UTC)"),
        ("source", CODE, False, "site, wayback or warc"),
        ("source_ref", pa.string(), True, "Wayback URL, or source WARC file and offset"),
        ("status", pa.int32(), False, "HTTP status"),
        ("payload_digest", pa.string(), False, "sha1:base32 payload digest"),
        ("record_type", CODE, False, "response, revisit or conversion (a text rendering)"),
        ("truncated", pa.bool_(), False, "Body cut at the size limit"),
        ("warc_file", CODE, False, "WARC file under raw/"),
        ("warc_offset", pa.int64(), False, "Byte offset of the record in that file"),
        ("warc_length", pa.int64(), False, "Length of the record in bytes"),
        (
            "cdx_digest",
            pa.string(),
            True,
            "Wayback: the CDX's digest of the bytes the Archive stored (sha1:base32)",
        ),
        (
            "digest_mismatch",
            pa.bool_(),
            True,
            "Wayback: the bytes served differ from the CDX digest (common: the Archive "
            "may store them compressed or chunked; not evidence of damage); null elsewhere",
        ),
        (
            "requisite_gap_s",
            pa.int64(),
            True,
            "A requisite or document from the Wayback Machine: seconds between its own "
            "capture and that of the page that loads or links it (a 2008 page with a 2015 "
            "logo is not how the page looked); null elsewhere",
        ),
    ],
    "Every capture in the archive",
)

COUNTRIES = _table(
    [
        ("country_code", CODE, False, COUNTRY_CODE),
        ("country_name", pa.string(), False, "English short name"),
        ("names_seen", pa.string(), False, "Every form of the name on the site, '; '-separated"),
        ("activity_count", pa.int32(), False, "Activities for or in the country"),
    ],
    "Countries named on activity pages",
)

TABLES: dict[str, pa.Schema] = {
    "activities": ACTIVITIES,
    "programmes": PROGRAMMES,
    "project_purposes": PROJECT_PURPOSES,
    "expected_results": EXPECTED_RESULTS,
    "countries": COUNTRIES,
    "activity_countries": ACTIVITY_COUNTRIES,
    "activity_groups": ACTIVITY_GROUPS,
    "activity_people": ACTIVITY_PEOPLE,
    "activity_links": ACTIVITY_LINKS,
    "parse_issues": PARSE_ISSUES,
    "captures": CAPTURES,
    "logframe_pages": LOGFRAME_PAGES,
    "coverage": COVERAGE,
    "treaties": TREATIES,
    "activity_treaties": ACTIVITY_TREATIES,
    "activity_versions": ACTIVITY_VERSIONS,
    "field_changes": FIELD_CHANGES,
    "documents": DOCUMENTS,
    "activity_documents": ACTIVITY_DOCUMENTS,
    "document_texts": DOCUMENT_TEXTS,
    "people": PEOPLE,
    "person_mentions": PERSON_MENTIONS,
    "organisations": ORGANISATIONS,
    "activity_organisations": ACTIVITY_ORGANISATIONS,
    "places": PLACES,
    "programme_treaties": PROGRAMME_TREATIES,
}


@dataclass(frozen=True, slots=True)
class ForeignKey:
    fields: tuple[str, ...]
    table: str
    refs: tuple[str, ...]


# Primary keys (None: no key) and foreign keys, per table: the Data Package, the data
# dictionary and the integrity tests all read them from here.
PRIMARY_KEYS: dict[str, tuple[str, ...] | None] = {
    "activities": ("activity_id",),
    "programmes": ("programme_code",),
    "project_purposes": ("project_purpose_key",),
    "expected_results": ("project_purpose_key", "expected_result_number"),
    "countries": ("country_code",),
    "activity_countries": ("activity_id", "country_code", "role"),
    "activity_groups": ("activity_id", "group", "name"),
    "activity_people": ("activity_id", "role", "name"),
    "activity_links": ("activity_id", "url"),
    "captures": ("capture_id",),
    "parse_issues": None,
    "logframe_pages": ("capture_id",),
    "coverage": None,
    "treaties": ("ets_number",),
    "activity_treaties": ("activity_id", "ets_number", "field"),
    "activity_versions": ("activity_id", "version"),
    "field_changes": ("activity_id", "to_version", "field"),
    "documents": ("document_id",),
    "activity_documents": ("activity_id", "document_id"),
    "document_texts": ("document_id",),
    "people": ("person_id",),
    "person_mentions": ("activity_id", "role", "name"),
    "organisations": ("organisation_id",),
    "activity_organisations": ("activity_id", "role", "name"),
    "places": ("place_id",),
    "programme_treaties": ("programme_code", "ets_number", "field"),
}
_ACTIVITY = ForeignKey(("activity_id",), "activities", ("activity_id",))
_PERSON = ForeignKey(("person_id",), "people", ("person_id",))
FOREIGN_KEYS: dict[str, tuple[ForeignKey, ...]] = {
    "activities": (
        ForeignKey(("programme_code",), "programmes", ("programme_code",)),
        ForeignKey(("project_purpose_key",), "project_purposes", ("project_purpose_key",)),
        ForeignKey(("location_country_code",), "countries", ("country_code",)),
        ForeignKey(("place_id",), "places", ("place_id",)),
        ForeignKey(
            ("project_purpose_key", "expected_result_number"),
            "expected_results",
            ("project_purpose_key", "expected_result_number"),
        ),
    ),
    "project_purposes": (ForeignKey(("programme_code",), "programmes", ("programme_code",)),),
    "expected_results": (
        ForeignKey(("project_purpose_key",), "project_purposes", ("project_purpose_key",)),
    ),
    "activity_countries": (
        _ACTIVITY,
        ForeignKey(("country_code",), "countries", ("country_code",)),
    ),
    "activity_groups": (_ACTIVITY,),
    "activity_people": (_ACTIVITY, _PERSON),
    "person_mentions": (_ACTIVITY, _PERSON),
    "activity_organisations": (
        _ACTIVITY,
        ForeignKey(("organisation_id",), "organisations", ("organisation_id",)),
    ),
    "programme_treaties": (
        ForeignKey(("programme_code",), "programmes", ("programme_code",)),
        ForeignKey(("ets_number",), "treaties", ("ets_number",)),
    ),
    "activity_links": (_ACTIVITY,),
    "parse_issues": (_ACTIVITY,),
    "logframe_pages": (ForeignKey(("capture_id",), "captures", ("capture_id",)),),
    "activity_treaties": (_ACTIVITY, ForeignKey(("ets_number",), "treaties", ("ets_number",))),
    "activity_versions": (_ACTIVITY,),
    "field_changes": (
        _ACTIVITY,
        ForeignKey(("activity_id", "to_version"), "activity_versions", ("activity_id", "version")),
    ),
    "documents": (ForeignKey(("capture_id",), "captures", ("capture_id",)),),
    "activity_documents": (
        _ACTIVITY,
        ForeignKey(("document_id",), "documents", ("document_id",)),
    ),
    "document_texts": (ForeignKey(("document_id",), "documents", ("document_id",)),),
    "coverage": (
        ForeignKey(("programme_code",), "programmes", ("programme_code",)),
        ForeignKey(("project_purpose_key",), "project_purposes", ("project_purpose_key",)),
    ),
}
