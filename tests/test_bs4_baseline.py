"""The benchmark's BeautifulSoup baseline reads the same records as the real parser."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.bs4_baseline import parse_activity_bs4
from parsers import parse_activity
from tests.conftest import content_type_of, golden_pages

PAGES = golden_pages()


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_baseline_gives_the_same_record(page: Path) -> None:
    body, content_type = page.read_bytes(), content_type_of(page)
    assert parse_activity_bs4(body, None, content_type) == parse_activity(body, None, content_type)
