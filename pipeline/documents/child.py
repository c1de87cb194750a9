"""The sandbox's child: `python -m pipeline.documents.child MEMORY` reads documents from
its standard input (a JSON line, then the bytes) and answers each with a JSON line.

It limits its own address space to MEMORY bytes, ignores Ctrl-C (its parent stops, and
kills it) and asks Linux to kill it when its parent dies. Not imported by the package,
so that `-m` runs it fresh.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import resource
import signal
import sys
from dataclasses import asdict

from pipeline.documents.read import read_document

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _serve(memory: int) -> None:
    """The child: read documents from stdin until it closes; an answer line for each."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    source, sink = sys.stdin.buffer, sys.stdout.buffer
    while line := source.readline():
        head = json.loads(line)
        data = source.read(head["size"])
        found = read_document(data, head["content_type"], head["url"], head["ocr"])
        sink.write(json.dumps(asdict(found)).encode() + b"\n")
        sink.flush()


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
