"""The capture index and crawl state: one SQLite file beside the WARCs (`raw/index.sqlite3`).

`captures` says where every archived response lives (file, offset, length) and what it
is; `queue` is the crawl state a rerun resumes from; `warc_files` marks which WARC files
were closed cleanly, so a crashed one is checked before anything else is written.
Every change is one transaction, committed when the work it records is on disk.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from pathlib import Path

from pipeline.archive.fixity import Fixity
from pipeline.archive.imported import ImportedFiles, _advice, _writes
from pipeline.errors import StoreError

SCHEMA = """
CREATE TABLE IF NOT EXISTS captures(
    capture_id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    activity_id INTEGER,
    kind TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    status INTEGER NOT NULL,
    content_type TEXT,
    payload_digest TEXT NOT NULL,
    record_type TEXT NOT NULL,
    warc_file TEXT NOT NULL,
    warc_offset INTEGER NOT NULL,
    warc_length INTEGER NOT NULL,
    refers_to INTEGER,
    truncated INTEGER NOT NULL DEFAULT 0,
    source TEXT NOT NULL,
    source_ref TEXT,
    cdx_digest TEXT,
    requisite_gap_s INTEGER
);
CREATE INDEX IF NOT EXISTS captures_digest ON captures(payload_digest);
CREATE INDEX IF NOT EXISTS captures_activity ON captures(activity_id);
CREATE INDEX IF NOT EXISTS captures_url ON captures(url);
CREATE TABLE IF NOT EXISTS queue(
    url TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    number INTEGER,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    status INTEGER,
    error TEXT,
    updated_at TEXT,
    meta TEXT,
    run INTEGER
);
CREATE TABLE IF NOT EXISTS runs(run INTEGER PRIMARY KEY, started_at TEXT, command TEXT);
CREATE TABLE IF NOT EXISTS cdx_cache(query TEXT PRIMARY KEY, body BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS warc_files(
    name TEXT PRIMARY KEY,
    closed INTEGER NOT NULL DEFAULT 0,
    sha256 TEXT,
    size INTEGER,
    blocks BLOB
);
CREATE TABLE IF NOT EXISTS source_files(
    path TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    imported_at TEXT NOT NULL,
    completed INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS imported_records(
    record_id TEXT PRIMARY KEY,
    block_digest TEXT NOT NULL
);
"""

PENDING, DONE, FAILED, SKIPPED = "pending", "done", "failed", "skipped"


@dataclass(frozen=True, slots=True)
class Capture:
    """One archived response: where it is and what it was."""

    url: str
    activity_id: int | None
    kind: str
    fetched_at: str  # ISO 8601 UTC, "2007-03-21T10:00:00Z"
    status: int
    content_type: str | None
    payload_digest: str  # "sha1:<base32>"
    record_type: str  # "response", "revisit" or "conversion"
    warc_file: str  # name under raw/
    warc_offset: int
    warc_length: int
    refers_to: int | None = None  # capture_id of the original, for revisits
    truncated: bool = False
    source: str = "site"  # "site", "wayback" or "warc"
    source_ref: str | None = None  # Wayback URL, or source WARC and offset
    cdx_digest: str | None = None  # Wayback: what the CDX said the stored bytes were
    requisite_gap_s: int | None = None  # Wayback requisite: seconds from the page's capture
    capture_id: int | None = None


CAPTURE_COLUMNS = tuple(f.name for f in fields(Capture) if f.name != "capture_id")


@dataclass(frozen=True, slots=True)
class QueueItem:
    url: str
    kind: str
    number: int | None
    state: str
    attempts: int
    status: int | None
    error: str | None
    meta: str | None = None  # JSON: what a source knows of the item (the CDX digest, ...)


class Index(ImportedFiles):
    """The SQLite index of one data root. Use as a context manager."""

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        """Open (and create, unless `readonly`) the index at `path`. A read-only index
        changes nothing on disk: audits and status reports open it so."""
        if readonly and not path.exists():
            raise StoreError(f"no index at {path}: nothing has been harvested there")
        if not readonly:
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # one connection, used by one thread at a time (the harvest's writer thread)
            if readonly:
                uri = f"{path.resolve().as_uri()}?mode=ro"
                self.db = sqlite3.connect(uri, uri=True, isolation_level=None)
            else:
                self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self.db.row_factory = sqlite3.Row
            if not readonly:
                self._create()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"index {path} cannot be opened: {exc}; {_advice(exc)}") from exc
        self.path = path
        self.run: int | None = None  # the run whose work `finish` records, once started

    def _create(self) -> None:
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(queue)")}
        if "meta" not in columns:  # an index from before the Wayback source
            self.db.execute("ALTER TABLE queue ADD COLUMN meta TEXT")
        if "run" not in columns:  # an index from before runs were told apart
            self.db.execute("ALTER TABLE queue ADD COLUMN run INTEGER")
        files = {row[1] for row in self.db.execute("PRAGMA table_info(warc_files)")}
        for column in ("sha256 TEXT", "size INTEGER", "blocks BLOB"):
            if column.split()[0] not in files:  # an index from before files' fixity was kept
                self.db.execute(f"ALTER TABLE warc_files ADD COLUMN {column}")
        sources = {row[1] for row in self.db.execute("PRAGMA table_info(source_files)")}
        if "completed" not in sources:  # an index from before copies were told apart
            self.db.execute(
                "ALTER TABLE source_files ADD COLUMN completed INTEGER NOT NULL DEFAULT 0"
            )
        captured = {row[1] for row in self.db.execute("PRAGMA table_info(captures)")}
        if "cdx_digest" not in captured:  # an index from before CDX digests were kept
            self.db.execute("ALTER TABLE captures ADD COLUMN cdx_digest TEXT")
        if "requisite_gap_s" not in captured:  # an index from before requisites
            self.db.execute("ALTER TABLE captures ADD COLUMN requisite_gap_s INTEGER")

    @_writes
    def start_run(self, command: str) -> int:
        """Number this run: every item it finishes is marked with it (see `finished_in`)."""
        cur = self.db.execute(
            "INSERT INTO runs(started_at, command) VALUES (datetime('now'), ?)", (command,)
        )
        self.run = int(cur.lastrowid or 0)
        return self.run

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    # --- captures ---------------------------------------------------------------------------
    @_writes
    def add_capture(
        self, capture: Capture, *, done_url: str | None = None, state: str = DONE
    ) -> int:
        """Record a capture; with `done_url`, mark that queue item finished in the same commit."""
        cols = ", ".join(CAPTURE_COLUMNS)
        marks = ", ".join("?" for _ in CAPTURE_COLUMNS)
        values = [getattr(capture, c) for c in CAPTURE_COLUMNS]
        with self.db:
            self.db.execute("BEGIN")
            cur = self.db.execute(f"INSERT INTO captures({cols}) VALUES ({marks})", values)
            if done_url is not None:
                self._set_state(done_url, state, capture.status, None)
        return int(cur.lastrowid or 0)

    def captured_urls(self, urls: list[str], kind: str) -> set[str]:
        """Those of `urls` the index holds a capture of, of `kind`."""
        found: set[str] = set()
        for start in range(0, len(urls), 500):
            part = urls[start : start + 500]
            marks = ", ".join("?" for _ in part)
            rows = self.db.execute(
                f"SELECT DISTINCT url FROM captures WHERE kind = ? AND url IN ({marks})",
                [kind, *part],
            )
            found.update(row[0] for row in rows)
        return found

    def first_with_digest(self, digest: str) -> Capture | None:
        row = self.db.execute(
            "SELECT * FROM captures WHERE payload_digest = ? AND record_type = 'response' "
            "AND status = 200 ORDER BY capture_id LIMIT 1",
            (digest,),
        ).fetchone()
        return self.row_to_capture(row) if row else None

    def captures(self) -> Iterator[Capture]:
        cur = self.db.execute("SELECT * FROM captures ORDER BY capture_id")
        for row in cur:
            yield self.row_to_capture(row)

    def capture(self, capture_id: int) -> Capture | None:
        row = self.db.execute(
            "SELECT * FROM captures WHERE capture_id = ?", (capture_id,)
        ).fetchone()
        return self.row_to_capture(row) if row else None

    def nearest(self, url: str, when: str) -> Capture | None:
        """The capture of `url` (answered 200) nearest in time to `when` (ISO 8601 UTC)."""
        row = self.db.execute(
            "SELECT * FROM captures WHERE url = ? AND status = 200 "
            "AND record_type IN ('response', 'revisit') "
            "ORDER BY abs(julianday(fetched_at) - julianday(?)), capture_id DESC LIMIT 1",
            (url, when.rstrip("Z")),
        ).fetchone()
        return self.row_to_capture(row) if row else None

    @staticmethod
    def row_to_capture(row: sqlite3.Row) -> Capture:
        data = dict(row)
        data["truncated"] = bool(data["truncated"])
        return Capture(**data)

    # --- queue ------------------------------------------------------------------------------
    @_writes
    def enqueue(
        self, items: Iterable[tuple[str, str, int | None] | tuple[str, str, int | None, str]]
    ) -> int:
        """Add (url, kind, number[, meta]) items not seen before; returns how many were new."""
        with self.db:
            self.db.execute("BEGIN")
            before = self.db.total_changes
            self.db.executemany(
                "INSERT OR IGNORE INTO queue(url, kind, number, state, meta) "
                "VALUES (?, ?, ?, 'pending', ?)",
                [(*item[:3], item[3] if len(item) > 3 else None) for item in items],
            )
            return self.db.total_changes - before

    @_writes
    def new_items(self, items: list[tuple[str, str, int | None, str | None]]) -> list[str]:
        """Queue (url, kind, number, meta) items; returns the URLs of those not seen before."""
        with self.db:
            self.db.execute("BEGIN")
            fresh = []
            for url, kind, number, meta in items:
                cur = self.db.execute(
                    "INSERT OR IGNORE INTO queue(url, kind, number, state, meta) "
                    "VALUES (?, ?, ?, 'pending', ?)",
                    (url, kind, number, meta),
                )
                if cur.rowcount:
                    fresh.append(url)
            return fresh

    @_writes
    def retry_failed(self, prefix: str | None) -> int:
        """Put the failed items whose URL starts with `prefix` (all, if None) back to
        pending; returns how many."""
        with self.db:
            cur = self.db.execute(
                "UPDATE queue SET state = 'pending' WHERE state = 'failed' "
                "AND (? IS NULL OR substr(url, 1, length(?)) = ?)",
                (prefix, prefix, prefix),
            )
            return cur.rowcount

    @_writes
    def take_failed(self, prefix: str | None) -> list[QueueItem]:
        """The failed items under `prefix`, put back to pending: `--retry-failed`'s work."""
        cur = self.db.execute(
            "SELECT url, kind, number, state, attempts, status, error, meta FROM queue "
            "WHERE state = 'failed' AND (? IS NULL OR substr(url, 1, length(?)) = ?) "
            "ORDER BY kind, number, url",
            (prefix, prefix, prefix),
        )
        items = [QueueItem(*row) for row in cur]
        self.retry_failed(prefix)
        return items

    def pending(self) -> list[QueueItem]:
        cur = self.db.execute(
            "SELECT url, kind, number, state, attempts, status, error, meta FROM queue "
            "WHERE state = 'pending' ORDER BY kind, number, url"
        )
        return [QueueItem(*row) for row in cur]

    def items(self) -> list[QueueItem]:
        cur = self.db.execute(
            "SELECT url, kind, number, state, attempts, status, error FROM queue "
            "ORDER BY kind, number, url"
        )
        return [QueueItem(*row) for row in cur]

    def finished_in(self, run: int | None) -> set[str]:
        """URLs of the items that run `run` finished (done, failed or skipped)."""
        return {r[0] for r in self.db.execute("SELECT url FROM queue WHERE run = ?", (run,))}

    @_writes
    def finish(
        self, url: str, state: str, status: int | None, error: str | None, attempts: int = 0
    ) -> None:
        """Record how an item ended, adding the requests it took to its attempts."""
        with self.db:
            self.db.execute("BEGIN")
            self._set_state(url, state, status, error)
            if attempts:
                self.db.execute(
                    "UPDATE queue SET attempts = attempts + ? WHERE url = ?", (attempts, url)
                )

    def _set_state(self, url: str, state: str, status: int | None, error: str | None) -> None:
        self.db.execute(
            "UPDATE queue SET state = ?, status = ?, error = ?, updated_at = datetime('now'), "
            "run = ? WHERE url = ?",
            (state, status, error, self.run, url),
        )

    def state(self, url: str) -> str | None:
        row = self.db.execute("SELECT state FROM queue WHERE url = ?", (url,)).fetchone()
        return row[0] if row else None

    def meta(self, url: str) -> str | None:
        row = self.db.execute("SELECT meta FROM queue WHERE url = ?", (url,)).fetchone()
        return row[0] if row else None

    # --- CDX answers, kept so that a rerun does not ask again ---------------------------------
    def cdx_get(self, query: str) -> bytes | None:
        row = self.db.execute("SELECT body FROM cdx_cache WHERE query = ?", (query,)).fetchone()
        return bytes(row[0]) if row else None

    @_writes
    def cdx_put(self, query: str, body: bytes) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO cdx_cache(query, body) VALUES (?, ?)", (query, body)
        )

    # --- WARC files ---------------------------------------------------------------------------
    @_writes
    def open_warc(self, name: str) -> None:
        self.db.execute("INSERT OR IGNORE INTO warc_files(name, closed) VALUES (?, 0)", (name,))

    @_writes
    def close_warc(self, name: str, fixity: Fixity | None) -> None:
        """Mark `name` closed, with what it then held (None: the file is gone)."""
        sums = (fixity.sha256, fixity.size, fixity.blocks) if fixity else (None, None, None)
        self.db.execute(
            "UPDATE warc_files SET closed = 1, sha256 = ?, size = ?, blocks = ? WHERE name = ?",
            (*sums, name),
        )

    def fixities(self) -> dict[str, Fixity]:
        """What each closed WARC file held when it was closed (files closed before this
        was kept have none)."""
        rows = self.db.execute(
            "SELECT name, sha256, size, blocks FROM warc_files "
            "WHERE closed = 1 AND sha256 IS NOT NULL"
        )
        return {r[0]: Fixity(r[1], r[2], bytes(r[3])) for r in rows}

    def unclosed_warcs(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT name FROM warc_files WHERE closed = 0")]
