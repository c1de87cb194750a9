"""The entities' tables' schemas: people, organisations, places and the programmes'
treaties; `build.schemas` gathers them."""

from __future__ import annotations

import pyarrow as pa

from pipeline.build.columns import CODE, COUNTRY_CODE
from pipeline.build.columns import table as _table

_MATCH = (
    "How the mention was linked to its person: exact (the person's name as written), "
    "folded (the same name written otherwise: case, order, titles, diacritics), email "
    "(the same address), initial (an initial to the one person it fits), probabilistic "
    "(a close spelling or one of several people it fits, by the context's score), "
    "override (people-overrides.csv)"
)

PEOPLE = _table(
    [
        ("person_id", pa.string(), False,
         "Key: 16 hex digits of sha1 of the person's folded name (and a count, for a "
         "second person of that name, by first activity)"),
        ("name", pa.string(), False, "The fullest form seen, as written"),
        ("family_name", pa.string(), False, "Family name, as written in that form"),
        ("given_names", pa.string(), True, "Given names (or initials), as written"),
        ("variants", pa.string(), False, "Every written form, '; '-separated"),
        ("roles", pa.string(), False, "expert, secretariat, contact: '; '-separated"),
        ("activity_count", pa.int32(), False, "Activities the person is named on"),
        ("first_year", pa.int32(), True, "Year of the first of those activities"),
        ("last_year", pa.int32(), True, "Year of the last of those activities"),
        ("countries", pa.string(), True,
         "Countries of those activities (ISO codes, '; '-separated)"),
        ("email", pa.string(), True, "An e-mail address a page gave for the person"),
    ],
    "One row per person named on activity pages, however the pages wrote the name",
)  # fmt: skip

PERSON_MENTIONS = _table(
    [
        ("activity_id", pa.int64(), False, "Activity"),
        ("role", CODE, False, "expert, secretariat or contact"),
        ("name", pa.string(), False, "Name as written"),
        ("person_id", pa.string(), False, "The person it was linked to"),
        ("match", CODE, False, _MATCH),
        ("score", pa.float64(), True,
         "initial and probabilistic: the context's probability that the link is right"),
    ],
    "Every mention of a person and how it was linked: the resolution, explained",
)  # fmt: skip

ORGANISATIONS = _table(
    [
        ("organisation_id", pa.string(), False,
         "Key: 16 hex digits of sha1 of the folded full name"),
        ("name", pa.string(), False, "The full name, as written (or as the organisation "
         "writes it, for an acronym the pages never expand)"),
        ("variants", pa.string(), False, "Every written form, '; '-separated"),
        ("acronyms", pa.string(), True, "Its acronyms, '; '-separated"),
        ("activity_count", pa.int32(), False, "Activities that name it"),
    ],
    "Organisations named on activity pages: partners, contributors, people's employers",
)  # fmt: skip

ACTIVITY_ORGANISATIONS = _table(
    [
        ("activity_id", pa.int64(), False, "Activity"),
        ("organisation_id", pa.string(), False, "The organisation"),
        ("role", CODE, False,
         "organisation, contributor, partner (the page's rows) or affiliation (beside a "
         "person's name)"),
        ("name", pa.string(), False, "As written"),
        ("match", CODE, False, "exact, folded (case, punctuation, 'the', Co-operation) "
         "or acronym (to the expansion the pages or the known list give it)"),
    ],
    "Which organisations each activity names, and how",
)  # fmt: skip

PLACES = _table(
    [
        ("place_id", pa.string(), False,
         "Key: geonames:<GeoNames id> for a city or country; several:<country code>; "
         "not-applicable"),
        ("name", pa.string(), False, "GeoNames' name (Kyiv for 'Kiev')"),
        ("country_code", CODE, True, COUNTRY_CODE),
        ("latitude", pa.float64(), True, "WGS84, for a city"),
        ("longitude", pa.float64(), True, "WGS84, for a city"),
        ("kind", CODE, False, "city, country, several or not applicable"),
        ("activity_count", pa.int32(), False, "Activities that took place there"),
    ],
    "Places activities took place in, from their Location rows (GeoNames, offline)",
)  # fmt: skip

PROGRAMME_TREATIES = _table(
    [
        ("programme_code", CODE, False, "The programme whose logframe names it"),
        ("ets_number", pa.int32(), False, "The treaty"),
        ("field", CODE, False, "Where: overall_objectives, project_purpose_title, ..."),
        ("matched", pa.string(), False, "The text that named it"),
    ],
    "Treaties each programme's logframe views name",
)  # fmt: skip
