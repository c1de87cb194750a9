"""Every fixture page against its golden JSON, one test per (page, field)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urljoin

import pytest

from parsers import FIELD_NAMES, ActivityRecord, NotAnActivity, parse_activity
from pipeline.fixtures.server import FixtureServer
from tests.conftest import ACTIVITY_DIR, content_type_of, expected, golden_pages, run_cli

PAGES = golden_pages()
_parsed: dict[Path, dict[str, object]] = {}


def parsed(page: Path) -> dict[str, object]:
    if page not in _parsed:
        record = parse_activity(page.read_bytes(), None, content_type_of(page))
        assert isinstance(record, ActivityRecord), record
        _parsed[page] = record.to_dict()
    return _parsed[page]


def test_fixture_site_has_enough_golden_pages() -> None:
    assert len(PAGES) >= 40


@pytest.mark.parametrize("field", FIELD_NAMES)
@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_field_matches_golden(page: Path, field: str) -> None:
    assert parsed(page)[field] == expected(page)[field]


def test_golden_files_name_every_field() -> None:
    for page in PAGES:
        assert list(expected(page)) == ["page_kind", *FIELD_NAMES], page.name


def test_missing_activity_is_not_an_activity() -> None:
    result = parse_activity((ACTIVITY_DIR / "missing.html").read_bytes())
    assert result == NotAnActivity("activity page with no fields (no such activity)", None, 15700)


def test_parse_cli_jsonl_matches_golden() -> None:
    """`jparchive parse ... --format jsonl` prints the golden records (charset from <meta>)."""
    pages = [p for p in PAGES if "charset" not in content_type_of(p)]
    result = run_cli("parse", *map(str, pages), "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [json.loads(line) for line in lines] == [expected(p) for p in pages]


def test_parse_cli_missing_file_is_one_line_error(tmp_path: Path) -> None:
    result = run_cli("parse", str(tmp_path / "nope.html"))
    assert result.returncode == 2
    assert (
        result.stderr
        == f"Error: ConfigError: cannot read {tmp_path / 'nope.html'}: No such file or directory\n"
    )


def test_parse_cli_reads_urls_with_their_charset_header(fixture_server: FixtureServer) -> None:
    """From a URL the HTTP header counts: the page whose header and meta disagree parses right."""
    pages = [p for p in PAGES if "charset=utf-8" in content_type_of(p)]
    urls = [f"{fixture_server.url}/CEAD/Countries.asp?ID={p.stem}&ActSyn=True" for p in pages]
    result = run_cli("parse", *urls, "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["url"] for r in records] == urls
    # a link written relative to the page ("docs/a.pdf") is made whole with its address
    wanted = [
        {**expected(p), "links": [urljoin(u, link) for link in expected(p)["links"]]}  # type: ignore[attr-defined]
        for p, u in zip(pages, urls, strict=True)
    ]
    assert [{**r, "url": None} for r in records] == wanted


def test_parse_cli_unreachable_url_is_one_line_error() -> None:
    result = run_cli("parse", "http://127.0.0.1:9/CEAD/Countries.asp?ID=1")
    assert result.returncode == 1
    assert result.stderr.startswith(
        "Error: FetchError: GET http://127.0.0.1:9/CEAD/Countries.asp?ID=1 failed: "
    )
    assert result.stderr.count("\n") == 1


def test_parse_cli_says_which_page_is_not_an_activity_and_exits_1() -> None:
    missing = ACTIVITY_DIR / "missing.html"
    result = run_cli("parse", str(missing), "--format", "jsonl")
    assert result.returncode == 1
    assert json.loads(result.stdout) == {
        "source": str(missing),
        "activity_id": 15700,
        "not_an_activity": "activity page with no fields (no such activity)",
    }
