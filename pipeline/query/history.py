"""`jparchive history ID`: when an activity's page changed, and how, field by field."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import ConfigError
from pipeline.query.sql import Result, run_sql

VERSIONS_SQL = """SELECT version, first_seen, last_seen, captures, capture_ids
FROM activity_versions WHERE activity_id = ? ORDER BY version"""
CHANGES_SQL = """SELECT to_version AS version, changed_between, field, old_value, new_value
FROM field_changes WHERE activity_id = ? ORDER BY to_version, field"""


def history(data: str | Path, activity_id: int) -> tuple[Result, Result]:
    """(its versions, its changes); an activity the archive does not hold is an error."""
    versions = run_sql(data, VERSIONS_SQL, [activity_id])
    if not versions.rows:
        raise ConfigError(f"history: no activity {activity_id} in the tables under {data}")
    return versions, run_sql(data, CHANGES_SQL, [activity_id])
