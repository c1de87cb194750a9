"""Activity IDs and the site's URLs: ID specs, canonical forms, and which page a URL is.

The same activity is reachable as `Countries.asp?ID=n`, `...&ActSyn=True`,
`JP/Default.asp?ID=n` and any of those with `PrintVersion=True`: one activity, fetched
once, as `CEAD/Countries.asp?ID=n&ActSyn=True`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from pipeline.errors import ConfigError

MAX_IDS = 1_000_000
_RANGE = re.compile(r"^(\d+)\s*-\s*(\d+)$")


def parse_id_spec(spec: str, *, base_dir: Path | None = None) -> list[int]:
    """IDs from `15000-15010,18356,@ids.txt` (files: one spec per line, # comments).

    >>> parse_id_spec("3-5,1,4")
    [1, 3, 4, 5]
    """
    ids: set[int] = set()
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        if part.startswith("@"):
            path = (base_dir or Path.cwd()) / part[1:]
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                raise ConfigError(f"--ids: cannot read {path}: {exc.strerror}") from exc
            for line in lines:
                line = line.split("#", 1)[0].strip()
                if line:
                    ids.update(parse_id_spec(line, base_dir=path.parent))
        elif m := _RANGE.match(part):
            first, last = int(m.group(1)), int(m.group(2))
            if last < first:
                raise ConfigError(f"--ids: range {part!r} runs backwards; write {last}-{first}")
            if last - first >= MAX_IDS:
                raise ConfigError(f"--ids: range {part!r} is over {MAX_IDS:,} IDs")
            ids.update(range(first, last + 1))
        elif part.isdigit():
            ids.add(int(part))
        else:
            raise ConfigError(f"--ids: {part!r} is not an ID, a range like 15000-15100 or @file")
    if not ids:
        raise ConfigError(f"--ids: {spec!r} names no IDs")
    return sorted(ids)


@dataclass(frozen=True, slots=True)
class PageRef:
    """What a site URL points at: an activity, a logframe, or another page."""

    kind: str  # "activity", "logframe", "listing", "other"
    number: int | None = None


def classify(url: str) -> PageRef:
    """Which page of the site a URL is, whatever its variant.

    >>> classify("http://www.jp.coe.int/CEAD/JP/Default.asp?ID=18356&PrintVersion=True")
    PageRef(kind='activity', number=18356)
    """
    parts = urlsplit(url)
    path = parts.path.lower()
    query = {k.lower(): v for k, v in parse_qsl(parts.query)}
    if (
        path.endswith(("/cead/countries.asp", "/cead/jp/default.asp"))
        and query.get("id", "").isdigit()
    ):
        return PageRef("activity", int(query["id"]))
    if path.endswith("/cead/jp/default.asp") and query.get("transid", "").isdigit():
        return PageRef("logframe", int(query["transid"]))
    if path.endswith(("/cead/countries.asp", "/cead/programmes.asp", "/cead/default.asp")):
        return PageRef("listing")
    return PageRef("other")


def activity_url(base_url: str, activity_id: int) -> str:
    """The canonical URL of an activity under `base_url` (the site root)."""
    return f"{base_url.rstrip('/')}/CEAD/Countries.asp?ID={activity_id}&ActSyn=True"


def logframe_url(base_url: str, trans_id: int) -> str:
    return f"{base_url.rstrip('/')}/CEAD/JP/Default.asp?TransID={trans_id}"


def canonical_url(base_url: str, url: str) -> str | None:
    """The one URL fetched for whatever `url` shows; None for pages not harvested."""
    ref = classify(url)
    if ref.kind == "activity" and ref.number is not None:
        return activity_url(base_url, ref.number)
    if ref.kind == "logframe" and ref.number is not None:
        return logframe_url(base_url, ref.number)
    return None
