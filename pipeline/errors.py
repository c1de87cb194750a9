"""Every error jparchive raises on purpose, in one hierarchy.

    ArchiveError                  anything the CLI reports as "Error: <Type>: <message>"
    ├── ConfigError               bad flags, bad ID spec, unreadable input file (exit 2)
    │   └── LockHeld              another process is writing under the same data root
    ├── FetchError                one URL could not be fetched (recorded as a failure)
    │   ├── RetriesExhausted      retryable failures until the retry budget ran out
    │   ├── RedirectRefused       a redirect loop or a redirect off the allowed hosts
    │   └── RobotsDisallowed      robots.txt forbids the URL
    ├── RateLimited               the server kept answering 429/503: the run stopped (exit 3)
    ├── StoreError                the WARC files or the index cannot be read or written
    └── BuildError                the archive cannot be turned into tables

    Interrupted (a BaseException, like KeyboardInterrupt): Ctrl-C or SIGTERM; the run
    stopped cleanly and the CLI exits 128 + the signal's number (130, 143)

Messages say what failed, where, and what to do next.
"""

from __future__ import annotations

import signal


class ArchiveError(Exception):
    """Base of every expected jparchive error."""


class ConfigError(ArchiveError):
    """A flag, setting or input file is wrong; nothing was done."""


class LockHeld(ConfigError):
    """Another process holds the data root's writer lock; nothing was done."""


class FetchError(ArchiveError):
    """A URL could not be fetched."""

    def __init__(self, url: str, message: str) -> None:
        super().__init__(f"GET {url} {message}")
        self.url = url


class RetriesExhausted(FetchError):
    pass


class RedirectRefused(FetchError):
    pass


class RobotsDisallowed(FetchError):
    pass


class RateLimited(ArchiveError):
    """The server asked us to slow down for too long; the crawl state is saved."""


class StoreError(ArchiveError):
    """The archive on disk (WARC files, index) is unreadable or unwritable."""


class BuildError(ArchiveError):
    """The tables could not be built."""


class Interrupted(BaseException):
    """Ctrl-C (SIGINT) or SIGTERM: stop cleanly, keep what is done, say how to resume."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum
