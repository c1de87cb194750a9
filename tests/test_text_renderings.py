"""Pages kept only as text renderings, one table row a line: the real pages of the reference.

With no markup, labels are known by the words a line opens with; prose opening with the
same words ("Participants agreed to ...") must stay prose. Page 18356 is whole and has a
golden record; the other four are cut off, and are checked against what they show.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers import ActivityRecord, parse_activity
from parsers.activity.plaintext import is_text_rendering, text_rows
from parsers.activity.sections import LABELS
from parsers.dom import norm_label
from tests.conftest import SLOT_FIELDS

ROOT = Path(__file__).resolve().parents[1]
TEXT = ROOT / "fixtures" / "text"
GOLDEN: dict[str, Any] = json.loads(
    (ROOT / "fixtures/site/CEAD/activities/18356.json").read_text(encoding="utf-8")
)
# Taken from links, which a text rendering does not keep.
FROM_LINKS = {"programme_trans_id", "contact_email"}


def record_of(name: str) -> dict[str, Any]:
    parsed = parse_activity((TEXT / name).read_bytes())
    assert isinstance(parsed, ActivityRecord), parsed
    return parsed.to_dict()


@pytest.mark.parametrize("field", [f for f in GOLDEN if f not in FROM_LINKS | {"url"}])
def test_whole_real_page_as_text_gives_its_golden_record(field: str) -> None:
    assert record_of("activity-18356.txt")[field] == GOLDEN[field]


def test_fields_taken_from_links_are_null_in_a_text_rendering() -> None:
    record = record_of("activity-18356.txt")
    assert all(record[field] is None for field in FROM_LINKS)


# What each cut-off page shows, transcribed by hand from the rendering.
SHOWN: dict[str, dict[str, Any]] = {
    "activity-16939.txt": {
        "activity_id": 16939,
        "title": "6 topical workshops on AML/CTF",
        "status": "Completed",
        "start_date": "2006-10-26",
        "end_date": "2007-04-30",
        "location_city": "Belgrade",
        "location_country": "Serbia",
        "countries": [{"name": "Serbia", "code": "RS", "group": "CoE Members"}],
        "programme_code": "PACO-Serbia",
        "programme_title": "Project against economic crime",
        "project_purpose_number": "2",
        "project_purpose_code": "2005/DG1/JP/1623",
        "expected_result_number": "2.1",
        "coe_pillar": None,
        "coe_line_of_action_code": "3",
        "coe_programme_code": "3.2",
        "coe_project_code": "2004/DG1/143",
        "coe_expected_result_number": "4",
        "working_method": "Organisation of meetings - Seminar",
        "directorate": "DG I Legal Affairs (Crime Problems Department)",
        "contact_name": "DE CORDES, Jean-Charles",
        "last_modified": "2007-07-17",
        "has_synopsis": True,
    },
    "activity-17082.txt": {
        "activity_id": 17082,
        "start_date": "2008-03-18",
        "location_city": "Budva",
        "location_country": "Montenegro",
        "cooperation_type": "Multilateral",
        "programme_code": "SEE-PrisonRef",
        "project_purpose_code": "2007/DGHL/JP/1716",
        "expected_result_text": "Development of regional guidelines for harmonised prison strategies",
        "coe_pillar": "I – Rule of Law",
        "coe_line_of_action_code": "II.3",
        "coe_programme_code": "II.3.2",
        "coe_project_code": "2008/DGHL/1418",
        "working_method": "Organisation of meetings - Conference",
    },
    "activity-32687.txt": {
        "activity_id": 32687,
        "description": None,
        "start_date": "2011-04-27",
        "end_date": "2011-04-27",
        "location": "Kyiv, Ukraine",
        "cooperation_type": "Bilateral",
        "programme_code": "UKR-TEJSU",
        "expected_result_number": "1.2",
        "coe_line_of_action_code": "II.1",
        "coe_project_code": None,
        "working_method": "Organisation of meetings - Round Table",
        "contact_name": None,
        "last_modified": "2011-12-14",
    },
    "activity-42827.txt": {
        "activity_id": 42827,
        "title": "Activity 2.3: Training sessions for trainers of judges and prosecutors",
        "status": "Planned",
        "start_date": "2017-05-01",
        "end_date": "2017-10-31",
        "date_precision": "month",
        "location_city": None,
        "location_country": "Turkey",
        "contributors": ["Turkey - Other"],
        "programme_code": "Tur-JudEthics",
        "has_synopsis": False,
    },
}


@pytest.mark.parametrize(
    ("name", "field"), [(name, field) for name, shown in SHOWN.items() for field in shown]
)
def test_cut_off_real_pages_as_text(name: str, field: str) -> None:
    assert record_of(name)[field] == SHOWN[name][field]


def test_countries_of_a_multilateral_page_as_text() -> None:
    countries = record_of("activity-17082.txt")["countries"]
    assert [c["code"] for c in countries] == ["AL", "BA", "HR", "ME", "RS", "MK", "XK", None]
    assert countries[-1] == {"name": "Multilateral", "code": None, "group": "Groups"}


def test_label_words_opening_prose_stay_prose() -> None:
    text = (
        "Activity Details (ID# 5)\nObjective(s) To train judges.\n"
        "Output/Results Judges trained.\nObjectives of a next phase were set.\n\n"
        "Participants agreed on a plan.\nParticipants Twenty judges.\n"
        "Consultants/Experts A. Seger\n"
    )
    parsed = parse_activity(text.encode())
    assert isinstance(parsed, ActivityRecord)
    assert parsed.objectives == "To train judges."
    assert parsed.results == (
        "Judges trained.\nObjectives of a next phase were set.\n\nParticipants agreed on a plan."
    )
    assert parsed.participants == "Twenty judges."
    assert parsed.experts == ("A. Seger",)


def test_html_is_not_read_as_text() -> None:
    assert is_text_rendering("Title x\nStatus y")
    assert not is_text_rendering("<p>Title x</p>")
    assert [r.label for r in text_rows("Title x\n\nmore")] == ["Title", ""]
    assert text_rows("Title x\n\nmore")[1].paragraph


def test_a_rendering_inside_pre_and_labels_apart_by_a_space_only() -> None:
    rendering = (TEXT / "activity-18356.txt").read_text(encoding="utf-8")
    wrapped = f"<html><body><pre>{html.escape(rendering)}</pre></body></html>"
    parsed = parse_activity(wrapped.encode())
    assert isinstance(parsed, ActivityRecord)
    assert parsed.to_dict()["results"] == GOLDEN["results"]
    divs = "<div>Activity Details (ID# 7)</div><div>Title Workshops</div><div>Status Planned</div>"
    parsed = parse_activity(divs.encode())
    assert isinstance(parsed, ActivityRecord)
    assert (parsed.activity_id, parsed.title, parsed.status) == (7, "Workshops", "Planned")


def labelled_lines(lines: list[str]) -> dict[int, str]:
    """Line index → slot, for the lines the parser reads as labels of a slot that one row
    alone feeds (a row per non-blank line, in order; Expected Result and Last Modified
    stand twice and are left out)."""
    rows = text_rows("\n".join(lines))
    non_blank = [i for i, line in enumerate(lines) if line.split()]
    assert len(rows) == len(non_blank)
    found: dict[int, str] = {}
    for i, row in zip(non_blank, rows, strict=True):
        slot = LABELS.get(norm_label(row.label)) if row.label else None
        if slot in SLOT_FIELDS:
            found[i] = slot
    return found


def empty(value: object) -> bool:
    return value in (None, [], "")


def test_every_label_line_deleted_in_turn_leaves_its_fields_empty() -> None:
    checked = 0
    for name in [*sorted(SHOWN), "activity-18356.txt"]:
        lines = (TEXT / name).read_text(encoding="utf-8").splitlines()
        for i, slot in labelled_lines(lines).items():
            mutated = "\n".join(lines[:i] + lines[i + 1 :]).encode()
            parsed = parse_activity(mutated)
            assert isinstance(parsed, ActivityRecord), (name, slot)
            record = parsed.to_dict()
            for field in SLOT_FIELDS[slot]:
                assert empty(record[field]), (name, slot, field, record[field])
            checked += 1
    assert checked >= 60


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_deleted_lines_never_raise_or_invent(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from([*sorted(SHOWN), "activity-18356.txt"]))
    lines = (TEXT / name).read_text(encoding="utf-8").splitlines()
    gone = data.draw(st.sets(st.integers(0, len(lines) - 1), max_size=len(lines)))
    kept = [line for i, line in enumerate(lines) if i not in gone]
    parsed = parse_activity("\n".join(kept).encode())
    if not isinstance(parsed, ActivityRecord):
        return
    record = parsed.to_dict()
    still_labelled = {LABELS.get(norm_label(r.label)) for r in text_rows("\n".join(kept))}
    for i, slot in labelled_lines(lines).items():
        if i in gone and slot not in still_labelled:
            for field in SLOT_FIELDS[slot]:
                assert empty(record[field]), (name, slot, field)


def test_a_huge_text_is_read_in_bounded_time() -> None:
    # 40,000 label lines: only the first thousand are weighed; one Title, one Status win
    rows = text_rows("\n".join(["Title A", "Status Done"] * 20_000))
    assert len(rows) == 40_000
    labelled = [(i, r.label) for i, r in enumerate(rows) if r.label]
    assert [label for _, label in labelled] == ["Title", "Status"]
    assert all(i < 1000 for i, _ in labelled)
