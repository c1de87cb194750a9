"""ID specs and URL canonicalisation."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import ConfigError
from pipeline.harvest.ids import parse_id_spec
from pipeline.urls import PageRef, canonical_url, classify

BASE = "http://www.jp.coe.int"


def test_id_spec_ranges_lists_and_files(tmp_path: Path) -> None:
    (tmp_path / "ids.txt").write_text("# seed pages\n18356\n15719,15720 # two more\n\n100-102\n")
    assert parse_id_spec("15700-15702,18356", base_dir=tmp_path) == [15700, 15701, 15702, 18356]
    assert parse_id_spec("@ids.txt", base_dir=tmp_path) == [100, 101, 102, 15719, 15720, 18356]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "--ids: '' names no IDs"),
        ("10-5", "--ids: range '10-5' runs backwards; write 5-10"),
        ("1-2000000", "--ids: range '1-2000000' is over 1,000,000 IDs"),
        ("x", "--ids: 'x' is not an ID, a range like 15000-15100 or @file"),
    ],
)
def test_bad_id_specs(spec: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_id_spec(spec)
    assert str(info.value) == message


@pytest.mark.parametrize(
    "url",
    [
        f"{BASE}/CEAD/Countries.asp?ID=18356",
        f"{BASE}/CEAD/Countries.asp?ID=18356&ActSyn=True",
        f"{BASE}/CEAD/countries.asp?id=18356&PrintVersion=True",
        f"{BASE}/CEAD/JP/Default.asp?ID=18356",
        f"{BASE}/CEAD/JP/Default.asp?PrintVersion=True&ID=18356",
    ],
)
def test_every_variant_of_an_activity_is_one_url(url: str) -> None:
    assert classify(url) == PageRef("activity", 18356)
    assert canonical_url(BASE, url) == f"{BASE}/CEAD/Countries.asp?ID=18356&ActSyn=True"


def test_logframes_and_listings() -> None:
    assert classify(f"{BASE}/CEAD/JP/Default.asp?TransID=112&SA=0&SE=0") == PageRef("logframe", 112)
    assert (
        canonical_url(BASE, f"{BASE}/CEAD/JP/Default.asp?TransID=112&SA=1")
        == f"{BASE}/CEAD/JP/Default.asp?TransID=112"
    )
    assert classify(f"{BASE}/CEAD/Programmes.asp?TransID=112").kind == "listing"
    assert classify(f"{BASE}/CEAD/JP/Default.asp?ProjectObjectiveID=1624") == PageRef(
        "logframe_purpose", 1624
    )
    assert classify(f"{BASE}/CEAD/JP/Default.asp?PrintVersion=True&SpecificObjectiveID=9") == (
        PageRef("logframe_result", 9)
    )
    assert (
        canonical_url(BASE, f"{BASE}/CEAD/JP/Default.asp?PrintVersion=True&ProjectObjectiveID=7")
        == f"{BASE}/CEAD/JP/Default.asp?ProjectObjectiveID=7"
    )
    assert classify(f"{BASE}/CEAD/JP/Default.asp?Foo=1").kind == "other"
