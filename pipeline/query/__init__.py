"""Questions to the built tables: SQL, search, and the tables as DataFrames.

    sql.py      DuckDB over the Parquet tables (each a view of its name); results rendered
    search.py   activities holding every word, narrowed by country, programme, years
    coverage.py how complete the archive is against what the logframes count
    history.py  an activity's versions and what changed between them
    tables.py   load(data): every table as a pandas DataFrame with real dtypes

Reads only the built tables under DATA/parquet/: may import their schemas
(`pipeline.build.schemas`), never the archive, the harvest, the sources or the CLI.
"""

from pipeline.query.coverage import coverage
from pipeline.query.history import history
from pipeline.query.search import search, search_sql
from pipeline.query.sql import QueryError, Result, connect, render, run_sql
from pipeline.query.tables import load_tables, parquet_dir

__all__ = [
    "QueryError",
    "Result",
    "connect",
    "coverage",
    "history",
    "load_tables",
    "parquet_dir",
    "render",
    "run_sql",
    "search",
    "search_sql",
]
