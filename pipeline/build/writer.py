"""One Parquet file written in batches, so memory stays flat however many rows go by."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq


class TableWriter:
    """Buffers rows of one table and writes them in batches to one Parquet file."""

    def __init__(self, path: Path, schema: pa.Schema, batch_rows: int) -> None:
        self.path, self.schema, self.batch_rows = path, schema, batch_rows
        self.buffer: list[dict[str, Any]] = []
        self.count = 0
        self._writer: pq.ParquetWriter | None = None

    def add(self, rows: list[dict[str, Any]]) -> None:
        self.buffer.extend(rows)
        if len(self.buffer) >= self.batch_rows:
            self.flush()

    def flush(self) -> None:
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.path, self.schema, compression="zstd")
        if self.buffer:
            self._writer.write_table(pa.Table.from_pylist(self.buffer, schema=self.schema))
            self.count += len(self.buffer)
            self.buffer = []

    def close(self) -> None:
        self.flush()
        if self._writer is not None:
            self._writer.close()
