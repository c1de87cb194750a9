"""People, organisations and places as entities: names read whichever way they were
written, who-is-who measured on a labelled set against the issue's goals, the fixture
site's people (written five ways) resolved end to end, overrides, places and
organisations, and the treaties logframes name."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from pipeline.build import BuildConfig, build
from pipeline.build.entities.evaluate import scores
from pipeline.build.entities.names import read_name
from pipeline.build.entities.organisations import Known
from pipeline.build.entities.organisations import resolve as resolve_organisations
from pipeline.build.entities.overrides import read_overrides
from pipeline.build.entities.people import Mention, resolve
from pipeline.build.entities.places import resolve_place
from pipeline.build.treaties import find
from pipeline.errors import ConfigError
from pipeline.fixtures.people import labelled_set
from tests.conftest import run_cli

# Who is who on the fixture site: each person's written forms (the golden truth).
FIXTURE_PEOPLE = {
    "Marco Gercke": {"M. Gercke", "Prof. Dr. Marco Gercke", "Marco GERCKE"},
    "Maria Gercke": {"Maria Gercke"},  # shares the family name and the initial
    "Jean-Charles de Cordes": {"DE CORDES, Jean-Charles", "J.-C. de Cordes"},
    "Przemysław Musiałkowski": {"MUSIAŁKOWSKI, Przemysław", "P. Musiałkowski",
                                "Przemyslaw Musialkowski"},
    "Hélène Lebrun": {"LEBRUN, Hélène", "H. Lebrun"},
    "Nina Dolenc": {"Nina Dolenc", "N. Dolenc"},
}  # fmt: skip


def rows(data: Path, table: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = pq.read_table(data / "parquet" / f"{table}.parquet").to_pylist()
    return found


@pytest.mark.parametrize(
    ("written", "family", "given", "initials"),
    [
        ("Marco Gercke", "Gercke", "Marco", False),
        ("M. Gercke", "Gercke", "M.", True),
        ("GERCKE, Marco", "GERCKE", "Marco", False),
        ("Prof. Dr. Marco Gercke", "Gercke", "Marco", False),
        ("Gercke M.", "Gercke", "M", True),
        ("GERCKE Marco", "GERCKE", "Marco", False),
        ("Cristina SCHULMAN", "SCHULMAN", "Cristina", False),
        ("DE CORDES, Jean-Charles", "DE CORDES", "Jean-Charles", False),
        ("J.-C. de Cordes", "de Cordes", "J.-C.", True),
        ("H.E. Mr Ivan van der Berg", "van der Berg", "Ivan", False),
        ("Judge Işıl Karakaş", "Karakaş", "Işıl", False),
        ("Markko KÜNNAPU, Estonia", "KÜNNAPU", "Markko", False),
    ],
)  # fmt: skip
def test_a_name_is_read_whichever_way_it_was_written(
    written: str, family: str, given: str, initials: bool
) -> None:
    name = read_name(written)
    assert (name.family, name.given, name.initials_only) == (family, given, initials)


def test_forms_of_one_name_fold_to_one_key_and_others_do_not() -> None:
    keys = {read_name(w).key for w in ("GERCKE, Marco", "Prof. Dr. Marco Gercke",
                                        "Gercke Marco", "marco gercke")}  # fmt: skip
    assert len(keys) == 1
    assert read_name("MUSIAŁKOWSKI, Przemysław").key == read_name("Przemyslaw Musialkowski").key
    assert read_name("Maria Gercke").key != read_name("Marco Gercke").key
    assert read_name("Markko KÜNNAPU, Estonia").country == "EE"
    assert read_name("Marco Gercke (University of Cologne)").organisation == (
        "University of Cologne"
    )


@pytest.mark.parametrize(("people", "seed"), [(300, 24), (300, 2), (300, 99), (600, 1), (600, 3)])
def test_the_labelled_set_meets_the_goals(people: int, seed: int) -> None:
    """Pairwise precision >= 0.98 and B-cubed F1 >= 0.95 on a few hundred people and a
    few thousand mentions, with hard negatives (family and initial shared, families
    that differ by two letters) and second spellings."""
    mentions, truth = labelled_set(people=people, seed=seed)
    assert 3000 < len(mentions) < 12000
    resolution = resolve(mentions)
    found = scores(resolution.labels(), truth)
    assert found.pairwise_precision >= 0.98, found
    assert found.bcubed_f1 >= 0.95, found


def test_scores_are_computed_right() -> None:
    perfect = scores([1, 1, 2], ["a", "a", "b"])
    assert (perfect.pairwise_precision, perfect.pairwise_recall, perfect.bcubed_f1) == (1, 1, 1)
    lumped = scores([1, 1, 1], ["a", "a", "b"])  # one pair right of three
    assert lumped.pairwise_precision == 0.3333 and lumped.pairwise_recall == 1.0
    assert lumped.bcubed_precision == round((2 / 3 + 2 / 3 + 1 / 3) / 3, 4)


def _person_of(mentions: list[Mention]) -> list[int]:
    return resolve(mentions).labels()


def test_an_initial_goes_to_the_person_the_context_names() -> None:
    cyber = dict(programme="CyberCrime@IPA", countries=frozenset({"RS"}))
    ethics = dict(programme="Tur-JudEthics", countries=frozenset({"TR"}))
    mentions = [
        Mention(1, "expert", "Marco Gercke", year=2007, **cyber),  # type: ignore[arg-type]
        Mention(2, "expert", "Maria Gercke", year=2016, **ethics),  # type: ignore[arg-type]
        Mention(3, "expert", "M. Gercke", year=2008, **cyber),  # type: ignore[arg-type]
        Mention(4, "expert", "M. Gercke", year=2016, **ethics),  # type: ignore[arg-type]
        Mention(5, "expert", "M. Gercke", year=2012),  # nothing to tell them apart: apart
    ]
    person = _person_of(mentions)
    assert person[2] == person[0] != person[1] == person[3]
    assert person[4] not in (person[0], person[1])


def test_one_initial_in_the_block_links_and_a_close_spelling_needs_the_context() -> None:
    ctx = dict(programme="UKR-TEJSU", countries=frozenset({"UA"}), year=2010)
    mentions = [
        Mention(1, "expert", "Oleksandr Kovalenko", **ctx),  # type: ignore[arg-type]
        Mention(2, "expert", "O. Kovalenko"),  # the one O. of the block
        Mention(3, "expert", "Olexandr Kovalenko", **ctx),  # type: ignore[arg-type]
        Mention(4, "expert", "Aleksandra Kovalenko", **ctx),  # type: ignore[arg-type]
    ]
    person = _person_of(mentions)
    assert person[0] == person[1] == person[2]
    assert person[3] != person[0]  # another given name, however alike
    elsewhere = [
        Mention(1, "expert", "Oleksandr Kovalenko", **ctx),  # type: ignore[arg-type]
        Mention(
            2,
            "expert",
            "Olexandr Kovalenko",
            programme="Tur-JudEthics",
            year=2016,
            countries=frozenset({"TR"}),
        ),
    ]
    person = _person_of(elsewhere)
    assert person[0] != person[1]  # the spelling alone is not enough
    assert resolve(elsewhere).review == []  # nor close to it


def test_overrides_are_read_with_their_line_in_errors() -> None:
    good = "action,name,activity_id,person\nmerge,M. Gercke,,g\nsplit,M. Gercke,18356,other\n"
    found = read_overrides(good, "people-overrides.csv")
    assert [(o.action, o.activity_id, o.line) for o in found] == [("merge", None, 2),
                                                                  ("split", 18356, 3)]  # fmt: skip
    with pytest.raises(ConfigError, match=r"^people-overrides.csv line 2: action must be"):
        read_overrides("action,name,activity_id,person\nmarge,X,,p\n", "people-overrides.csv")
    with pytest.raises(ConfigError, match=r"line 2: activity_id must be a number"):
        read_overrides("action,name,activity_id,person\nmerge,X,abc,p\n", "f.csv")
    with pytest.raises(ConfigError, match=r"the header must name"):
        read_overrides("who,what\n", "f.csv")


def test_the_fixture_site_people_are_resolved_end_to_end(archive: Path) -> None:
    people = {r["person_id"]: r for r in rows(archive, "people")}
    mentions = rows(archive, "person_mentions")
    by_written: dict[str, set[str]] = {}
    for m in mentions:
        by_written.setdefault(str(m["name"]), set()).add(str(m["person_id"]))
    ids = {}
    for who, forms in FIXTURE_PEOPLE.items():
        found = set().union(*(by_written[f] for f in forms))
        assert len(found) == 1, (who, found)  # one person however written
        ids[who] = found.pop()
    assert len(set(ids.values())) == len(ids)  # and no two of them one
    assert people[ids["Marco Gercke"]]["activity_count"] == 4
    assert people[ids["Marco Gercke"]]["family_name"] == "Gercke"
    assert people[ids["Przemysław Musiałkowski"]]["email"] == "przemyslaw.musialkowski@coe.int"
    grouped = set().union(*FIXTURE_PEOPLE.values())
    others = {w for w in by_written if w not in grouped}
    assert len({pid for w in others for pid in by_written[w]}) == len(others)  # apart
    linked = {m["name"]: m["match"] for m in mentions if m["name"] in grouped}
    assert linked["J.-C. de Cordes"] == "initial"
    assert linked["Prof. Dr. Marco Gercke"] == "folded" and linked["Marco GERCKE"] == "exact"
    ap = rows(archive, "activity_people")
    assert {r["person_id"] for r in ap} == set(people)


def test_person_ids_are_stable_across_rebuilds_and_overrides_apply(
    archive: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(archive, data, symlinks=True)
    before = {r["name"]: r["person_id"] for r in rows(data, "person_mentions")}
    (data / "people-overrides.csv").write_text(
        "action,name,activity_id,person\n"
        "split,M. Gercke,18356,someone-else\n"
        "merge,A. Seger,,seger\nmerge,T. peshovska,,seger\n"
        "merge,Nobody Here,,x\n",
        encoding="utf-8",
    )
    report = build(BuildConfig(data=data, progress=False))
    after = rows(data, "person_mentions")
    of = {(r["activity_id"], r["name"]): r for r in after}
    assert of[(18356, "M. Gercke")]["match"] == "override"
    assert of[(18356, "M. Gercke")]["person_id"] != of[(18420, "M. Gercke")]["person_id"]
    assert of[(18420, "M. Gercke")]["person_id"] == before["M. Gercke"]  # the rest stays
    seger = {r["person_id"] for r in after if r["name"] in ("A. Seger", "T. peshovska")}
    assert len(seger) == 1
    assert report.people.overrides_unmatched == [5]
    (data / "people-overrides.csv").unlink()
    build(BuildConfig(data=data, progress=False))
    assert {r["name"]: r["person_id"] for r in rows(data, "person_mentions")} == before


def test_a_bad_overrides_file_stops_the_build_in_one_line(archive: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(archive, data, symlinks=True)
    (data / "people-overrides.csv").write_bytes(b"action,name,activity_id,person\nmerge,\xff,,x\n")
    result = run_cli("build", "--data", str(data), "--no-progress")
    assert result.returncode == 2
    assert result.stderr == (
        f"Error: ConfigError: {data / 'people-overrides.csv'}: not UTF-8 (byte 37); "
        "save it as UTF-8\n"
    )


@pytest.mark.parametrize(
    ("location", "city", "code", "place_id", "name", "kind"),
    [
        ("Belgrade, Serbia", "Belgrade", "RS", "geonames:792680", "Belgrade", "city"),
        ("Kiev, Ukraine", "Kiev", "UA", "geonames:703448", "Kyiv", "city"),
        ("Kyiv, Ukraine", "Kyiv", "UA", "geonames:703448", "Kyiv", "city"),
        ("Odessa, Ukraine", "Odessa", "UA", "geonames:698740", "Odesa", "city"),
        ("Strasbourg, Council of Europe", "Strasbourg", None, "geonames:2973783", "Strasbourg",
         "city"),
        ("Pristina, Kosovo*", "Pristina", "XK", "geonames:786714", "Pristina", "city"),
        ("Serbia", None, "RS", "geonames:6290252", "Serbia", "country"),
        ("Several locations, Turkey", None, "TR", "several:TR", "Several locations, Turkey",
         "several"),
        ("Not applicable, Others", None, None, "not-applicable", "Not applicable",
         "not applicable"),
    ],
)  # fmt: skip
def test_every_location_form_is_a_place(
    location: str, city: str | None, code: str | None, place_id: str, name: str, kind: str
) -> None:
    place, why = resolve_place(location, city, code)
    assert why is None and place is not None
    assert (place.place_id, place.name, place.kind) == (place_id, name, kind)


def test_a_city_not_in_the_named_country_is_no_place_and_no_guess() -> None:
    place, why = resolve_place("Belgrade, Ukraine", "Belgrade", "UA")
    assert place is None and why == "no place named 'Belgrade' in Ukraine in the gazetteer"


def test_every_fixture_activity_has_its_place(archive: Path) -> None:
    activities = rows(archive, "activities")
    places = {r["place_id"]: r for r in rows(archive, "places")}
    assert all(a["place_id"] in places for a in activities), [
        a["location"] for a in activities if a["place_id"] not in places
    ]
    assert sum(p["activity_count"] for p in places.values()) == len(activities)
    kyiv = [a for a in activities if a["location"] == "Kyiv, Ukraine"]
    assert kyiv and {a["place_id"] for a in kyiv} == {"geonames:703448"}


def test_acronyms_link_to_their_expansions() -> None:
    known = [Known("OSCE", "Organization for Security and Co-operation in Europe",
                   ("Organisation for Security and Co-operation in Europe",))]  # fmt: skip
    found = resolve_organisations(
        ["OSCE", "the OSCE", "Organisation for Security and Cooperation in Europe",
         "National Anticorruption Centre (NAC)", "NAC", "Microsoft"], known)  # fmt: skip
    osce = {found.of[w][0] for w in ("OSCE", "the OSCE",
                                      "Organisation for Security and Cooperation in Europe")}  # fmt: skip
    assert len(osce) == 1 and found.of["OSCE"][1] == "acronym"
    assert found.of["NAC"][0] == found.of["National Anticorruption Centre (NAC)"][0]
    assert found.of["Microsoft"][0] not in osce


def test_the_fixture_site_organisations(archive: Path) -> None:
    organisations = {r["name"]: r for r in rows(archive, "organisations")}
    assert {"Microsoft", "European Union", "National Anticorruption Centre"} <= set(organisations)
    assert organisations["National Anticorruption Centre"]["acronyms"] == "NAC"
    links = rows(archive, "activity_organisations")
    assert {r["role"] for r in links} == {"organisation", "contributor", "partner"}


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Protocol No. 14 to the ECHR", 194),
        ("Protocol 12 to the European Convention on Human Rights", 177),
        ("the Istanbul Convention", 210),
        ("Convention on Action against Trafficking in Human Beings", 197),
        ("the European Charter for Regional or Minority Languages", 148),
    ],
)
def test_treaties_by_their_other_names(text: str, number: int) -> None:
    assert [m.number for m in find(text)] == [number]


def test_programme_treaties_come_from_the_logframes(archive: Path) -> None:
    named = {(r["programme_code"], r["ets_number"]) for r in rows(archive, "programme_treaties")}
    assert {("Tur-JudEthics", 210), ("Tur-JudEthics", 194), ("CoE EaP Facility", 148)} <= named
    activities = {r["ets_number"] for r in rows(archive, "activity_treaties")}
    assert 210 not in activities and 148 not in activities  # on no activity page
    treaties = {r["ets_number"] for r in rows(archive, "treaties")}
    assert {n for _, n in named} <= treaties


def test_people_and_search_by_person_on_the_command_line(archive: Path) -> None:
    listed = run_cli("people", "--data", str(archive), "--format", "csv")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines()[0].startswith("person_id,name,activity_count")
    one = run_cli("people", "musialkowski", "--data", str(archive))
    assert one.returncode == 0, one.stderr
    assert one.stdout.startswith("MUSIAŁKOWSKI, Przemysław (") and "named with:" in one.stdout
    two = run_cli("people", "gercke", "--data", str(archive), "--format", "csv")
    assert [line.split(",")[1] for line in two.stdout.splitlines()[1:]] == [
        "Marco GERCKE", "Maria Gercke"]  # fmt: skip
    nobody = run_cli("people", "nobody at all", "--data", str(archive))
    assert nobody.returncode == 2 and nobody.stderr.startswith(
        "Error: ConfigError: people: nobody named 'nobody at all'"
    )
    found = run_cli("search", "--person", "marco gercke", "--data", str(archive),
                    "--format", "csv")  # fmt: skip
    assert found.returncode == 0, found.stderr
    assert [int(line.split(",")[0]) for line in found.stdout.splitlines()[1:]] == [
        18356, 18420, 20107, 35120]  # fmt: skip
