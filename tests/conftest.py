"""Shared fixtures: the fixture site, its server on 127.0.0.1, and the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.fixtures.server import SITE, FixtureServer

ACTIVITY_DIR = SITE / "CEAD" / "activities"
CONTENT_TYPES: dict[str, str] = json.loads((SITE / "site.json").read_text())["content_types"]
JPARCHIVE = Path(sys.executable).parent / "jparchive"


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


def run_cli(
    *args: str, cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the installed `jparchive` command as a user would."""
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    return subprocess.run(
        [str(JPARCHIVE), *args], capture_output=True, text=True, cwd=cwd, timeout=timeout, env=env
    )
