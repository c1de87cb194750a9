"""A view that shows less is not a page that says less: `Countries.asp?ID=n` without
`&ActSyn=True` hides the synopsis ("Show Synopsis"). The history compares like with like
(no synopsis field "removed" by such a view), the `activities` row keeps the synopsis of
the latest capture that shows it, and the Wayback source's `--captures latest` prefers
the synopsis view when the Archive has one."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from parsers import ActivityRecord, parse_activity
from pipeline.build import BuildConfig, build
from pipeline.build.history import SYNOPSIS_FIELDS, history_rows
from pipeline.fixtures.server import Site
from pipeline.sources.cdx import CdxRow, select
from pipeline.urls import shows_synopsis
from tests.servers import Capture, FakeWayback
from tests.test_logframe_build import rows
from tests.test_wayback import ORIGIN, harvest

SITE = Site()
FULL, HIDDEN = f"{ORIGIN}/Countries.asp?ID=18356&ActSyn=True", f"{ORIGIN}/Countries.asp?ID=18356"


def full() -> bytes:
    return SITE.route("/CEAD/Countries.asp?ID=18356&ActSyn=True").body


def hidden() -> bytes:
    return SITE.route("/CEAD/Countries.asp?ID=18356").body


def test_the_fixture_site_serves_the_view_without_the_synopsis() -> None:
    record = parse_activity(hidden(), HIDDEN, "text/html")
    assert b"Show Synopsis" in hidden() and b"Show Synopsis" not in full()
    assert record.has_synopsis is True  # type: ignore[union-attr]
    assert all(getattr(record, f) in (None, ()) for f in SYNOPSIS_FIELDS)
    assert record.title == parse_activity(full(), FULL, "text/html").title  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("url", "shows"),
    [(FULL, True), (HIDDEN, False), (f"{ORIGIN}/countries.asp?id=5&actsyn=TRUE", True),
     (f"{ORIGIN}/JP/Default.asp?ID=5", True), (f"{ORIGIN}/Countries.asp?ID=5&PrintVersion=True", False)],
)  # fmt: skip
def test_which_views_show_the_synopsis(url: str, shows: bool) -> None:
    assert shows_synopsis(url) is shows


def archive(tmp: Path, captures: list[Capture], *flags: str) -> Path:
    data = tmp / "data"
    with FakeWayback(captures=captures, page_size=10) as server:
        code, out = harvest(server, data, *flags)
    assert code == 0, out
    build(BuildConfig(data=data, progress=False))
    return data


@pytest.mark.parametrize("order", ["hidden view later", "hidden view first"])
def test_a_hidden_synopsis_is_no_change_and_the_row_keeps_it(tmp_path: Path, order: str) -> None:
    times = ("20070405101010", "20080110000000")
    if order == "hidden view first":
        times = times[::-1]
    data = archive(tmp_path, [Capture(times[0], FULL, full()), Capture(times[1], HIDDEN, hidden())],
                   "--captures", "all")  # fmt: skip
    assert rows(data, "SELECT * FROM field_changes") == []
    [version] = rows(data, "SELECT * FROM activity_versions WHERE activity_id = 18356")
    assert version["captures"] == 2
    [row] = rows(data, "SELECT * FROM activities WHERE activity_id = 18356")
    expected = parse_activity(full(), FULL, "text/html")
    assert row["objectives"] == expected.objectives and row["objectives"]  # type: ignore[union-attr]
    assert row["follow_up"] == expected.follow_up  # type: ignore[union-attr]
    people = rows(
        data, "SELECT * FROM activity_people WHERE activity_id = 18356 AND role = 'expert'"
    )
    assert len(people) == len(expected.experts) == 5  # type: ignore[union-attr]


def test_a_real_removal_in_the_synopsis_view_is_still_a_change(tmp_path: Path) -> None:
    emptied = full().replace(b"Conclusions/Follow Up", b"Conclusions/Follow Up<!-- -->")
    start = emptied.index(b"Conclusions/Follow Up")
    end = emptied.index(b"</tr>", start)
    cell = emptied.rindex(b"<td", start, end)
    emptied = emptied[:cell] + b"<td></td>" + emptied[end:]
    data = archive(tmp_path, [Capture("20070405101010", FULL, full()),
                              Capture("20080110000000", FULL, emptied)], "--captures", "all")  # fmt: skip
    changed = {c["field"] for c in rows(data, "SELECT * FROM field_changes")}
    assert "follow_up" in changed


def test_latest_prefers_the_synopsis_view(tmp_path: Path) -> None:
    data = archive(tmp_path, [Capture("20070405101010", FULL, full()),
                              Capture("20080110000000", HIDDEN, hidden())],
                   "--no-variants")  # fmt: skip
    [capture] = rows(data, "SELECT * FROM captures WHERE activity_id = 18356")
    assert capture["url"] == FULL
    both = archive(tmp_path / "variants", [Capture("20070405101010", FULL, full()),
                                           Capture("20080110000000", HIDDEN, hidden())])  # fmt: skip
    # by default the view the listings link too; the row keeps the synopsis it hides
    assert {c["url"] for c in rows(both, "SELECT * FROM captures WHERE activity_id = 18356")} == {
        FULL,
        HIDDEN,
    }
    [row] = rows(both, "SELECT * FROM activities")
    objectives = parse_activity(full(), FULL, "text/html").objectives  # type: ignore[union-attr]
    assert row["objectives"] == objectives and objectives
    # the later view says the same but for what it hides: the row cites the full one
    assert row["source_url"].endswith(FULL.split("://", 1)[1])
    cdx = [CdxRow(urlkey="", timestamp=t, original=u, mimetype="text/html", statuscode="200",
                  digest=d, length="1") for t, u, d in
           [("2007", FULL, "A"), ("2008", HIDDEN, "B"), ("2006", f"{ORIGIN}/JP/Default.asp?TransID=5", "C"),
            ("2009", f"{ORIGIN}/JP/Default.asp?TransID=5", "D")]]  # fmt: skip
    assert [r.digest for r in select(cdx, "latest")] == ["A", "D"]
    only_hidden = [r for r in cdx if r.digest == "B"]
    assert [r.digest for r in select(only_hidden, "latest")] == ["B"]  # no other: that one
    # --variants: the view without the synopsis too, the URL the listings link
    assert [r.digest for r in select(cdx, "latest", variants=True)] == ["A", "B", "D"]
    assert [r.digest for r in select(only_hidden, "latest", variants=True)] == ["B"]


def test_a_version_counts_a_digest_once() -> None:
    record = parse_activity(full(), FULL, "text/html")
    when = datetime(2007, 4, 5, tzinfo=UTC)
    seen = [(when, 1, "sha1:A", record, False), (when, 2, "sha1:A", record, False),  # fetched again
            (when, 3, "sha1:B", record, False)]  # fmt: skip
    versions, changes = history_rows(18356, seen)  # type: ignore[arg-type]
    assert [v["captures"] for v in versions] == [2] and versions[0]["capture_ids"] == "1; 2; 3"
    assert changes == []


def test_a_hidden_view_takes_the_synopsis_of_the_capture_nearest_in_time() -> None:
    """A harvest takes both views seconds apart, the hidden one maybe first: its synopsis is
    the one taken with it, not that of a capture years before (which would stretch the
    old version to today)."""
    record = parse_activity(full(), FULL, "text/html")
    assert isinstance(record, ActivityRecord) and record.follow_up
    old = dataclasses.replace(record, follow_up=None)
    view = parse_activity(hidden(), HIDDEN, "text/html")
    then, now = datetime(2007, 4, 5, tzinfo=UTC), datetime(2026, 12, 3, 10, tzinfo=UTC)
    seen = [(then, 1, "sha1:A", old, False),
            (now, 2, "sha1:B", view, True),
            (now + timedelta(seconds=2), 3, "sha1:C", record, False)]  # fmt: skip
    versions, changes = history_rows(18356, seen)  # type: ignore[arg-type]
    assert [v["captures"] for v in versions] == [1, 2]
    [change] = [c for c in changes if c["field"] == "follow_up"]
    assert change["changed_after"] == then
