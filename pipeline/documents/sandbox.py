"""Documents read in a child process with a time and a memory limit.

    with Sandbox(seconds=30, memory=1 << 30) as sandbox:
        found = sandbox.read(data, "application/pdf", url)   # an Extracted, never raises

A hostile or broken file (a PDF bomb, an endless object stream, a zip bomb, a reader's
crash) costs at most `seconds` of wall time and `memory` bytes of address space, and
becomes `extraction = "none: ..."` with the reason; the child is then killed and a new
one started for the next document. The child ignores Ctrl-C (the parent stops, and kills
it) and dies with its parent on Linux, so a build stopped any way leaves no reader behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import resource
import signal
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from pipeline.documents.read import Extracted, read_document

SECONDS = 30.0  # wall time for one document (OCR: OCR_SECONDS)
OCR_SECONDS = 300.0
MEMORY = 1024 * 1024 * 1024  # address space of the reading process (and the tools it runs)
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _serve(conn: Connection, memory: int) -> None:
    """The child: read documents from `conn` until it closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    while True:
        try:
            data, content_type, url, ocr = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(read_document(data, content_type, url, ocr))


class Sandbox:
    """One reading child at a time, restarted after a document it could not finish."""

    def __init__(self, seconds: float = SECONDS, memory: int = MEMORY, ocr: bool = False) -> None:
        self.seconds, self.memory, self.ocr = seconds, memory, ocr
        self._context = multiprocessing.get_context("spawn")
        self._child: BaseProcess | None = None
        self._conn: Connection | None = None
        self.restarts = 0

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self) -> Connection:
        if self._conn is None or self._child is None or not self._child.is_alive():
            self.close()
            ours, theirs = self._context.Pipe()
            self._child = self._context.Process(
                target=_serve, args=(theirs, self.memory), daemon=True, name="jparchive-reader"
            )
            self._child.start()
            theirs.close()
            self._conn = ours
        return self._conn

    def read(self, data: bytes, content_type: str | None, url: str) -> Extracted:
        """The document's text, or `none: <why>` when it cannot be read within the limits."""
        conn = self._start()
        try:
            conn.send((data, content_type, url, self.ocr))
            if not conn.poll(self.seconds):
                self.close()
                self.restarts += 1
                return Extracted(f"none: took over {self.seconds:g} s to read (stopped)")
            found: Extracted = conn.recv()
            return found
        except (EOFError, OSError):  # the child died: the memory limit, or a reader crashed
            code = self._child.exitcode if self._child is not None else None
            self.close()
            self.restarts += 1
            why = "out of memory or crashed" if code is None or code < 0 else f"exit {code}"
            return Extracted(f"none: the reader died ({why}) within {self.memory:,} bytes")

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._child is not None:
            if self._child.is_alive():
                self._child.kill()
            self._child.join(timeout=2)
            self._child = None
