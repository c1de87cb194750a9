"""Progress of long work: a rich bar on a terminal, plain periodic lines otherwise."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichProgress


class Progress:
    """Counts items done and failed; shows a bar (tty) or logs every `every` seconds."""

    def __init__(
        self,
        total: int,
        label: str,
        bar: bool | None = None,
        stream: TextIO | None = None,
        every: float = 10.0,
        failed: str = "errors",
    ) -> None:
        self.total, self.label, self.every, self.failed = total, label, every, failed
        self.stream = stream or sys.stderr
        self.bar = self.stream.isatty() if bar is None else bar
        self.done = self.errors = 0
        self._started = self._last_log = time.monotonic()
        self._rich: RichProgress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> Progress:
        if self.bar:
            self._rich = RichProgress(
                TextColumn(f"{self.label}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn(f"{{task.fields[rate]:.1f}}/s  {self.failed} {{task.fields[errors]}}"),
                TimeRemainingColumn(),
                console=Console(file=self.stream),
                transient=False,
            )
            self._rich.start()
            self._task = self._rich.add_task(self.label, total=self.total, rate=0.0, errors=0)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._rich is not None:
            self._rich.stop()  # log mode: the caller prints a summary next

    @property
    def rate(self) -> float:
        elapsed = time.monotonic() - self._started
        return self.done / elapsed if elapsed > 0 else 0.0

    def add(self, items: int) -> None:
        """More to do than first counted (the requisites a page turns out to load)."""
        self.total += items
        if self._rich is not None and self._task is not None:
            self._rich.update(self._task, total=self.total)

    def advance(self, ok: bool = True) -> None:
        self.done += 1
        self.errors += 0 if ok else 1
        if self._rich is not None and self._task is not None:
            self._rich.update(self._task, advance=1, rate=self.rate, errors=self.errors)
        elif time.monotonic() - self._last_log >= self.every:
            self._log()

    def _log(self) -> None:
        self._last_log = time.monotonic()
        left = (self.total - self.done) / self.rate if self.rate else 0.0
        print(
            f"{self.label}: {self.done}/{self.total} done, {self.errors} {self.failed}, "
            f"{self.rate:.1f}/s, ETA {int(left // 60)}:{int(left % 60):02d}",
            file=self.stream,
            flush=True,
        )
