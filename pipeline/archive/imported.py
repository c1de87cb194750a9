"""What imports note in the index (`source_files`, `imported_records`), so that a file
or a record is imported once whatever it is called; and how every change to the index
reports SQLite's errors (`_writes`). `Index` has these methods as a base class.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pipeline.errors import StoreError


def _advice(exc: sqlite3.Error) -> str:
    """What to do about an index that cannot be used: never to throw the crawl state away."""
    text = str(exc).lower()
    if "full" in text:
        return "free some space on that disk and rerun"
    if "readonly" in text or "unable to open" in text or "permission" in text:
        return "check that the folder is writable by you and rerun"
    return "it may be damaged: copy it somewhere safe before anything else (it is the crawl state)"


F = TypeVar("F", bound=Callable[..., Any])


def _writes(method: F) -> F:
    """A change to the index: SQLite's errors (a full disk, a read-only folder) become a
    StoreError naming the file and what to do. The transaction is rolled back, so the
    index stays as it was before the change."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot write the index {self.path}: {exc}; {_advice(exc)}") from exc

    return wrapper  # type: ignore[return-value]


class ImportedFiles:
    """The index's record of imported files and records."""

    db: sqlite3.Connection
    path: Path

    @_writes
    def note_source_file(self, path: str, sha256: str, size: int) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO source_files(path, sha256, size, imported_at) "
            "VALUES (?, ?, ?, datetime('now'))",
            (path, sha256, size),
        )

    @_writes
    def complete_source_file(self, path: str) -> None:
        """The file was read to its end: a copy of it (the same sha256) adds nothing."""
        self.db.execute("UPDATE source_files SET completed = 1 WHERE path = ?", (path,))

    def imported_as(self, sha256: str) -> str | None:
        """The path under which a file with this sha256 was imported whole, if one was."""
        row = self.db.execute(
            "SELECT path FROM source_files WHERE sha256 = ? AND completed = 1 ORDER BY path",
            (sha256,),
        ).fetchone()
        return str(row[0]) if row else None

    def imported_record(self, record_id: str) -> str | None:
        """The block digest of the imported record with this WARC-Record-ID, if any."""
        row = self.db.execute(
            "SELECT block_digest FROM imported_records WHERE record_id = ?", (record_id,)
        ).fetchone()
        return str(row[0]) if row else None

    @_writes
    def note_imported_record(self, record_id: str, block_digest: str) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO imported_records(record_id, block_digest) VALUES (?, ?)",
            (record_id, block_digest),
        )
