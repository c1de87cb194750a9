"""Page history: each activity's parsed versions over its captures, and what changed.

The captures of an activity (markup only: a text rendering has lost the links, so it
would differ by what it cannot show) are taken in time order; consecutive captures whose
records say the same thing are one version, so reformatting (white space, markup) makes
no version. Between consecutive versions every field that differs is a change; lists
are compared as sets ("a country added", not "the order changed").

Pure: records and capture times in, rows out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from parsers import FIELD_NAMES, ActivityRecord, CountryEntry

# Not what the page says: where it was read from, and what could not be read.
_IGNORED = {"url", "issues", "activity_id"}
COMPARED = tuple(f for f in FIELD_NAMES if f not in _IGNORED)
_ISO = "%Y-%m-%dT%H:%M:%SZ"


def _comparable(value: Any) -> Any:
    if isinstance(value, tuple):
        return frozenset(_item(v) for v in value)
    return value


def _item(value: Any) -> str:
    if isinstance(value, CountryEntry):  # "CoE Members: Serbia"
        return f"{value.group}: {value.name}" if value.group else value.name
    return str(value)


def _text(value: Any) -> str | None:
    """A value as the tables show it: lists as sorted '; '-joined items."""
    if value is None:
        return None
    if isinstance(value, frozenset):
        return "; ".join(sorted(value))
    return str(value)


@dataclass(slots=True)
class _Version:
    content: dict[str, Any]
    first: datetime
    last: datetime
    capture_ids: list[int] = field(default_factory=list)
    digest: str = ""


def versions(
    seen: list[tuple[datetime, int, str, ActivityRecord]],
) -> list[_Version]:
    """The versions of one activity from its (time, capture id, digest, record) captures."""
    out: list[_Version] = []
    for when, capture_id, digest, record in sorted(seen, key=lambda s: (s[0], s[1])):
        content = {f: _comparable(getattr(record, f)) for f in COMPARED}
        if out and out[-1].content == content:
            out[-1].last = when
            out[-1].capture_ids.append(capture_id)
            continue
        out.append(_Version(content, when, when, [capture_id], digest))
    return out


def history_rows(
    activity_id: int, seen: list[tuple[datetime, int, str, ActivityRecord]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(`activity_versions` rows, `field_changes` rows) of one activity."""
    found = versions(seen)
    version_rows = [
        {"activity_id": activity_id, "version": n, "first_seen": v.first, "last_seen": v.last,
         "captures": len(v.capture_ids), "capture_ids": "; ".join(map(str, v.capture_ids)),
         "payload_digest": v.digest}
        for n, v in enumerate(found, 1)
    ]  # fmt: skip
    changes = []
    for n in range(1, len(found)):
        old, new = found[n - 1], found[n]
        for name in COMPARED:
            if old.content[name] != new.content[name]:
                changes.append({
                    "activity_id": activity_id, "field": name,
                    "old_value": _text(old.content[name]), "new_value": _text(new.content[name]),
                    "from_version": n, "to_version": n + 1,
                    "changed_after": old.last, "changed_by": new.first,
                    "changed_between": f"{old.last:{_ISO}}/{new.first:{_ISO}}",
                })  # fmt: skip
    return version_rows, changes
