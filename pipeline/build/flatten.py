"""Turn one parsed activity (and the capture it came from) into rows of each table.

Pure: records in, plain dicts out, keyed as in `pipeline.build.schemas`. Link-table rows are
de-duplicated on their table's key, so a page that repeats a name yields one row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from parsers import PARSER_VERSION, ActivityRecord
from parsers.countries import country_code
from pipeline.archive.index import Capture
from pipeline.urls import original_address

Row = dict[str, Any]
_PURPOSE_TAIL = re.compile(r"/\s*(\d+)\s*$")
LIST_FIELDS = frozenset(
    {
        "countries",
        "organisations",
        "contributors",
        "partners",
        "links",
        "experts",
        "secretariat",
        "issues",
    }
)


def purpose_key(code: str | None) -> int | None:
    """The numeric tail of a purpose code, the same on activity and logframe pages.

    >>> purpose_key("2010/DGHL/JP/2467"), purpose_key("2010/DG I/JP/2467")
    (2467, 2467)
    """
    m = _PURPOSE_TAIL.search(code or "")
    return int(m.group(1)) if m else None


def page_url(capture: Capture) -> str:
    """The address to cite a capture by: a Wayback capture's replay address; any other's
    the URL it was archived from (an import's too: the file it came from, which is no
    address, stays in `captures.source_ref`)."""
    if capture.source == "wayback" and capture.source_ref:
        return capture.source_ref
    return capture.url


def captured_at(capture: Capture) -> datetime:
    return datetime.strptime(capture.fetched_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def activity_row(record: ActivityRecord, capture: Capture) -> Row:
    row = {
        name: getattr(record, name)
        for name in record.__slots__
        if name not in LIST_FIELDS and name != "url"
    }
    row.update(
        location_country_code=country_code(record.location_country)
        if record.location_country
        else None,
        place_id=None,  # the entities step's to give
        project_purpose_key=purpose_key(record.project_purpose_code),
        issue_count=len(record.issues),
        source_url=page_url(capture),
        original_url=original_address(capture.url),
        captured_at=captured_at(capture),
        source=capture.source,
        payload_digest=capture.payload_digest,
        parser_version=PARSER_VERSION,
    )
    return row


def _unique(rows: Iterable[Row], key: tuple[str, ...]) -> list[Row]:
    seen: dict[tuple[Any, ...], Row] = {}
    for row in rows:
        seen.setdefault(tuple(row[k] for k in key), row)
    return list(seen.values())


def country_rows(record: ActivityRecord, aid: int) -> list[Row]:
    rows = [
        {
            "activity_id": aid,
            "country_code": c.code,
            "role": "beneficiary",
            "name": c.name,
            "group": c.group,
        }
        for c in record.countries
        if c.code
    ]
    if record.location_country and (code := country_code(record.location_country)):
        rows.append(
            {
                "activity_id": aid,
                "country_code": code,
                "role": "location",
                "name": record.location_country,
                "group": None,
            }
        )
    return _unique(rows, ("activity_id", "country_code", "role"))


def group_rows(record: ActivityRecord, aid: int) -> list[Row]:
    pairs = [(c.group or "Countries", c.name) for c in record.countries if not c.code]
    pairs += [("Organisations", n) for n in record.organisations]
    pairs += [("Contributors", n) for n in record.contributors]
    pairs += [("Partners", n) for n in record.partners]
    if record.cooperation_type:
        pairs.append(("Cooperation", record.cooperation_type))
    rows = [{"activity_id": aid, "group": g, "name": n} for g, n in pairs]
    return _unique(rows, ("activity_id", "group", "name"))


def people_rows(record: ActivityRecord, aid: int) -> list[Row]:
    rows = [
        {"activity_id": aid, "role": "expert", "name": n, "email": None} for n in record.experts
    ]
    rows += [
        {"activity_id": aid, "role": "secretariat", "name": n, "email": None}
        for n in record.secretariat
    ]
    if record.contact_name:
        rows.append(
            {
                "activity_id": aid,
                "role": "contact",
                "name": record.contact_name,
                "email": record.contact_email,
            }
        )
    return _unique(rows, ("activity_id", "role", "name"))


def link_rows(record: ActivityRecord, aid: int) -> list[Row]:
    return _unique([{"activity_id": aid, "url": u} for u in record.links], ("activity_id", "url"))


def issue_rows(record: ActivityRecord, url: str) -> list[Row]:
    return [
        {
            "activity_id": record.activity_id,
            "url": url,
            "field": i.field,
            "message": i.message,
            "raw": i.raw,
        }
        for i in record.issues
    ]


def capture_row(capture: Capture) -> Row:
    return {
        "capture_id": capture.capture_id,
        "url": capture.url,
        "activity_id": capture.activity_id,
        "kind": capture.kind,
        "captured_at": captured_at(capture),
        "source": capture.source,
        "source_ref": capture.source_ref,
        "status": capture.status,
        "payload_digest": capture.payload_digest,
        "record_type": capture.record_type,
        "truncated": capture.truncated,
        "warc_file": capture.warc_file,
        "warc_offset": capture.warc_offset,
        "warc_length": capture.warc_length,
        "cdx_digest": capture.cdx_digest,
        "digest_mismatch": None
        if capture.cdx_digest is None
        else capture.cdx_digest != capture.payload_digest,
        "requisite_gap_s": capture.requisite_gap_s,
    }
