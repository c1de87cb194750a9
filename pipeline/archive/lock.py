"""One writer per data root: an OS file lock on `DATA/jparchive.lock`.

Every command that writes (`harvest`, a WARC import, `build`) holds it for its whole run;
a second writer fails at once, naming the holder. It is an `flock`, so the kernel drops
it when the holder dies, SIGKILL included: a stale lock file never blocks anyone.
Readers (`sql`, `search`, `parse`, `verify`, `status`) never take it.

    with WriterLock(Path("data"), "jparchive harvest ..."):
        ...  # the only writer of data/
"""

from __future__ import annotations

import fcntl
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from pipeline.errors import LockHeld, StoreError

LOCK_NAME = "jparchive.lock"


def _describe(holder: dict[str, Any]) -> str:
    pid, command, since = holder.get("pid", "?"), holder.get("command", "?"), holder.get("since")
    return f"PID {pid} ({command})" + (f", since {since}" if since else "")


class WriterLock:
    """Held by the one process that writes under `data`. Use as a context manager."""

    def __init__(self, data: Path, command: str) -> None:
        self.path = data / LOCK_NAME
        self.command = command
        self._fh: IO[str] | None = None

    def __enter__(self) -> WriterLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def acquire(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fh = self.path.open("a+", encoding="utf-8")
        except OSError as exc:
            raise StoreError(f"cannot create the lock {self.path}: {exc.strerror}") from exc
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = read_holder(self.path) or {}
            fh.close()
            raise LockHeld(
                f"{self.path.parent} is being written by {_describe(holder)}; "
                "one writer at a time: wait for it to finish (or stop it), then rerun"
            ) from None
        fh.seek(0)
        fh.truncate()
        since = datetime.now(UTC).isoformat(timespec="seconds")
        fh.write(json.dumps({"pid": os.getpid(), "command": self.command, "since": since}))
        fh.flush()
        self._fh = fh

    def release(self) -> None:
        if self._fh is not None:
            self._fh.seek(0)
            self._fh.truncate()  # no holder named once it is free
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None


def read_holder(path: Path) -> dict[str, Any] | None:
    """What the lock file says of its holder (pid, command, since), or None."""
    try:
        text = path.read_text(encoding="utf-8").strip()
        holder = json.loads(text) if text else None
    except (OSError, ValueError):
        return None
    return holder if isinstance(holder, dict) else None


def holder(data: Path) -> dict[str, Any] | None:
    """The process writing under `data` now, or None when nobody holds the lock."""
    path = data / LOCK_NAME
    if not path.exists():
        return None
    with path.open("r", encoding="utf-8") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return read_holder(path) or {"pid": "?", "command": "?"}
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
    return None
