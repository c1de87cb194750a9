"""Random records through the table rows, Parquet and back: nothing changes on the way."""

from __future__ import annotations

import io
from datetime import date

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers import ActivityRecord, CountryEntry, ParseIssue
from pipeline.archive.index import Capture
from pipeline.build import flatten as R
from pipeline.build.schemas import TABLES

texts = st.one_of(st.none(), st.text(max_size=40))
names = st.text(min_size=1, max_size=20).filter(str.strip)
dates = st.one_of(st.none(), st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)))
small = st.one_of(st.none(), st.integers(0, 2**31 - 1))
records = st.builds(
    ActivityRecord,
    activity_id=st.integers(1, 2**40),
    title=texts,
    description=texts,
    status=st.sampled_from([None, "Completed", "Planned", "Cancelled"]),
    date_text=texts,
    start_date=dates,
    end_date=dates,
    date_precision=st.sampled_from([None, "day", "month", "year"]),
    location=texts,
    location_city=texts,
    location_country=st.sampled_from([None, "Serbia", "Kosovo*", "Atlantis"]),
    countries=st.lists(
        st.builds(
            CountryEntry,
            names,
            st.sampled_from([None, "RS", "XK", "MK"]),
            st.sampled_from([None, "CoE Members", "Others"]),
        ),
        max_size=4,
    ).map(tuple),
    cooperation_type=st.sampled_from([None, "Bilateral", "Multilateral"]),
    organisations=st.lists(names, max_size=3).map(tuple),
    contributors=st.lists(names, max_size=3).map(tuple),
    programme_code=texts,
    programme_title=texts,
    programme_trans_id=small,
    project_purpose_number=texts,
    project_purpose_code=st.one_of(
        st.none(), st.from_regex(r"20[0-2][0-9]/DG ?[A-Z]+/JP/[0-9]{1,5}", fullmatch=True)
    ),
    expected_result_number=texts,
    coe_pillar=texts,
    working_method=texts,
    directorate=texts,
    contact_name=texts,
    contact_email=texts,
    links=st.lists(names, max_size=3).map(tuple),
    last_modified=dates,
    has_synopsis=st.one_of(st.none(), st.booleans()),
    objectives=texts,
    experts=st.lists(names, max_size=4).map(tuple),
    secretariat=st.lists(names, max_size=2).map(tuple),
    participants_total=small,
    synopsis_last_modified=dates,
    issues=st.lists(
        st.builds(ParseIssue, names, st.text(max_size=20), st.text(max_size=20)), max_size=2
    ).map(tuple),
)
CAPTURE = Capture(
    url="http://www.jp.coe.int/CEAD/Countries.asp?ID=1&ActSyn=True",
    activity_id=1,
    kind="activity",
    fetched_at="2007-03-21T10:00:00Z",
    status=200,
    content_type="text/html",
    payload_digest="sha1:X",
    record_type="response",
    warc_file="a.warc.gz",
    warc_offset=0,
    warc_length=10,
    capture_id=1,
)


def roundtrip(name: str, rows: list[dict[str, object]]) -> list[dict[str, object]]:
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(rows, schema=TABLES[name]), buffer)
    buffer.seek(0)
    back: list[dict[str, object]] = pq.read_table(buffer).to_pylist()
    return back


@settings(max_examples=150, deadline=None)
@given(records)
def test_records_survive_parquet(record: ActivityRecord) -> None:
    aid = record.activity_id or 0
    for name, rows in (
        ("activities", [R.activity_row(record, CAPTURE)]),
        ("activity_countries", R.country_rows(record, aid)),
        ("activity_groups", R.group_rows(record, aid)),
        # (the entities step gives each its person)
        ("activity_people", [{**r, "person_id": "p"} for r in R.people_rows(record, aid)]),
        ("activity_links", R.link_rows(record, aid)),
        ("parse_issues", R.issue_rows(record, CAPTURE.url)),
    ):
        assert roundtrip(name, rows) == rows, name


def test_every_scalar_field_of_the_record_is_an_activities_column() -> None:
    scalar = [f for f in ActivityRecord.__slots__ if f not in R.LIST_FIELDS and f != "url"]
    assert set(scalar) <= set(TABLES["activities"].names)
    assert set(R.activity_row(ActivityRecord(activity_id=1), CAPTURE)) == set(
        TABLES["activities"].names
    )
