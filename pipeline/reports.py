"""The JSON reports of harvests and builds, under DATA/reports/."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def write_report(data: Path, kind: str, report: Any) -> Path:
    """Write the dataclass `report` as DATA/reports/<kind>-<UTC time>.json, its path in it."""
    reports = data / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    path = reports / f"{kind}-{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}.json"
    report.report_path = str(path)
    path.write_text(json.dumps(asdict(report), indent=1, sort_keys=True) + "\n")
    return path
