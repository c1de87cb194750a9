"""Exports of the built tables into the formats of other tools: citations (CSL-JSON,
BibTeX, RIS) of the activities chosen by ID, programme, country, treaty or words.

    text, count = export(ExportConfig(data=Path("data"), fmt="bibtex", programme="PACO-Serbia"))

The activities are read from the Parquet tables (as `jparchive sql` reads them); the
search's own SQL chooses them when words or a treaty are given. It imports the query
package (to read and choose) and the format libraries (bibtexparser, rispy); nothing
imports it but the CLI, the demo and the web app's citation downloads.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError
from pipeline.exports.citations import CITED_COLUMNS, FORMATS, cited, render
from pipeline.exports.iati import Reporter, Tables, iati_xml
from pipeline.query.search import known_country, search_sql
from pipeline.query.sql import connect, run_sql

# beneficiaries IATI knows (ISO 3166-1, and XK): not "Serbia and Montenegro" or Yugoslavia
BENEFICIARIES_SQL = """SELECT DISTINCT activity_id, country_code FROM activity_countries
WHERE role = 'beneficiary' AND country_code NOT IN ('CS', 'YU')
ORDER BY activity_id, country_code"""


# the regions the site names beside the countries ("Regions: South-East Europe")
REGIONS_SQL = """SELECT DISTINCT activity_id, name FROM activity_groups
WHERE "group" = 'Regions' ORDER BY activity_id, name"""

# the archived documents each activity links, with what says what they are
DOCUMENTS_SQL = """SELECT l.activity_id, d.url, d.final_url, d.source, d.kind, d.title,
       d.language, min(l.label) AS label
FROM activity_documents l JOIN documents d USING (document_id)
GROUP BY ALL ORDER BY l.activity_id, d.url"""

# a programme's expected results, from its logframe, with their indicators
RESULTS_SQL = """SELECT p.programme_code, r.expected_result_number, r.expected_result_text,
       r.indicators
FROM expected_results r JOIN project_purposes p USING (project_purpose_key)
ORDER BY p.programme_code, r.expected_result_number"""


@dataclass(frozen=True, slots=True)
class ExportConfig:
    data: Path
    fmt: str  # one of FORMATS
    ids: tuple[int, ...] = ()
    programme: str | None = None
    country: str | None = None
    treaty: int | None = None
    words: tuple[str, ...] = field(default_factory=tuple)
    reporter: Reporter = field(default_factory=Reporter)  # IATI's reporting-org

    def __post_init__(self) -> None:
        if self.fmt not in (*FORMATS, "iati"):
            raise ConfigError(
                f"export: --format {self.fmt!r} is none of {', '.join(FORMATS)}, iati"
            )
        if self.country and not known_country(self.country):
            raise ConfigError(f"export: --country {self.country!r} is no ISO 3166-1 alpha-2 code")


def _where(config: ExportConfig) -> tuple[str, list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if config.words or config.treaty is not None:  # the search's own choice
        sql, found = search_sql(list(config.words), config.country, config.programme,
                                None, None, 10**9, config.treaty)  # fmt: skip
        where.append(f"a.activity_id IN (SELECT activity_id FROM ({sql}))")
        params += found
    else:
        if config.programme:
            where.append("lower(a.programme_code) = lower(?)")
            params.append(config.programme)
        if config.country:
            where.append("EXISTS (SELECT 1 FROM activity_countries c "
                         "WHERE c.activity_id = a.activity_id AND c.country_code = ?)")  # fmt: skip
            params.append(config.country.upper())
    if config.ids:
        where.append("a.activity_id IN (SELECT unnest(?::BIGINT[]))")
        params.append(list(config.ids))
    return " AND ".join(where) or "TRUE", params


def export(config: ExportConfig) -> tuple[str, int, list[str]]:
    """The chosen activities in `config.fmt`, how many they are, and what was left out
    (and why: IATI needs a status and a date)."""
    where, params = _where(config)
    # a citation needs a dozen columns; IATI the page's texts too
    columns = "a.*" if config.fmt == "iati" else ", ".join(f"a.{c}" for c in CITED_COLUMNS)
    found = run_sql(config.data, f"SELECT {columns} FROM activities a WHERE {where} "
                    "ORDER BY a.start_date NULLS LAST, a.activity_id", params)  # fmt: skip
    rows = [dict(zip(found.columns, row, strict=True)) for row in found.rows]
    if not rows:
        raise ConfigError("export: no activity of the archive is chosen by those options")
    if config.fmt != "iati":
        return render([cited(r) for r in rows], config.fmt), len(rows), []
    return _iati(config, rows)


def _iati(config: ExportConfig, rows: list[dict[str, Any]]) -> tuple[str, int, list[str]]:
    con = connect(config.data)  # the tables read in once for the six queries

    def table(sql: str) -> list[dict[str, Any]]:
        cursor = con.execute(sql)
        columns = [d[0] for d in cursor.description or ()]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]

    def by(sql: str, key: str, value: str | None = None) -> dict[Any, list[Any]]:
        grouped: dict[Any, list[Any]] = {}
        for r in table(sql):
            grouped.setdefault(r[key], []).append(r[value] if value else r)
        return grouped

    tables = Tables(
        countries=by(BENEFICIARIES_SQL, "activity_id", "country_code"),
        regions=by(REGIONS_SQL, "activity_id", "name"),
        places={p["place_id"]: p for p in table("SELECT * FROM places WHERE kind = 'city'")},
        programmes=table("SELECT * FROM programmes ORDER BY programme_code"),
        results=by(RESULTS_SQL, "programme_code"),
        documents=by(DOCUMENTS_SQL, "activity_id"),
    )
    con.close()
    xml, left_out = iati_xml(rows, tables, config.reporter)
    return (
        xml.decode("utf-8"),
        len(rows) - sum(1 for x in left_out if x.startswith("activity ")),
        left_out,
    )


def write_out(text: str, out: Path) -> None:
    """`text` into `out`, whole or not at all (written beside it, then renamed)."""
    partial = out.with_name(f".{out.name}.partial")
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, out)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ConfigError(f"export: cannot write {out}: {exc.strerror}") from exc
