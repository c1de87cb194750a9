"""Treaties each activity names: by number after ETS/CETS, by title or common name; never
a bare number. The seed page names ETS 185 and 189 where they stand."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pipeline.build.treaties import DATA, find, treaties
from tests.conftest import run_cli
from tests.test_logframe_build import rows


def numbers(text: str) -> set[int]:
    return {m.number for m in find(text)}


def test_the_list_is_a_data_file_with_its_source_and_fifty_treaties() -> None:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    assert "Treaty Office" in data["source"] and "coe.int" in data["source"]
    assert len(treaties()) >= 50
    assert treaties()[185].title == "Convention on Cybercrime"
    assert "Budapest Convention" in treaties()[185].common_names
    assert all(t.series == ("CETS" if n >= 194 else "ETS") for n, t in treaties().items())


@pytest.mark.parametrize(("text", "expected"), [
    ("the Convention on Cybercrime (ETS 185)", {185}),
    ("ratified ETS No. 185 last year", {185}),
    ("its Protocol (ETS No.-s 185 and 189)", {185, 189}),
    ("in line with CETS No. 201", {201}),
    ("the Lanzarote Convention", {201}),
    ("the Budapest Convention", {185}),
    ("COE Cybercrime Convention", {185}),
    ("the Istanbul Convention on violence against women", {210}),
    ("case law of the ECHR", {5}),
    ("the European Social Charter (revised)", {163}),
    ("Convention 108+", {223}),
    ("the Warsaw Convention (CETS 198).", {198}),
    ("Additional Protocol to the Convention on Cybercrime, concerning the criminalisation of acts "
     "of a racist and xenophobic nature committed through computer systems", {189}),
])  # fmt: skip
def test_what_names_a_treaty(text: str, expected: set[int]) -> None:
    assert numbers(text) == expected


@pytest.mark.parametrize("text", [
    "185 participants attended", "Article 35 of the code", "in 2007, 189 judges were trained",
    "room 108", "ETSY shop", "the convention on cyber security", "ETS 185 and 12 experts came",
])  # fmt: skip
def test_what_names_no_treaty_or_no_other(text: str) -> None:
    assert numbers(text) <= {185}
    if "ETS 185" not in text:
        assert numbers(text) == set()


def test_article_35_of_the_convention_is_the_convention_not_treaty_35() -> None:
    assert numbers("Article 35 of the Convention on Cybercrime") == {185}


def test_the_seed_page_names_185_and_189_where_they_stand(archive: Path) -> None:
    found = rows(archive, "SELECT ets_number, field, matched FROM activity_treaties "
                          "WHERE activity_id = 18356 ORDER BY 1, 2")  # fmt: skip
    by = {(r["ets_number"], r["field"]) for r in found}
    assert {(185, "results"), (189, "results"), (185, "expected_result_text"),
            (185, "coe_expected_result_text"), (189, "coe_expected_result_text")} <= by  # fmt: skip
    assert {n for n, _ in by} == {185, 189}
    matched = {(r["ets_number"], r["field"]): r["matched"] for r in found}
    assert matched[(189, "coe_expected_result_text")] == "ETS No.-s 185 and 189"
    [t] = rows(archive, "SELECT * FROM treaties WHERE ets_number = 185")
    assert t["title"] == "Convention on Cybercrime" and t["activity_count"] >= 5


def test_search_by_treaty(archive: Path) -> None:
    out = run_cli("search", "--treaty", "185", "--country", "RS", "--data", str(archive),
                  "--format", "json")  # fmt: skip
    assert out.returncode == 0, out.stderr
    ids = {r["activity_id"] for r in json.loads(out.stdout)}
    assert 18356 in ids
    named = {r["activity_id"] for r in rows(archive, "SELECT activity_id FROM activity_treaties "
                                                     "WHERE ets_number = 185")}  # fmt: skip
    assert ids <= named
    out = run_cli("search", "--data", str(archive))
    assert out.returncode == 2 and "--treaty" in out.stderr


def test_the_web_search_has_a_treaty_facet(archive: Path) -> None:
    import httpx

    from tests.webapp import web_app

    with web_app(archive) as site:
        page = httpx.get(site + "/search", params={"q": "cybercrime"}).text
        assert 'id="facet-treaty"' in page and "ETS 185 (Budapest Convention)" in page
        narrowed = httpx.get(site + "/search", params={"q": "cybercrime", "treaty": "189"})
        assert narrowed.status_code == 200
        ids = set(re.findall(r'href="/activity/(\d+)"', narrowed.text))
        assert "18356" in ids
        bad = httpx.get(site + "/search", params={"q": "x", "treaty": "999"})
        assert bad.status_code == 400
