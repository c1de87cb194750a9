"""How the Wayback Machine answers a replay, read as what it is: pure functions, no I/O.

An `id_` replay answers with the Archive's own headers (`Server: nginx`, `Cache-Control`,
...), the capture's original ones prefixed `x-archive-orig-`, and `Memento-Datetime` when
the answer is an archived response (an archived 404 or 302 is a real capture of the
site). Without `Memento-Datetime` it is the Archive's own answer: a redirect to the
nearest capture (`x-archive-redirect-reason: found capture at <ts>`), or a capture that
cannot be replayed.

    site_headers([("Server", "nginx"), ("x-archive-orig-server", "Microsoft-IIS/6.0")], b"")
    # [("server", "Microsoft-IIS/6.0"), ("X-Archive-Server", "nginx")]
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from pipeline.sources.cdx import timestamp_time

ORIG = "x-archive-orig-"
REPLAY = re.compile(r"/web/(\d{8,14})id_/(.+)$")
# Framing of the original answer that the stored body may no longer have.
_FRAMING = ("content-length", "transfer-encoding", "content-encoding")


def header(headers: list[tuple[str, str]], name: str) -> str | None:
    name = name.lower()
    return next((v for k, v in headers if k.lower() == name), None)


def is_memento(headers: list[tuple[str, str]]) -> bool:
    """Whether the answer is an archived response (it says when it was captured)."""
    return header(headers, "memento-datetime") is not None


def memento_time(headers: list[tuple[str, str]]) -> datetime | None:
    """The capture's own time, from `Memento-Datetime` (an HTTP date), or None."""
    value = header(headers, "memento-datetime")
    try:
        moment = parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        return None
    return moment.astimezone(UTC) if moment is not None and moment.tzinfo else moment


def site_headers(headers: list[tuple[str, str]], body: bytes) -> list[tuple[str, str]]:
    """The headers as the site sent them, then the Archive's own under `X-Archive-`.

    `x-archive-orig-` is taken off the originals; Content-Type passes through as it was
    captured. Original framing that no longer describes the body held (a length that
    differs, chunking undone, gzip served decoded) is kept as `X-Archive-Orig-<name>`.
    An answer with no `x-archive-orig-` header at all is kept as it came.
    """
    if not any(k.lower().startswith(ORIG) for k, _ in headers):
        return headers
    site: list[tuple[str, str]] = []
    archive: list[tuple[str, str]] = []
    for name, value in headers:
        lower = name.lower()
        if lower.startswith(ORIG):
            site.append(_framing(name[len(ORIG) :], value, body))
        elif lower == "content-type":
            site.append((name, value))
        elif lower.startswith("x-archive-"):
            archive.append((name, value))
        elif lower not in _FRAMING:  # the Archive's own framing describes its transfer only
            archive.append((f"X-Archive-{name}", value))
    if header(site, "content-length") is None:
        site.append(("Content-Length", str(len(body))))
    return site + archive


def _framing(name: str, value: str, body: bytes) -> tuple[str, str]:
    lower = name.lower()
    stale = (
        (lower == "content-length" and value.strip() != str(len(body)))
        or lower == "transfer-encoding"
        or (lower == "content-encoding" and "gzip" in value.lower() and body[:2] != b"\x1f\x8b")
    )
    return (f"X-Archive-Orig-{name}", value) if stale else (name, value)


def replay_parts(url: str) -> tuple[str, str] | None:
    """(timestamp, original URL) of an `id_` replay address, or None."""
    parts = urlsplit(url)
    m = REPLAY.search(parts.path + (f"?{parts.query}" if parts.query else ""))
    return (m.group(1), m.group(2)) if m else None


def nearest_problem(
    url: str, headers: list[tuple[str, str]], target: str, window: timedelta
) -> str | None:
    """Why a redirect from the replay `url` to `target` is not to be followed, or None.

    Followed: the Archive's own redirect (no Memento-Datetime) to another capture of the
    same page within `window`. An archived redirect is the site's, kept as it is."""
    if is_memento(headers):
        return "an archived redirect of the site: kept as the capture it is"
    here, there = replay_parts(url), replay_parts(target)
    if here is None or there is None or _bare(here[1]) != _bare(there[1]):
        return f"the Archive redirects to {target}, not to a capture of the same page"
    gap = abs(timestamp_time(there[0]) - timestamp_time(here[0]))
    if gap > window:
        return f"the nearest capture, {there[0]}, is {gap} from {here[0]}: over the window"
    return None


def _bare(url: str) -> str:
    """A URL without scheme and `www.`: the Archive may redirect between those forms."""
    rest = url.split("://", 1)[-1]
    return rest[4:] if rest.lower().startswith("www.") else rest
