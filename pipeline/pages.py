"""`jparchive parse`: read pages from files or URLs and give their records as dicts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from parsers import ActivityRecord, parse_activity
from pipeline import __version__
from pipeline.errors import ConfigError, FetchError


def _read(source: str) -> tuple[bytes, str | None, str | None]:
    """(body, url, content type) of a file path or an http(s) URL."""
    if source.startswith(("http://", "https://")):
        try:
            resp = httpx.get(source, headers={"User-Agent": f"jparchive/{__version__}"}, timeout=30)
        except httpx.HTTPError as exc:
            raise FetchError(source, f"failed: {exc}") from exc
        if resp.status_code != 200:
            raise FetchError(source, f"answered HTTP {resp.status_code}")
        return resp.content, source, resp.headers.get("content-type")
    path = Path(source)
    try:
        return path.read_bytes(), None, None
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from exc


def parse_sources(sources: tuple[str, ...] | list[str]) -> Iterator[dict[str, Any]]:
    """One dict per source: the record's JSON form, or {"source", "not_an_activity"}."""
    for source in sources:
        body, url, content_type = _read(source)
        parsed = parse_activity(body, url, content_type)
        if isinstance(parsed, ActivityRecord):
            yield parsed.to_dict()
        else:
            yield {
                "source": source,
                "activity_id": parsed.activity_id,
                "not_an_activity": parsed.reason,
            }
