"""Every fixture page against its golden JSON, one test per (page, field)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parsers import FIELD_NAMES, ActivityRecord, NotAnActivity, parse_activity
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
        assert list(expected(page)) == list(FIELD_NAMES), page.name


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
