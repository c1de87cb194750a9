"""The logframes of the archive: read every view's captures, keep the best reading of each
programme, purpose and result, and note which activities the site's listings name.

The best reading: a programme's own view before a purpose's before a result's, then the
newest capture, markup before text renderings. Pure apart from reading the captures
handed in; small (one entry per programme, purpose and result).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from parsers import ExpectedResult, LogframeRecord, ProjectPurpose, parse_logframe
from pipeline.archive.index import Capture, Index
from pipeline.build.flatten import captured_at
from pipeline.urls import LOGFRAME_KINDS, classify, page_links

Row = dict[str, Any]
_SCOPE_RANK = {"programme": 0, "project_purpose": 1, "expected_result": 2}


@dataclass(slots=True)
class Reading:
    """What one kept logframe view says, and where it came from."""

    record: LogframeRecord
    capture: Capture

    @property
    def rank(self) -> tuple[int, int]:
        return _SCOPE_RANK.get(self.record.scope, 3), -(self.capture.capture_id or 0)


@dataclass(slots=True)
class Logframes:
    programmes: dict[str, Reading] = field(default_factory=dict)  # "T<trans id>" or "C<code>"
    purposes: dict[int, tuple[ProjectPurpose, Reading]] = field(default_factory=dict)
    results: dict[tuple[int, str], tuple[ExpectedResult, Reading]] = field(default_factory=dict)
    page_rows: list[Row] = field(default_factory=list)
    # activity IDs each listing names: by TransID, and by purpose key where a listing has one
    listed: dict[int, set[int]] = field(default_factory=dict)
    listed_by_purpose: dict[int, set[int]] = field(default_factory=dict)

    def add(self, reading: Reading) -> None:
        r = reading.record
        key = f"T{r.trans_id}" if r.trans_id is not None else f"C{r.programme_code}"
        if r.trans_id is not None or r.programme_code:
            old = self.programmes.get(key)
            if old is None or reading.rank < old.rank:
                self.programmes[key] = reading
        for p in r.project_purposes:
            if p.key is None:
                continue
            held = self.purposes.get(p.key)
            if held is None or reading.rank < held[1].rank:
                self.purposes[p.key] = (p, reading)
            for res in p.expected_results:
                had = self.results.get((p.key, res.number))
                if had is None or reading.rank < had[1].rank:
                    self.results[(p.key, res.number)] = (res, reading)


def _groups(index: Index) -> Iterator[list[Capture]]:
    """The logframe captures of each view (kind, number), markup first, newest first.
    A capture's `url` is the site's address whatever the source (a Wayback replay's or
    an import's provenance is in `source_ref`)."""
    marks = ", ".join("?" * len(LOGFRAME_KINDS))
    cur = index.db.execute(
        f"SELECT * FROM captures WHERE kind IN ({marks}) AND status = 200 "
        "ORDER BY record_type = 'conversion', fetched_at DESC, capture_id DESC",
        LOGFRAME_KINDS,
    )
    groups: dict[tuple[str, int | None], list[Capture]] = {}
    for row in cur:
        capture = Index.row_to_capture(row)
        ref = classify(capture.url)
        groups.setdefault((ref.kind, ref.number), []).append(capture)
    for _, group in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)):
        yield group


def _page_row(capture: Capture, record: LogframeRecord | None, error: str | None) -> Row:
    ref = classify(capture.url)
    purposes = record.project_purposes if record else ()
    return {
        "capture_id": capture.capture_id,
        "url": capture.url,
        "captured_at": captured_at(capture),
        "view": ref.kind,
        "scope": record.scope if record else None,
        "trans_id": record.trans_id if record else None,
        "project_purpose_key": record.project_purpose_key if record else None,
        "expected_result_id": record.expected_result_id if record else None,
        "programme_code": record.programme_code if record else None,
        "programme_title": record.programme_title if record else None,
        "purposes": len(purposes),
        "results": sum(len(p.expected_results) for p in purposes),
        "issue_count": len(record.issues) if record else 0,
        "kept": record is not None,
        "error": error,
    }


def read_logframes(index: Index, read: Callable[[Capture], bytes]) -> Logframes:
    """Parse each view's captures until one reads; `read` gives a capture's payload."""
    found = Logframes()
    for group in _groups(index):
        for capture in group:
            url = capture.url
            parsed = parse_logframe(read(capture), url, capture.content_type)
            if isinstance(parsed, LogframeRecord):
                found.page_rows.append(_page_row(capture, parsed, None))
                found.add(Reading(parsed, capture))
                break
            found.page_rows.append(_page_row(capture, None, parsed.reason))
    _read_listings(index, read, found)
    return found


def _read_listings(index: Index, read: Callable[[Capture], bytes], found: Logframes) -> None:
    """The activity IDs each "by Programme" page (`Programmes.asp?TransID=n`) links to."""
    for row in index.db.execute(
        "SELECT * FROM captures WHERE kind = 'listing' AND status = 200 ORDER BY capture_id"
    ):
        capture = Index.row_to_capture(row)
        query = dict(re.findall(r"(?i)[?&](transid|projectobjectiveid)=(\d+)", capture.url))
        query = {k.lower(): v for k, v in query.items()}
        if not query:
            continue
        ids = set()
        for link in page_links(read(capture), capture.url):  # the links discovery follows
            ref = classify(link)
            if ref.kind == "activity" and ref.number is not None:
                ids.add(ref.number)
        if "projectobjectiveid" in query:
            found.listed_by_purpose.setdefault(int(query["projectobjectiveid"]), set()).update(ids)
        elif "transid" in query:
            found.listed.setdefault(int(query["transid"]), set()).update(ids)
