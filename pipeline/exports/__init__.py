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
from pipeline.query.search import known_country, search_sql
from pipeline.query.sql import run_sql


@dataclass(frozen=True, slots=True)
class ExportConfig:
    data: Path
    fmt: str  # one of FORMATS
    ids: tuple[int, ...] = ()
    programme: str | None = None
    country: str | None = None
    treaty: int | None = None
    words: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.fmt not in FORMATS:
            raise ConfigError(f"export: --format {self.fmt!r} is none of {', '.join(FORMATS)}")
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


def export(config: ExportConfig) -> tuple[str, int]:
    """The chosen activities' citations in `config.fmt`, and how many they are."""
    where, params = _where(config)
    columns = ", ".join(f"a.{c}" for c in CITED_COLUMNS)
    found = run_sql(config.data, f"SELECT {columns} FROM activities a WHERE {where} "
                    "ORDER BY a.start_date NULLS LAST, a.activity_id", params)  # fmt: skip
    rows = [dict(zip(found.columns, row, strict=True)) for row in found.rows]
    if not rows:
        raise ConfigError("export: no activity of the archive is chosen by those options")
    return render([cited(r) for r in rows], config.fmt), len(rows)


def write_out(text: str, out: Path) -> None:
    """`text` into `out`, whole or not at all (written beside it, then renamed)."""
    partial = out.with_name(f".{out.name}.partial")
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, out)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ConfigError(f"export: cannot write {out}: {exc.strerror}") from exc
