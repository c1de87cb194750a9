"""`jparchive coverage`: how complete the archive is, per programme and per project
purpose, against what each logframe counts; and which activities the site's listings
name that the archive does not hold (where to look next: another Wayback window,
another institution's WARC).
"""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import ConfigError
from pipeline.query.sql import Result, run_sql

COVERAGE_SQL = """
SELECT c.programme_code, c.project_purpose_key, pp.project_purpose_number AS purpose,
       c.counted, c.archived,
       CASE WHEN c.share IS NULL THEN NULL ELSE printf('%.0f%%', 100 * c.share) END AS share,
       c.missing_count AS listed_missing, c.missing_ids
FROM coverage c
LEFT JOIN project_purposes pp USING (project_purpose_key)
WHERE ?::VARCHAR IS NULL OR c.programme_code = ?
ORDER BY c.programme_code, c.project_purpose_key NULLS FIRST
"""


def coverage(data: str | Path, programme: str | None = None) -> Result:
    """Programme rows first (no purpose key), each followed by its purposes' rows."""
    result = run_sql(data, COVERAGE_SQL, [programme, programme])
    if programme is not None and not result.rows:
        known = run_sql(data, "SELECT programme_code FROM programmes ORDER BY 1")
        codes = ", ".join(str(r[0]) for r in known.rows)
        raise ConfigError(f"coverage: no programme {programme!r} (known: {codes})")
    return result
