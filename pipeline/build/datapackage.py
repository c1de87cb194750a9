"""`datapackage.json`: a Frictionless Data Package describing the built tables.

Every table is a resource with its fields (types and descriptions from the pyarrow
schemas), primary and foreign keys, byte size and sha256. The package records where the
data came from (the harvest's captures and WARC files). No clock time goes in: the same
archive gives the same descriptor, byte for byte.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa

from pipeline import __version__
from pipeline.archive.index import Index
from pipeline.archive.verify import file_sha256
from pipeline.build.columns import description
from pipeline.build.schemas import FOREIGN_KEYS, PRIMARY_KEYS, SCHEMA_VERSION, TABLES


def field_type(dtype: pa.DataType) -> str:
    """The Table Schema type of a pyarrow type."""
    if pa.types.is_dictionary(dtype):
        return field_type(dtype.value_type)
    if pa.types.is_integer(dtype):
        return "integer"
    if pa.types.is_boolean(dtype):
        return "boolean"
    if pa.types.is_date(dtype):
        return "date"
    if pa.types.is_timestamp(dtype):
        return "datetime"
    if pa.types.is_floating(dtype):
        return "number"
    return "string"


def table_schema(name: str) -> dict[str, Any]:
    schema = TABLES[name]
    descriptor: dict[str, Any] = {
        "missingValues": [],  # Parquet has real nulls; an empty string is a value
        "fields": [
            {
                "name": f.name,
                "type": field_type(f.type),
                "description": description(f),
                **({"constraints": {"required": True}} if not f.nullable else {}),
            }
            for f in schema
        ],
    }
    if key := PRIMARY_KEYS.get(name):
        descriptor["primaryKey"] = list(key)
    if keys := FOREIGN_KEYS.get(name):
        descriptor["foreignKeys"] = [
            {"fields": list(k.fields), "reference": {"resource": k.table, "fields": list(k.refs)}}
            for k in keys
        ]
    return descriptor


def provenance(index: Index) -> dict[str, Any]:
    """What the archive behind the tables holds: captures by source, times, WARC files."""
    db = index.db
    by_source = dict(
        db.execute("SELECT source, COUNT(*) FROM captures GROUP BY source ORDER BY source")
    )
    first, last = db.execute("SELECT MIN(fetched_at), MAX(fetched_at) FROM captures").fetchone()
    files = [r[0] for r in db.execute("SELECT DISTINCT warc_file FROM captures ORDER BY warc_file")]
    return {
        "captures_by_source": by_source,
        "first_capture": first,
        "last_capture": last,
        "warc_files": files,
        "site": "http://www.jp.coe.int/CEAD/",
    }


def write_datapackage(out: Path, index: Index) -> Path:
    """Describe the Parquet files in `out`; returns the descriptor's path."""
    resources = []
    for name, schema in TABLES.items():
        path = out / f"{name}.parquet"
        resources.append(
            {
                "name": name,
                "path": path.name,
                "format": "parquet",
                "mediatype": "application/vnd.apache.parquet",
                "description": description(schema),
                # custom names: Frictionless cannot recount bytes of a binary format it parses
                "size_bytes": path.stat().st_size,
                "sha256": file_sha256(path),
                "schema": table_schema(name),
            }
        )
    package = {
        "name": "jparchive-joint-programmes",
        "title": "Council of Europe Joint Programmes: activities, programmes and countries",
        "description": "Activity Details pages of www.jp.coe.int (2003-2020), harvested into WARC "
        "and parsed by jparchive.",
        "version": SCHEMA_VERSION,
        "created_with": f"jparchive {__version__}",
        "sources": [
            {
                "title": "Council of Europe Joint Programmes site",
                "path": "http://www.jp.coe.int/CEAD/",
            }
        ],
        "provenance": provenance(index),
        "resources": resources,
    }
    path = out / "datapackage.json"
    path.write_text(json.dumps(package, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
