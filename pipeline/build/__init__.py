"""The build: the archive's pages parsed into linked, typed Parquet tables.

    job.py          build(config): captures → records → rows → tables, swapped in atomically
    flatten.py      one parsed record (and its capture) → rows of each table
    catalogue.py    the parent tables (programmes, purposes, results, countries) gathered
    logframes.py    every logframe view read; the best reading of each; the listings' links
    merge.py        the parent tables completed by their logframes; coverage
    documents.py    the archived documents read (in `pipeline.documents`' sandbox) into rows
    schemas.py      one pyarrow schema per table, keys, descriptions (columns.py: types)
    writer.py       a Parquet file written in batches
    datapackage.py  datapackage.json (Frictionless): fields, keys, sha256, provenance
    dictionary.py   docs/data-dictionary.md from the schemas (`make docs`)

Reads the archive (`pipeline.archive`), parses with `parsers`, classifies URLs with
`pipeline.urls`, reads documents with `pipeline.documents` and their links with
`pipeline.requisites`; never imports the harvest, the sources, queries or the CLI.
"""

from pipeline.build.documents import ReadLimits
from pipeline.build.job import BuildConfig, BuildReport, build, swap_in

__all__ = ["BuildConfig", "BuildReport", "ReadLimits", "build", "swap_in"]
