"""Column types and the schema maker every table of `schemas` is built with: real types,
a description per column, and pandas metadata so nullable ints come back as Int32."""

from __future__ import annotations

import json

import pyarrow as pa

# 2: captures.cdx_digest and captures.digest_mismatch
# 3: the logframes' fields in programmes, project_purposes and expected_results (with a
#    source column); the logframe_pages and coverage tables
# 4: captures.requisite_gap_s; the documents, activity_documents and document_texts tables
# 5: people, person_mentions, organisations, activity_organisations, places and
#    programme_treaties; activities.place_id, activity_people.person_id
# 6: activities.original_url (the address to cite, a mirror's path on the site)
SCHEMA_VERSION = "6"
CODE = pa.dictionary(pa.int32(), pa.string())  # low-cardinality strings
COUNTRY_CODE = "ISO 3166-1 alpha-2 (Kosovo XK, Serbia and Montenegro CS, Yugoslavia YU)"
UTC_TIME = pa.timestamp("ms", tz="UTC")  # Parquet has no seconds unit: ms is what is stored


def pandas_column(name: str, dtype: pa.DataType) -> dict[str, object]:
    """pandas metadata for a column: nullable ints and booleans come back as Int32/Int64 and
    boolean, not float64 with NaN, in `pd.read_parquet` and every tool built on it."""
    if pa.types.is_integer(dtype):
        kinds = (f"int{dtype.bit_width}", f"Int{dtype.bit_width}")
    elif pa.types.is_boolean(dtype):
        kinds = ("bool", "boolean")
    elif pa.types.is_date(dtype):
        kinds = ("date", "object")
    elif pa.types.is_timestamp(dtype):
        return {
            "name": name,
            "field_name": name,
            "pandas_type": "datetimetz",
            "numpy_type": "datetime64[ms]",
            "metadata": {"timezone": "UTC"},
        }
    elif pa.types.is_dictionary(dtype):
        kinds = ("categorical", "int32")
    else:
        kinds = ("unicode", "object")
    return {
        "name": name,
        "field_name": name,
        "pandas_type": kinds[0],
        "numpy_type": kinds[1],
        "metadata": None,
    }


def table(columns: list[tuple[str, pa.DataType, bool, str]], description: str) -> pa.Schema:
    fields = [
        pa.field(name, dtype, nullable=nullable, metadata={"description": text})
        for name, dtype, nullable, text in columns
    ]
    pandas = {
        "index_columns": [],
        "column_indexes": [],
        "columns": [pandas_column(name, dtype) for name, dtype, _, _ in columns],
        "creator": {"library": "jparchive", "version": SCHEMA_VERSION},
        "pandas_version": "2.2.0",
    }
    metadata = {
        "description": description,
        "schema_version": SCHEMA_VERSION,
        "pandas": json.dumps(pandas),
    }
    return pa.schema(fields, metadata=metadata)


def description(item: pa.Field | pa.Schema) -> str:
    """The description a column or a table carries in its metadata ("" when none)."""
    return str((item.metadata or {}).get(b"description", b"").decode())
