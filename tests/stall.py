"""Run `jparchive` with one function made to stall first in a C call that checks no
signal (an endless SQLite query), as a long zlib, Arrow or SQLite step would:

    python -m tests.stall pipeline.archive.verify:_audit_warc verify --data data

"STALLED" goes to stderr when the stall starts, so that a test knows the command is
inside that phase when it sends its signal. The command must still stop within 2 s.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import sqlite3
import sys
from typing import Any

ENDLESS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT max(x) FROM c"


def stall() -> None:
    sys.stderr.write("STALLED\n")
    sys.stderr.flush()
    sqlite3.connect(":memory:").execute(ENDLESS).fetchone()


def stalled(real: Any) -> Any:
    """`real`, stalling before it does anything (a coroutine stalls the event loop)."""
    if inspect.iscoroutinefunction(real):

        @functools.wraps(real)
        async def coroutine(*args: Any, **kwargs: Any) -> Any:
            stall()
            return await real(*args, **kwargs)

        return coroutine
    if inspect.isgeneratorfunction(real):

        @functools.wraps(real)
        def generator(*args: Any, **kwargs: Any) -> Any:
            stall()
            yield from real(*args, **kwargs)

        return generator

    @functools.wraps(real)
    def plain(*args: Any, **kwargs: Any) -> Any:
        stall()
        return real(*args, **kwargs)

    return plain


def patch(target: str) -> None:
    module_name, _, path = target.partition(":")
    owner: Any = importlib.import_module(module_name)
    *parents, name = path.split(".")
    for part in parents:
        owner = getattr(owner, part)
    setattr(owner, name, stalled(getattr(owner, name)))


if __name__ == "__main__":
    patch(sys.argv[1])
    from pipeline.cli import main

    main(sys.argv[2:], prog_name="jparchive")
