"""Generate docs/data-dictionary.md from the table schemas.

python -m pipeline.build.dictionary
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyarrow as pa

from pipeline.build.columns import description
from pipeline.build.datapackage import field_type
from pipeline.build.schemas import FOREIGN_KEYS, PRIMARY_KEYS, SCHEMA_VERSION, TABLES

DICTIONARY = Path(__file__).resolve().parents[2] / "docs" / "data-dictionary.md"


def _type(dtype: pa.DataType) -> str:
    if pa.types.is_dictionary(dtype):
        return f"{dtype.value_type} (dictionary)"
    return str(dtype)


def data_dictionary() -> str:
    lines = [
        "# Data dictionary",
        "",
        f"Generated from `pipeline/build/schemas.py` (schema version {SCHEMA_VERSION}) by "
        "`python -m pipeline.build.dictionary`; a test keeps it in step. Every table is one "
        "Parquet file in `data/parquet/`, described again in `data/parquet/datapackage.json`.",
        "",
    ]
    for name, schema in TABLES.items():
        about = description(schema)
        key = PRIMARY_KEYS.get(name)
        lines += [f"## `{name}`", "", about + ".", ""]
        lines.append(
            f"Primary key: {', '.join(f'`{k}`' for k in key)}." if key else "No primary key."
        )
        for fk in FOREIGN_KEYS.get(name, ()):
            lines.append(
                f"Foreign key: {', '.join(f'`{f}`' for f in fk.fields)} → "
                f"`{fk.table}`.{', '.join(f'`{r}`' for r in fk.refs)}."
            )
        lines += [
            "",
            "| column | Parquet type | Table Schema type | null | description |",
            "|---|---|---|---|---|",
        ]
        for f in schema:
            text = description(f)
            nullable = "yes" if f.nullable else "no"
            lines.append(
                f"| `{f.name}` | {_type(f.type)} | {field_type(f.type)} | {nullable} | {text} |"
            )
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DICTIONARY
    target.write_text(data_dictionary(), encoding="utf-8")
    print(f"wrote {target}")
