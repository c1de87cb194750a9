"""Documents read in a child process with a time and a memory limit.

    with Sandbox(seconds=30, memory=1 << 30) as sandbox:
        found = sandbox.read(data, "application/pdf", url)   # an Extracted, never raises

A hostile or broken file (a PDF bomb, an endless object stream, a zip bomb, a reader's
crash) costs at most `seconds` of wall time and `memory` bytes of address space, and
becomes `extraction = "none: ..."` with the reason; the child is then killed and a new
one started for the next document.

The child is `python -m pipeline.documents.child MEMORY` (not `multiprocessing`, whose
spawn re-imports the caller's main module and whose fork copies a threaded process).
It limits its own address space, ignores Ctrl-C (the parent stops, and kills it) and dies
with its parent on Linux, so a build stopped any way leaves no reader behind. Each
request is a JSON line (type, URL, OCR, size) and the document's bytes; each answer is
one JSON line.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import subprocess
import sys
import time
from typing import IO

from pipeline.documents.read import Extracted

SECONDS = 30.0  # wall time for one document (OCR: OCR_SECONDS)
OCR_SECONDS = 300.0
MEMORY = 1024 * 1024 * 1024  # address space of the reading process (and the tools it runs)
MAX_ANSWER = 64 * 1024 * 1024  # an answer line's bytes at most (text is cut well before)


class Sandbox:
    """One reading child at a time, restarted after a document it could not finish."""

    def __init__(self, seconds: float = SECONDS, memory: int = MEMORY, ocr: bool = False) -> None:
        self.seconds, self.memory, self.ocr = seconds, memory, ocr
        self._child: subprocess.Popen[bytes] | None = None
        self._buffer = b""
        self.restarts = 0  # children killed or dead (a document over a limit)

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self) -> subprocess.Popen[bytes]:
        if self._child is None or self._child.poll() is not None:
            self.close()
            command = [sys.executable, "-m", "pipeline.documents.child", str(self.memory)]
            # a reader's warnings are not errors there, whatever the caller's settings
            env = {**os.environ, "PYTHONWARNINGS": "ignore"}
            self._child = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL, env=env,
            )  # fmt: skip
        return self._child

    def read(self, data: bytes, content_type: str | None, url: str) -> Extracted:
        """The document's text, or `none: <why>` when it cannot be read within the limits."""
        child = self._start()
        assert child.stdin is not None and child.stdout is not None
        head = {"content_type": content_type, "url": url, "ocr": self.ocr, "size": len(data)}
        try:
            child.stdin.write(json.dumps(head).encode() + b"\n" + data)
            child.stdin.flush()
            line = self._answer(child.stdout, time.monotonic() + self.seconds)
        except (BrokenPipeError, OSError):
            line = None
        if line is None or not line.endswith(b"\n"):
            return self._failed(child, timed_out=line is None)
        return Extracted(**json.loads(line))

    def _answer(self, out: IO[bytes], deadline: float) -> bytes | None:
        """The child's answer line; b"" when it ended first; None when time ran out."""
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([out], [], [], left)[0]:
                return None
            chunk = os.read(out.fileno(), 1 << 20)
            if not chunk or len(self._buffer) > MAX_ANSWER:
                return b""
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line + b"\n"

    def _failed(self, child: subprocess.Popen[bytes], timed_out: bool) -> Extracted:
        self.restarts += 1
        if timed_out:
            self.close()
            return Extracted(f"none: took over {self.seconds:g} s to read (stopped)")
        code = child.wait(timeout=5)
        self.close()
        why = f"signal {-code}" if code < 0 else f"exit {code}"
        size = f"{self.memory:,}"
        return Extracted(f"none: the reader died ({why}): over {size} bytes, or it crashed")

    def close(self) -> None:
        child, self._child, self._buffer = self._child, None, b""
        if child is None:
            return
        if child.poll() is None:
            child.kill()
        with contextlib.suppress(OSError, ValueError):
            if child.stdin is not None:
                child.stdin.close()
        if child.stdout is not None:
            child.stdout.close()
        child.wait()
