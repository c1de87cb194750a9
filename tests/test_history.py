"""Page history: a Wayback archive holding activity 18356 in several versions (a date
corrected, the follow-up written later, and a copy that only reformats the page) gives
its versions and the fields that changed, in the tables, `jparchive history` and the web
app; reformatting alone makes no version."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from pipeline.build import BuildConfig, build
from pipeline.build.schemas import PRIMARY_KEYS
from pipeline.fixtures.earlier import without_follow_up
from tests.conftest import run_cli
from tests.servers import Capture, FakeWayback
from tests.test_logframe_build import rows
from tests.test_wayback import ORIGIN, harvest, page
from tests.webapp import web_app

URL = f"{ORIGIN}/Countries.asp?ID=18356&ActSyn=True"


def versions_of_the_seed_page() -> list[Capture]:
    final = page("/CEAD/Countries.asp?ID=18356&ActSyn=True")
    no_follow_up = without_follow_up(final)
    first = no_follow_up.replace(b"21/03/2007", b"22/03/2007")  # the date, corrected later
    # the same page reformatted: other white space, a wrapper element, upper-case tags
    reformatted = no_follow_up.replace(b"<tr>", b"\n  <TR>").replace(b"</td>", b" </td>\n")
    return [
        Capture("20070405101010", URL, first),
        Capture("20070601000000", URL, no_follow_up),
        Capture("20070901000000", URL, reformatted),
        Capture("20080110000000", URL, final),
    ]


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("history") / "data"
    with FakeWayback(captures=versions_of_the_seed_page(), page_size=10) as server:
        code, out = harvest(server, root, "--captures", "all")
    assert code == 0, out
    build(BuildConfig(data=root, progress=False))
    return root


def test_identical_and_reformatted_captures_are_one_version(data: Path) -> None:
    versions = rows(
        data, "SELECT * FROM activity_versions WHERE activity_id = 18356 ORDER BY version"
    )
    assert [v["version"] for v in versions] == [1, 2, 3]
    assert [v["captures"] for v in versions] == [1, 2, 1]  # the reformatted copy joins v2
    assert str(versions[1]["first_seen"]).startswith("2007-06-01")
    assert str(versions[1]["last_seen"]).startswith("2007-09-01")


def test_the_changes_found(data: Path) -> None:
    changes = rows(
        data, "SELECT * FROM field_changes WHERE activity_id = 18356 ORDER BY to_version, field"
    )
    found = {(c["to_version"], c["field"]): c for c in changes}
    assert set(found) == {(2, "date_text"), (2, "end_date"), (3, "follow_up")}
    date = found[(2, "end_date")]
    assert (date["old_value"], date["new_value"]) == ("2007-03-22", "2007-03-21")
    assert date["changed_between"] == "2007-04-05T10:10:10Z/2007-06-01T00:00:00Z"
    follow = found[(3, "follow_up")]
    assert follow["old_value"] is None and follow["new_value"].startswith("In Serbia, action")
    [activity] = rows(data, "SELECT follow_up, end_date FROM activities WHERE activity_id = 18356")
    assert activity["follow_up"] == follow["new_value"]  # the table keeps the latest


def test_the_history_tables_keys_hold(data: Path) -> None:
    for name in ("activity_versions", "field_changes"):
        key = ", ".join(PRIMARY_KEYS[name] or ())
        dupes = rows(data, f"SELECT {key}, COUNT(*) AS n FROM {name} GROUP BY ALL HAVING n > 1")
        assert dupes == []
    orphans = rows(data, "SELECT c.* FROM field_changes c LEFT JOIN activity_versions v "
                         "ON v.activity_id = c.activity_id AND v.version = c.to_version "
                         "WHERE v.version IS NULL")  # fmt: skip
    assert orphans == []


def test_lists_are_compared_as_sets() -> None:
    from datetime import UTC, datetime

    from parsers import ActivityRecord
    from pipeline.build.history import history_rows

    a = ActivityRecord(18356, experts=("M. Gercke", "H. Lamb"))
    b = ActivityRecord(18356, experts=("H. Lamb", "M. Gercke"))
    c = ActivityRecord(18356, experts=("H. Lamb", "M. Gercke", "C. Schulman"))
    t = [datetime(2007, m, 1, tzinfo=UTC) for m in (1, 2, 3)]
    versions, changes = history_rows(
        18356, [(t[0], 1, "d1", a, False), (t[1], 2, "d2", b, False), (t[2], 3, "d3", c, False)]
    )
    assert len(versions) == 2  # a reordered list is no change
    assert [(x["field"], x["old_value"], x["new_value"]) for x in changes] == [
        ("experts", "H. Lamb; M. Gercke", "C. Schulman; H. Lamb; M. Gercke")
    ]


def test_jparchive_history_prints_the_timeline(data: Path) -> None:
    out = run_cli("history", "18356", "--data", str(data))
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("activity 18356: 3 versions")
    assert "follow_up" in out.stdout and "2007-03-22" in out.stdout
    printed = json.loads(
        run_cli("history", "18356", "--data", str(data), "--format", "json").stdout
    )
    assert len(printed["versions"]) == 3 and len(printed["changes"]) == 3
    missing = run_cli("history", "99999", "--data", str(data))
    assert missing.returncode == 2 and "no activity 99999" in missing.stderr


@pytest.fixture(scope="module")
def site(data: Path) -> Iterator[str]:
    with web_app(data) as url:
        yield url


def test_the_activity_page_shows_its_history(site: str) -> None:
    text = httpx.get(site + "/activity/18356").text
    assert 'id="history"' in text
    history: Any = re.search(r'<section class="history" id="history">(.*?)</section>', text, re.S)
    assert history is not None
    assert "follow_up" in history.group(1) and "2007-03-22" in history.group(1)
