"""Shared fixtures: the fixture site, its server on 127.0.0.1, and the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.build import BuildConfig, build
from pipeline.fetch.policy import FetchPolicy
from pipeline.fixtures.earlier import earlier_versions, write_earlier_crawl
from pipeline.fixtures.server import SITE, FixtureServer
from pipeline.harvest import HarvestConfig, harvest
from pipeline.harvest.ids import parse_id_spec

ACTIVITY_DIR = SITE / "CEAD" / "activities"
CONTENT_TYPES: dict[str, str] = json.loads((SITE / "site.json").read_text())["content_types"]
JPARCHIVE = Path(sys.executable).parent / "jparchive"


def archive_captures() -> int:
    """Captures in the `archive` fixture: robots.txt, the IDs (one missing) under both
    their URLs (the variants), what `--discover` fetched (listings and every logframe
    view), and the earlier crawl's."""
    from pipeline.fixtures.assets import ASSETS
    from pipeline.fixtures.logframes import logframe_specs
    from pipeline.fixtures.render import listings

    views = sum(1 for spec in logframe_specs() if not spec.print_view)
    pages = 1 + 2 * len(parse_id_spec(f"@{SITE / 'ids.txt'}")) + len(listings()) + views
    from pipeline.fixtures.documents import DOCUMENTS

    site = pages + len(ASSETS) + len(DOCUMENTS)  # what the pages load and link, once each
    return site + len(earlier_versions())


def golden_pages() -> list[Path]:
    return sorted(p for p in ACTIVITY_DIR.glob("*.html") if p.stem.isdigit())


def content_type_of(page: Path) -> str:
    return CONTENT_TYPES[f"activities/{page.name}"]


def expected(page: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="session")
def fixture_server() -> Iterator[FixtureServer]:
    with FixtureServer() as server:
        yield server


@pytest.fixture(scope="session")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A harvest of the fixture site (its ID list, `--discover` for the listings and
    logframes, and the documents its pages link to), then the import of an earlier crawl (two older page versions: a history),
    built once; tests copy it when they change it."""
    data = tmp_path_factory.mktemp("archive") / "data"
    with FixtureServer() as server:
        policy = FetchPolicy(rate=0, concurrency=4, contact="tests@localhost")
        ids = tuple(parse_id_spec(f"@{SITE / 'ids.txt'}"))
        harvest(
            HarvestConfig(
                base_url=server.url,
                data=data,
                policy=policy,
                ids=ids,
                discover=True,
                documents=True,  # from the fixture site only
                document_hosts=frozenset({"127.0.0.1"}),
                progress=False,
            )
        )
    earlier = write_earlier_crawl(data.parent / "earlier-crawl.warc.gz")
    harvest(HarvestConfig(base_url="http://www.jp.coe.int", data=data, policy=policy,
                          source="warc", files=(earlier,), progress=False))  # fmt: skip
    build(BuildConfig(data=data, progress=False))
    yield data


def run_cli(
    *args: str, cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the installed `jparchive` command as a user would."""
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    return subprocess.run(
        [str(JPARCHIVE), *args], capture_output=True, text=True, cwd=cwd, timeout=timeout, env=env
    )


# Fields a labelled row feeds, and only that row: delete the row, they must be empty.
SLOT_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "description": ("description",),
    "status": ("status",),
    "date": ("date_text", "start_date", "end_date", "date_precision"),
    "location": ("location", "location_city", "location_country"),
    "countries": ("countries",),
    "organisations": ("organisations",),
    "contributors": ("contributors",),
    "partners": ("partners",),
    "jp": ("programme_title", "programme_trans_id"),
    "project_purpose": ("project_purpose_number", "project_purpose_code", "project_purpose_title"),
    "coe_line_of_action": ("coe_line_of_action_code", "coe_line_of_action_title"),
    "coe_programme": ("coe_programme_code", "coe_programme_title"),
    "coe_project": ("coe_project_code", "coe_project_title"),
    "directorate": ("directorate",),
    "contact": ("contact_name", "contact_email"),
    "objectives": ("objectives",),
    "results": ("results",),
    "follow_up": ("follow_up",),
    "participants": ("participants",),
    "experts": ("experts",),
    "secretariat": ("secretariat",),
    "participants_total": ("participants_total",),
}
