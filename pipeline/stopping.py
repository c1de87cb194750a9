"""Ctrl-C and SIGTERM: every command stops within two seconds, whatever it is doing.

    handle_stop_signals()            # once, as a command starts (the CLI does it)
    with graceful_stop(callback):    # a phase that stops more gently than by an exception
        ...

The first signal asks for a clean stop: `Interrupted` is raised in the main thread, or,
inside `graceful_stop`, the phase's callback is called instead (the harvest cancels its
workers, puts their items back in the queue and closes its WARC file). Either can be
held up: Python runs a signal handler only when the main thread comes back to Python,
and it may be inside one long C call (SQLite, zlib, Arrow) that checks no signal, or an
event loop may be busy with synchronous work and never run the callback. So the signal
also reaches a watchdog thread, through the wakeup file descriptor that the C-level
handler writes to at once (`signal.set_wakeup_fd`), and the watchdog ends the process
with the same exit code (128 + the signal's number: 130, 143) when it is still running
`GRACE` seconds later. That hard stop is as safe as a SIGKILL, which the archive is built and
tested to survive: every record is fsynced before the index names it, a torn tail is cut
off by the next run, a half-built table folder is never swapped in, and the writer lock
is the kernel's. Later signals change nothing: the watchdog is already running.

Signal handlers belong to the process, so this module keeps the one piece of state
there is: the stop under way, if any.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator

from pipeline.errors import Interrupted

GRACE = 1.2  # seconds a clean stop may take before the watchdog ends the process
SIGNALS = (signal.SIGINT, signal.SIGTERM)


class _Stop:
    """The stop under way (one per process): the first signal, and who says it."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self.handled = False  # the clean stop has begun
        self.callback: Callable[[int], object] | None = None
        self.said = threading.Event()  # the command printed its own "interrupted" line
        self.wakeup: socket.socket | None = None  # the watchdog's end of the wakeup fd
        self.writer: socket.socket | None = None  # the end the C-level handler writes to
        self.lock = threading.RLock()  # a second signal may come inside the first's handler
        # what the "interrupted" line says came of the stop; a command may say otherwise
        self.outcome = "nothing done so far is lost; rerun the same command"


_STOP = _Stop()


def message(signum: int) -> str:
    name = signal.Signals(signum).name
    return f"interrupted ({name}): {_STOP.outcome}"


def on_stop_say(outcome: str) -> None:
    """What the "interrupted" line says of a stop of this command (a web app that writes
    nothing has nothing to resume)."""
    _STOP.outcome = outcome


def said() -> None:
    """The command has told the user it was interrupted: the watchdog need not."""
    _STOP.said.set()


def _watch(wakeup: socket.socket) -> None:
    """Wait for a stop signal's number on the wakeup socket, then give the clean stop
    `GRACE` seconds."""
    while True:
        try:
            data = wakeup.recv(64)
        except OSError:
            return
        if not data:
            return
        signum = next((n for n in data if n in SIGNALS), None)
        if signum is not None:
            with _STOP.lock:
                _STOP.signum = first = _STOP.signum or signum
            _expire(first, GRACE)


def _expire(signum: int, grace: float) -> None:
    time.sleep(grace)
    if not _STOP.said.is_set():
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.write(message(signum) + "\n")
            sys.stderr.flush()
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.flush()
    os._exit(128 + signum)


def _on_signal(signum: int, frame: object) -> None:
    with _STOP.lock:
        if _STOP.handled:
            return  # a second Ctrl-C: the stop is under way, and the watchdog keeps time
        _STOP.handled = True
        _STOP.signum = _STOP.signum or signum
    if _STOP.callback is not None:
        _STOP.callback(signum)
        return
    raise Interrupted(signum)


def handle_stop_signals() -> None:
    """Handle SIGINT and SIGTERM in this process as the module docstring says (from the
    main thread; elsewhere signals are not ours to handle and nothing is done)."""
    if threading.current_thread() is not threading.main_thread() or _STOP.wakeup is not None:
        return
    for signum in SIGNALS:
        signal.signal(signum, _on_signal)
    _STOP.wakeup, writer = socket.socketpair()
    writer.setblocking(False)  # as set_wakeup_fd requires
    signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    _STOP.writer = writer
    threading.Thread(target=_watch, args=(_STOP.wakeup,), daemon=True, name="stop").start()


@contextlib.contextmanager
def graceful_stop(callback: Callable[[int], object]) -> Iterator[None]:
    """Within the block, a stop signal calls `callback(signum)` (from the main thread,
    between two Python steps) instead of raising; the watchdog, if a command armed it,
    runs all the same. Called from Python (a notebook), the block handles the signals
    itself and gives them back after, with no watchdog."""
    main = threading.current_thread() is threading.main_thread()
    borrowed = {s: signal.getsignal(s) for s in SIGNALS} if main else {}
    borrowed = {s: h for s, h in borrowed.items() if h is not _on_signal}
    for signum in borrowed:
        signal.signal(signum, _on_signal)
    previous, _STOP.callback = _STOP.callback, callback
    try:
        yield
    finally:
        _STOP.callback = previous
        for signum, handler in borrowed.items():
            signal.signal(signum, handler)
        if borrowed:  # a caller from Python may run again after a stop
            _STOP.signum, _STOP.handled = None, False


def stop_requested() -> int | None:
    """The signal that asked for a stop, if one has."""
    return _STOP.signum
