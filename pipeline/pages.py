"""`jparchive parse`: read pages from files or URLs and give their records as dicts.

A logframe URL (any view) is read as a logframe; anything else as an activity page first
and, when it is none, as a logframe."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from parsers import ActivityRecord, LogframeRecord, parse_activity, parse_logframe
from parsers.limits import MAX_PAGE_BYTES as LIMIT
from pipeline import __version__
from pipeline.errors import ConfigError, FetchError
from pipeline.urls import LOGFRAME_KINDS, classify


def _read(source: str) -> tuple[bytes, str | None, str | None]:
    """(body, url, content type) of a file path or an http(s) URL."""
    if source.startswith(("http://", "https://")):
        headers = {"User-Agent": f"jparchive/{__version__}"}
        try:
            with httpx.stream("GET", source, headers=headers, timeout=30) as resp:
                if resp.status_code != 200:
                    raise FetchError(source, f"answered HTTP {resp.status_code}")
                body = _at_most(resp.iter_bytes(), LIMIT + 1)  # decoded, and bounded
                return body, source, resp.headers.get("content-type")
        except httpx.HTTPError as exc:
            raise FetchError(source, f"failed: {exc}") from exc
    path = Path(source)
    try:
        with path.open("rb") as fh:
            return fh.read(LIMIT + 1), None, None  # more than the parser takes is not read
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from exc


def _at_most(chunks: Iterator[bytes], limit: int) -> bytes:
    out: list[bytes] = []
    size = 0
    for chunk in chunks:
        out.append(chunk[: limit - size])
        size += len(out[-1])
        if size >= limit:
            break
    return b"".join(out)


def parse_sources(sources: tuple[str, ...] | list[str]) -> Iterator[dict[str, Any]]:
    """One dict per source: the record's JSON form (its `page_kind` says which), or
    {"source", "not_an_activity"} for a page that is neither."""
    for source in sources:
        body, url, content_type = _read(source)
        if url and classify(url).kind in LOGFRAME_KINDS:
            logframe = parse_logframe(body, url, content_type)
            if isinstance(logframe, LogframeRecord):
                yield logframe.to_dict()
                continue
        parsed = parse_activity(body, url, content_type)
        if isinstance(parsed, ActivityRecord):
            yield parsed.to_dict()
        elif isinstance(logframe := parse_logframe(body, url, content_type), LogframeRecord):
            yield logframe.to_dict()
        else:
            yield {
                "source": source,
                "activity_id": parsed.activity_id,
                "not_an_activity": parsed.reason,
            }
