"""An activity cited as the archived web page it is, in the three formats reference
managers read: CSL-JSON (Zotero, Pandoc, citeproc), BibTeX (biblatex `@online`) and RIS.

    items = [cited(row) for row in rows]     # rows of `activities` (CITED_COLUMNS)
    csl_json(items); bibtex(items); ris(items)

What a citation holds: the page's title; the Council of Europe as its author and
publisher; the Joint Programmes site as the container; the programme; the activity's
dates (as the event's) and the page's own date (its "Last Modified", when it says one);
the page's address on www.jp.coe.int (`original_url`); when it was captured (the access
date) and where the capture can be seen (a Wayback capture's address as the Archive shows
it; else the jparchive capture, by its payload digest). Nothing is made up: a field the
page does not give is left out (citeproc then writes "n.d.").

BibTeX is written by bibtexparser and RIS by rispy (their own quoting and tags); the
tests read each back with the same libraries and render the CSL-JSON with citeproc-py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import rispy
from bibtexparser.entrypoint import write_string
from bibtexparser.library import Library
from bibtexparser.model import Entry, Field

from pipeline.urls import citable

CITED_COLUMNS = ("activity_id", "title", "start_date", "end_date", "programme_code",
                 "programme_title", "location", "original_url", "captured_at", "source",
                 "source_url", "payload_digest", "last_modified")  # fmt: skip
AUTHOR = "Council of Europe"
CONTAINER = "Joint Programmes (www.jp.coe.int)"
FORMATS = ("csl-json", "bibtex", "ris")
_TEX = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%",
        "$": r"\$", "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\^{}"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Cited:
    """One activity's citation, whatever the format."""

    key: str  # "jp-activity-18356"
    activity_id: int
    title: str | None
    programme: str | None  # "PACO-Serbia: Project against economic crime"
    place: str | None
    start: date | None
    end: date | None
    issued: date | None  # the page's "Last Modified"
    url: str  # the page's address on the site
    captured: datetime
    archive: str  # "Internet Archive" or "jparchive"
    archived_at: str  # the capture's address, or "payload sha1:..."


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def cited(row: dict[str, Any]) -> Cited:
    """The citation of one `activities` row (its CITED_COLUMNS)."""
    wayback = citable(row["source_url"]) if row["source"] == "wayback" else None
    programme = row["programme_code"]
    if programme and row["programme_title"]:
        programme = f"{programme}: {row['programme_title']}"
    captured = row["captured_at"]
    if not isinstance(captured, datetime):
        captured = datetime.fromisoformat(str(captured).replace("Z", "+00:00"))
    return Cited(
        key=f"jp-activity-{row['activity_id']}", activity_id=int(row["activity_id"]),
        title=row["title"], programme=programme, place=row["location"],
        start=_day(row["start_date"]), end=_day(row["end_date"]),
        issued=_day(row["last_modified"]), url=row["original_url"], captured=captured,
        archive="Internet Archive" if wayback else "jparchive",
        archived_at=wayback or f"payload {row['payload_digest']}",
    )  # fmt: skip


def _parts(day: date) -> list[int]:
    return [day.year, day.month, day.day]


def _note(c: Cited) -> str:
    return (f"Joint Programmes activity {c.activity_id}; captured "
            f"{c.captured:%Y-%m-%d %H:%M} UTC; archived at {c.archived_at}")  # fmt: skip


def csl_item(c: Cited) -> dict[str, Any]:
    """CSL-JSON (CSL 1.0.2): a `webpage`, the activity's dates as its `event-date`."""
    item: dict[str, Any] = {
        "id": c.key, "type": "webpage", "title": c.title or f"Activity {c.activity_id}",
        "author": [{"literal": AUTHOR}], "publisher": AUTHOR, "container-title": CONTAINER,
        "URL": c.url, "accessed": {"date-parts": [_parts(c.captured.date())]},
        "archive": c.archive, "archive_location": c.archived_at, "note": _note(c),
    }  # fmt: skip
    if c.issued:
        item["issued"] = {"date-parts": [_parts(c.issued)]}
    if c.start:
        item["event-date"] = {"date-parts": [_parts(d) for d in (c.start, c.end) if d]}
    if c.programme:
        item["collection-title"] = c.programme
    if c.place:
        item["event-place"] = c.place
    return item


def csl_json(items: list[Cited]) -> str:
    return json.dumps([csl_item(c) for c in items], ensure_ascii=False, indent=1) + "\n"


def _span(start: date, end: date | None) -> str:
    """`2007-03-19/2007-03-21`, or one day alone."""
    return start.isoformat() + (f"/{end.isoformat()}" if end and end != start else "")


def _tex(text: str) -> str:
    return "".join(_TEX.get(ch, ch) for ch in text)


def bibtex(items: list[Cited]) -> str:
    """biblatex `@online` entries (with `year`/`month` too, for BibTeX's own styles)."""
    library = Library()
    for c in items:
        fields = {
            "author": f"{{{AUTHOR}}}",  # in braces: a body, not a person named Europe
            "title": _tex(c.title or f"Activity {c.activity_id}"),
            "organization": AUTHOR, "howpublished": CONTAINER, "url": c.url,
            "urldate": f"{c.captured:%Y-%m-%d}", "note": _tex(_note(c)),
        }  # fmt: skip
        if c.issued:
            fields.update(date=c.issued.isoformat(), year=str(c.issued.year),
                          month=str(c.issued.month))  # fmt: skip
        if c.start:
            fields["eventdate"] = _span(c.start, c.end)
        if c.programme:
            fields["series"] = _tex(c.programme)
        if c.place:
            fields["venue"] = _tex(c.place)
        entry = Entry("online", c.key, [Field(k, v) for k, v in fields.items()])
        library.add(entry)
    return str(write_string(library))  # its default: each value in braces


def ris(items: list[Cited]) -> str:
    """RIS `ELEC` (web page) records."""
    records = []
    for c in items:
        record: dict[str, Any] = {
            "type_of_reference": "ELEC", "id": c.key,
            "title": c.title or f"Activity {c.activity_id}", "authors": [AUTHOR],
            "publisher": AUTHOR, "secondary_title": CONTAINER, "urls": [c.url],
            "access_date": f"{c.captured:%Y/%m/%d}", "name_of_database": c.archive,
            "notes": [_note(c)],
        }  # fmt: skip
        if c.issued:
            record.update(date=f"{c.issued:%Y/%m/%d}", year=str(c.issued.year))
        if c.programme:
            record["tertiary_title"] = c.programme
        if c.place:
            record["place_published"] = c.place
        if c.start:
            record["custom1"] = _span(c.start, c.end)
        records.append(record)
    return str(rispy.dumps(records, implementation=_RisWriter))


class _RisWriter(rispy.RisWriter):  # type: ignore[misc]
    """rispy's writer without the "1." it puts before each record: RIS begins a record
    with its `TY` line."""

    def set_header(self, count: int) -> str | None:
        return None


def render(items: list[Cited], fmt: str) -> str:
    """The citations in `fmt` (one of FORMATS)."""
    return {"csl-json": csl_json, "bibtex": bibtex, "ris": ris}[fmt](items)
