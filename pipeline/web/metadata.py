"""Datasette's metadata for `jparchive.db`, generated from the table schemas: table and
column descriptions, label columns, default facets and sort orders, and the canned
`search` query whose CSV and JSON the search page links to."""

from __future__ import annotations

from typing import Any

from pipeline import __version__
from pipeline.build.columns import description
from pipeline.build.schemas import TABLES
from pipeline.web.queries import search_sql

DATABASE = "jparchive"
LABELS = {
    "activities": "title",
    "programmes": "programme_title",
    "project_purposes": "project_purpose_title",
    "countries": "country_name",
}
FACETS = {
    "activities": [
        "programme_code",
        "location_country_code",
        "status",
        "working_method",
        "start_year",
    ],
    "activity_countries": ["country_code", "role"],
    "activity_people": ["role"],
    "captures": ["source", "kind", "record_type"],
    "parse_issues": ["field"],
    "logframe_pages": ["view", "kept"],
    "coverage": ["level", "programme_code"],
}
SORT = {"activities": "start_date", "programmes": "programme_code", "captures": "capture_id"}


def table_metadata(name: str) -> dict[str, Any]:
    schema = TABLES[name]
    columns = {f.name: description(f) for f in schema}
    if name == "activities":
        columns["start_year"] = "Year of start_date (for facets)"
    out: dict[str, Any] = {"description": description(schema), "columns": columns}
    if name in LABELS:
        out["label_column"] = LABELS[name]
    if name in FACETS:
        out["facets"] = FACETS[name]
    if name in SORT:
        out["sort"] = SORT[name]
    if name == "activities":
        out["fts_table"], out["fts_pk"] = "activities_fts", "activity_id"
    return out


def metadata(data_root: str) -> dict[str, Any]:
    """The whole metadata: one database, every table, the search query, our plugin's
    settings (where the archive is, for the capture pages)."""
    return {
        "title": "jparchive: the Joint Programmes archive",
        "description": "Activities, programmes and captures of the Council of Europe's "
        "Joint Programmes site (www.jp.coe.int, 2003-2020), from jparchive "
        f"{__version__}. Read-only.",
        "source": "www.jp.coe.int (Council of Europe), via its web archives",
        # Datasette's pages: contrast and underlined links (WCAG 2.1 AA; axe-core checks)
        "extra_css_urls": ["/data/jparchive-static/datasette.css"],
        "databases": {
            DATABASE: {
                "tables": {name: table_metadata(name) for name in TABLES},
                "queries": {
                    "search": {
                        "title": "Search activities",
                        "description": "Full-text search: q is an FTS5 query (the web "
                        "app's search page writes it); country, programme, year_from and "
                        "year_to may be empty.",
                        "sql": search_sql("[", "]"),
                    }
                },
            }
        },
        "plugins": {"jparchive": {"data": data_root}},
    }
