"""What every parser returns beside its record: the values it saw but could not read."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ParseIssue:
    """A value that was on the page but could not be read."""

    field: str
    message: str
    raw: str
