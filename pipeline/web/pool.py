"""The researchers' pages read the database on threads of their own, apart from the
ones Datasette runs its SQL page on: three hostile queries on `/data/` (each stopped
after its time limit, but holding a thread until then) never make `/activity/<id>` wait.

Every connection, ours and Datasette's, is bounded: no string or blob over
`MAX_VALUE_BYTES` (`printf('%.*c', 1000000000, 'x')` and `randomblob(1000000000)` fail
at once instead of taking seconds and gigabytes), and ours stop after `seconds`.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
# The longest value a query may make: the longest the tables hold is a document's text
# (5,000,000 characters, at most 20 MB of UTF-8).
MAX_VALUE_BYTES = 32 * 1024 * 1024
_CHECK_EVERY = 1000  # SQLite instructions between two looks at the clock


MAX_WIDTH = 100_000  # a printf() field wider (or more precise) than this is refused
_SPEC = re.compile(r"%[-+ 0#,!]*(\*|\d+)?(?:\.(\*|\d+))?(?:ll|l)?([a-zA-Z%])")
_plain = threading.local()  # each thread's in-memory connection with SQLite's own printf


def _printf(fmt: object, *args: object) -> str | bytes | int | float | None:
    """SQLite's printf()/format(), but a field over MAX_WIDTH wide is an error: SQLite
    formats `printf('%.*c', 1000000000, 'x')` for seconds before its length limit says
    no, and no time limit can stop one function call."""
    if isinstance(fmt, str):
        taken = 0
        for spec in _SPEC.finditer(fmt):
            for part in spec.group(1, 2):
                if part == "*":
                    value = args[taken] if taken < len(args) else 0
                    taken += 1
                    part = str(value) if isinstance(value, int) else "0"
                if part and abs(int(part)) > MAX_WIDTH:
                    # a value one byte over the length limit: SQLite answers "string or
                    # blob too big" at once (an exception raised here would say only
                    # "user-defined function raised exception")
                    return bytes(MAX_VALUE_BYTES + 1)
            if spec.group(3) != "%":
                taken += 1
    plain: sqlite3.Connection | None = getattr(_plain, "conn", None)
    if plain is None:
        plain = _plain.conn = sqlite3.connect(":memory:", check_same_thread=False)
    marks = ", ".join("?" for _ in range(len(args) + 1))
    found: str | None = plain.execute(f"SELECT printf({marks})", (fmt, *args)).fetchone()[0]
    return found


def bound(conn: sqlite3.Connection) -> None:
    """Cap what one query can make: no value over MAX_VALUE_BYTES, no printf() field
    over MAX_WIDTH characters."""
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    for name in ("printf", "format"):
        conn.create_function(name, -1, _printf, deterministic=True)


KEPT = 256  # answers of `facts` kept (the database is immutable: they stay true)


class PagePool:
    def __init__(self, db: Path, threads: int = 4, seconds: float = 10.0) -> None:
        self.db, self.seconds = db, seconds
        self.executor = ThreadPoolExecutor(threads, thread_name_prefix="jparchive-pages")
        self.local = threading.local()
        # the latest answers of `facts`, by database file, queries and parameters
        self.kept: OrderedDict[tuple[Any, ...], dict[str, list[dict[str, Any]]]] = OrderedDict()

    def connection(self) -> sqlite3.Connection:
        """This thread's connection, opened again when the file was replaced (a rebuild
        while serving swaps in a new database)."""
        target = self.db.resolve()
        held: tuple[Path, sqlite3.Connection] | None = getattr(self.local, "held", None)
        if held is not None and held[0] == target and target.exists():
            return held[1]
        if held is not None:
            held[1].close()
        conn = sqlite3.connect(f"{target.as_uri()}?immutable=1", uri=True,
                               check_same_thread=False)  # fmt: skip
        bound(conn)
        self.local.held = (target, conn)
        return conn

    def _call(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        conn = self.connection()
        deadline = time.monotonic() + self.seconds
        conn.set_progress_handler(lambda: int(time.monotonic() > deadline), _CHECK_EVERY)
        try:
            return fn(conn)
        finally:
            conn.set_progress_handler(None, 0)

    async def run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.executor, self._call, fn)

    async def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        return await self.run(lambda conn: _rows(conn, sql, params or {}))

    async def many(
        self, queries: dict[str, str], params: dict[str, Any]
    ) -> dict[str, list[dict[str, Any]]]:
        """Several queries in one trip to a thread (a page's dozen, not a dozen trips)."""
        return await self.run(lambda conn: {k: _rows(conn, q, params) for k, q in queries.items()})

    async def facts(
        self, queries: dict[str, str], params: dict[str, Any]
    ) -> dict[str, list[dict[str, Any]]]:
        """What `many` answers, kept for the next request that asks the same of the
        same database file (a page's counts, charts and lists: a big country's take
        tens of milliseconds to read, and a rebuild is a new file). Callers must not
        change the rows they get."""
        key = (self.db.resolve(), tuple(queries.items()), tuple(sorted(params.items())))
        found = self.kept.get(key)
        if found is None:
            found = await self.many(queries, params)
            self.kept[key] = found
            while len(self.kept) > KEPT:
                self.kept.popitem(last=False)
        else:
            self.kept.move_to_end(key)
        return found


def _rows(conn: sqlite3.Connection, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    cursor = conn.execute(sql, params)
    columns = [c[0] for c in cursor.description or ()]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
