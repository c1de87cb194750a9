"""The fixture site: committed pages match the spec, cover the variations, serve over HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from parsers import ActivityRecord, parse_activity
from pipeline.fixtures.render import write_site
from pipeline.fixtures.server import SITE, FixtureServer, Site
from pipeline.fixtures.spec import ACTIVITIES
from tests.conftest import golden_pages


def test_committed_site_is_what_the_spec_renders(tmp_path: Path) -> None:
    """`make fixtures` output is committed: the files must not drift from the spec."""
    write_site(tmp_path)
    fresh = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    committed = sorted(p.relative_to(SITE) for p in SITE.rglob("*") if p.is_file())
    assert fresh == committed
    for rel in fresh:
        assert (tmp_path / rel).read_bytes() == (SITE / rel).read_bytes(), rel


def test_site_covers_the_required_variety() -> None:
    records = [a.record for a in ACTIVITIES]
    assert len(records) >= 40
    assert len({r.programme_code for r in records}) >= 5
    assert len({c.code or c.name for r in records for c in r.countries}) >= 8
    assert {r.date_precision for r in records} >= {"day", "month", "year", None}
    assert any(r.start_date == r.end_date for r in records)
    assert any(r.date_text == "May-October 2017" for r in records)
    assert any(r.has_synopsis is False for r in records)
    assert any(r.contact_name is None for r in records)
    assert any(r.contact_name == "MUSIAŁKOWSKI, Przemysław" for r in records)
    assert {r.cooperation_type for r in records} >= {"Bilateral", "Multilateral"}
    assert any(
        c.group == "Groups" and c.name == "Multilateral" for r in records for c in r.countries
    )
    assert any(r.links for r in records)
    assert any(r.description and "\n- " in r.description for r in records)
    assert any(r.description and "\n\n" in r.description for r in records)
    assert any(r.description is None for r in records)
    assert {a.style.directorate_label for a in ACTIVITIES} == {
        "Directorate",
        "Directorate (Service)",
    }
    codes = {r.coe_line_of_action_code for r in records}
    assert "3" in codes and "II.3" in codes
    assert {a.style.encoding for a in ACTIVITIES} == {"windows-1252", "utf-8"}
    assert any(a.style.header_charset for a in ACTIVITIES)
    assert any(a.style.upper for a in ACTIVITIES)


def test_markup_variations_are_really_in_the_pages() -> None:
    texts = [p.read_bytes() for p in golden_pages()]
    assert any(b"</B>&nbsp;<TD>" in t for t in texts)  # upper case, the label cell never closed
    assert any(b"&#321;" in t for t in texts)  # characters outside windows-1252 as entities
    assert any(b"Title:" in t for t in texts) and any(b"TITLE" in t for t in texts)
    assert all(b"JP/Default.asp?TransID=" in t for t in texts)  # the JP value links its logframe
    assert any(b"mailto:" in t for t in texts)


def test_seed_page_is_the_real_page_whole() -> None:
    """Every text field of page 18356 stands in the reference rendering of the real page."""
    reference = Path(__file__).resolve().parents[1] / "fixtures" / "text" / "activity-18356.txt"
    text = " ".join(reference.read_text(encoding="utf-8").split())
    record = parse_activity((SITE / "CEAD" / "activities" / "18356.html").read_bytes())
    assert isinstance(record, ActivityRecord)
    derived = {
        "start_date",
        "end_date",
        "date_precision",
        "last_modified",
        "contact_email",
        "page_kind",
    }
    values = [v for k, v in record.to_dict().items() if isinstance(v, str) and k not in derived]
    assert len(values) > 25
    for value in values:
        assert " ".join(value.split()) in text, value


@pytest.mark.parametrize(
    ("target", "status", "needle"),
    [
        ("/CEAD/Countries.asp?ID=18356&ActSyn=True", 200, b"Regional Conference on Cybercrime"),
        ("/CEAD/Countries.asp?ID=18356", 200, b"Regional Conference on Cybercrime"),
        (
            "/CEAD/JP/Default.asp?ID=18356&PrintVersion=True",
            200,
            b"Regional Conference on Cybercrime",
        ),
        ("/CEAD/Countries.asp?ID=99999&ActSyn=True", 200, b"Activity Details (ID# 99999)"),
        ("/CEAD/JP/Default.asp?TransID=112", 200, b"PACO-Serbia"),
        ("/CEAD/Programmes.asp?TransID=112", 200, b"Countries.asp?ID=18356"),
        ("/CEAD/Countries.asp?CountryID=RS", 200, b"Countries.asp?ID=18356"),
        ("/CEAD/Default.asp", 200, b"by Programme"),
        ("/robots.txt", 200, b"Disallow: /CEAD/Search.asp"),
        ("/CEAD/Nothing.asp", 404, b"Not Found"),
    ],
)
def test_routes(target: str, status: int, needle: bytes) -> None:
    response = Site().route(target)
    assert response.status == status
    assert needle in response.body


def test_server_speaks_real_http_with_the_manifest_charset(fixture_server: FixtureServer) -> None:
    types = json.loads((SITE / "site.json").read_text())["content_types"]
    utf8 = next(k for k, v in types.items() if "utf-8" in v)
    aid = Path(utf8).stem
    response = httpx.get(f"{fixture_server.url}/CEAD/Countries.asp?ID={aid}&ActSyn=True")
    assert response.status_code == 200
    assert response.headers["content-type"] == types[utf8]
    assert response.content == (SITE / "CEAD" / utf8).read_bytes()
