"""Page history: each activity's parsed versions over its captures, and what changed.

The captures of an activity (markup only: a text rendering has lost the links, so it
would differ by what it cannot show) are taken in time order; consecutive captures whose
records say the same thing are one version, so reformatting (white space, markup) makes
no version. Between consecutive versions every field that differs is a change; lists
are compared as sets ("a country added", not "the order changed").

Like is compared with like: a view that hides the synopsis (`Countries.asp?ID=n`
without `&ActSyn=True`) says nothing of it, so its synopsis fields are taken as the
capture nearest in time that shows them says, and it never reads as the synopsis
removed. A version's `captures` counts each payload digest once: a page
fetched again after a kill, or archived again as a revisit, is one capture.

Pure: records and capture times in, rows out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from parsers import FIELD_NAMES, ActivityRecord, CountryEntry
from pipeline.urls import shows_synopsis

# Not what the page says: where it was read from, and what could not be read.
_IGNORED = {"url", "issues", "activity_id"}
COMPARED = tuple(f for f in FIELD_NAMES if f not in _IGNORED)
# What the synopsis part shows, and a view without it does not.
SYNOPSIS_FIELDS = (
    "objectives", "results", "follow_up", "participants", "experts", "secretariat",
    "participants_total", "synopsis_last_modified",
)  # fmt: skip
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
    digests: set[str] = field(default_factory=set)


def hides_synopsis(record: ActivityRecord, url: str) -> bool:
    """The capture is a view that hid the synopsis (and so says nothing of it)."""
    empty = all(getattr(record, f) in (None, ()) for f in SYNOPSIS_FIELDS)
    return empty and record.has_synopsis is not False and not shows_synopsis(url)


Seen = tuple[datetime, int, str, ActivityRecord, bool]  # time, capture id, digest, record, hid


def _contents(seen: list[Seen]) -> list[dict[str, Any]]:
    """Each capture's comparable fields, those of a view that hid the synopsis taken
    from the capture nearest in time that shows them (the earlier one on a tie): a
    harvest takes both views of a page seconds apart, in either order."""
    contents = [{f: _comparable(getattr(s[3], f)) for f in COMPARED} for s in seen]
    shown = [n for n, s in enumerate(seen) if not s[4]]
    for n, entry in enumerate(seen):
        if entry[4] and shown:
            source = min(shown, key=lambda m: (abs(seen[m][0] - entry[0]), m > n))
            contents[n].update({f: contents[source][f] for f in SYNOPSIS_FIELDS})
    return contents


def versions(seen: list[Seen]) -> list[_Version]:
    """The versions of one activity from its (time, capture id, digest, record, hid)
    captures."""
    ordered = sorted(seen, key=lambda s: (s[0], s[1]))
    out: list[_Version] = []
    for (when, capture_id, digest, _, _), content in zip(ordered, _contents(ordered), strict=True):
        if out and out[-1].content == content:
            out[-1].last = when
            out[-1].capture_ids.append(capture_id)
            out[-1].digests.add(digest)
            continue
        out.append(_Version(content, when, when, [capture_id], digest, {digest}))
    return out


def history_rows(
    activity_id: int, seen: list[Seen]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(`activity_versions` rows, `field_changes` rows) of one activity."""
    found = versions(seen)
    version_rows = [
        {"activity_id": activity_id, "version": n, "first_seen": v.first, "last_seen": v.last,
         "captures": len(v.digests), "capture_ids": "; ".join(map(str, v.capture_ids)),
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
