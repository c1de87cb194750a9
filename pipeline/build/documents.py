"""The archived documents read into rows: `documents`, `document_texts` and, per activity,
`activity_documents`.

Each document URL gives one row, from its latest whole capture (a cut one only when no
whole one is held). Its text is read in the sandbox (`pipeline.documents`), one document
at a time within a time and a memory limit. What was read is kept in
`DATA/cache/documents.sqlite3` by payload digest and reader version, so the next build
reads only documents it has not read before; a document stopped by a limit is read again
next time (the machine may be less busy).
"""

from __future__ import annotations

import hashlib
import itertools
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin

from parsers import ActivityRecord
from pipeline.archive import Capture, Index, Payloads
from pipeline.build.flatten import captured_at
from pipeline.documents import Extracted, Sandbox, kind_of
from pipeline.documents.sandbox import MEMORY, OCR_SECONDS, SECONDS
from pipeline.errors import StoreError
from pipeline.progress import Progress
from pipeline.requisites import document_anchors

READER_VERSION = "1"  # bump when a reader changes what it gives: cached texts are read again
TEXT_FIELDS = ("description", "objectives", "results", "follow_up", "participants")
_PASSING = ("none: took over", "none: the reader died")  # not kept: may go next time
REDIRECTS_SQL = (
    "SELECT * FROM captures WHERE kind = 'document' AND status BETWEEN 300 AND 399 "
    "ORDER BY fetched_at DESC, capture_id DESC"
)
DOCUMENTS_SQL = (
    "SELECT * FROM captures WHERE kind = 'document' AND status = 200 "
    "ORDER BY url, truncated, fetched_at DESC, capture_id DESC"
)


def document_id(url: str) -> str:
    """The document's key: stable over builds and harvests, whatever capture is kept."""
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]


def redirects(index: Index, payloads: Payloads) -> dict[str, str]:
    """Where each document URL that answered with a redirect leads (its latest answer)."""
    out: dict[str, str] = {}
    for row in index.db.execute(REDIRECTS_SQL):
        capture = Index.row_to_capture(row)
        if capture.url in out:
            continue
        try:
            location = payloads.location(capture)
            if location:
                out[capture.url] = urldefrag(urljoin(capture.url, location.strip())).url
        except (StoreError, ValueError):  # an unreadable record, a malformed Location
            continue
    return out


def linked_as(leads: dict[str, str], held: set[str]) -> dict[str, str]:
    """The archived URL each linked URL reaches through its redirects (at most 10 hops)."""
    out: dict[str, str] = {}
    for start in leads:
        url, hops = start, 0
        while url in leads and hops < 10:
            url, hops = leads[url], hops + 1
        if url in held and start not in held:
            out[start] = url
    return out


def latest_documents(index: Index) -> Iterator[Capture]:
    """Per document URL, its latest whole capture (else its latest cut one)."""
    captures = (Index.row_to_capture(row) for row in index.db.execute(DOCUMENTS_SQL))
    for _, group in itertools.groupby(captures, key=lambda c: c.url):
        yield next(group)


MAX_BYTES = 200 * 1024 * 1024  # a document read at most (larger: "none: too large")


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """How documents are read: OCR or not, and the sandbox's limits for one document."""

    ocr: bool = False
    seconds: float | None = None  # None: SECONDS, or OCR_SECONDS with OCR
    memory: int = MEMORY
    max_bytes: int = MAX_BYTES

    @property
    def timeout(self) -> float:
        if self.seconds is not None:
            return self.seconds
        return OCR_SECONDS if self.ocr else SECONDS


@dataclass(frozen=True, slots=True)
class Read:
    found: Extracted
    size: int | None  # bytes of the archived payload (None: over the read limit)
    kind: str | None  # pdf, doc, ... as sniffed from the bytes
    fresh: bool = False  # read now (not from the cache)


class TextCache:
    """What the readers gave, by payload digest: a build reads each document once."""

    def __init__(self, path: Path, ocr: bool) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path)
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS texts (digest TEXT, reader TEXT, extraction TEXT, "
            "text TEXT, pages INTEGER, title TEXT, language TEXT, size INTEGER, kind TEXT, "
            "PRIMARY KEY (digest, reader))"
        )
        self.reader = f"{READER_VERSION}{'+ocr' if ocr else ''}"

    def get(self, digest: str) -> Read | None:
        row = self.db.execute(
            "SELECT extraction, text, pages, title, language, size, kind FROM texts "
            "WHERE digest = ? AND reader = ?",
            (digest, self.reader),
        ).fetchone()
        return Read(Extracted(*row[:5]), row[5], row[6]) if row else None

    def put(self, digest: str, read: Read) -> None:
        found = read.found
        if found.extraction.startswith(_PASSING):
            return
        self.db.execute(
            "INSERT OR REPLACE INTO texts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (digest, self.reader, found.extraction, found.text, found.pages, found.title,
             found.language, read.size, read.kind),
        )  # fmt: skip
        self.db.commit()

    def close(self) -> None:
        self.db.close()


def read_text(capture: Capture, payloads: Payloads, sandbox: Sandbox, cache: TextCache,
              max_bytes: int) -> Read:  # fmt: skip
    """The document's text: from the cache, else read in the sandbox (and kept)."""
    if not capture.truncated and (known := cache.get(capture.payload_digest)) is not None:
        return known
    data = payloads.read(capture, max_bytes)
    kind = kind_of(data, capture.content_type, capture.url)
    if len(data) > max_bytes:
        return Read(Extracted(f"none: too large: over {max_bytes:,} bytes"), None, kind)
    if capture.truncated:
        return Read(Extracted("none: truncated: archived cut at --max-document-bytes"),
                    len(data), kind)  # fmt: skip
    read = Read(sandbox.read(data, capture.content_type, capture.url), len(data), kind, True)
    cache.put(capture.payload_digest, read)
    return read


def document_row(capture: Capture, read: Read, url: str) -> dict[str, Any]:
    """The `documents` row of the capture of `url` (reached at `capture.url`)."""
    found = read.found
    return {
        "document_id": document_id(url),
        "url": url,
        "final_url": capture.url,
        "content_type": capture.content_type,
        "kind": read.kind,
        "bytes": read.size,
        "sha1": capture.payload_digest,
        "captured_at": captured_at(capture),
        "capture_id": capture.capture_id,
        "source": capture.source,
        "truncated": capture.truncated,
        "pages": found.pages,
        "title": found.title,
        "language": found.language,
        "text_chars": len(found.text),
        "extraction": found.extraction,
    }


def link_rows(record: ActivityRecord, aid: int, labels: dict[str, str],
              archived: dict[str, str]) -> list[dict[str, Any]]:  # fmt: skip
    """The activity's links to archived documents, with their text and where they stand."""
    rows = []
    for url in dict.fromkeys([*record.links, *labels]):
        doc_id = archived.get(url)
        if doc_id is None:
            continue
        label = labels.get(url)
        field = "links" if url in record.links else _field_of(record, label or url)
        rows.append({"activity_id": aid, "document_id": doc_id, "label": label or None,
                     "field": field})  # fmt: skip
    return rows


def _field_of(record: ActivityRecord, text: str) -> str:
    for name in TEXT_FIELDS:
        value = getattr(record, name)
        if isinstance(value, str) and text and text in value:
            return name
    return "page"


@dataclass(slots=True)
class DocumentCounts:
    documents: int = 0
    with_text: int = 0
    unread: dict[str, int] = field(default_factory=dict)  # why (the reason's first words) → n
    linked: int = 0  # activity_documents rows
    read_now: int = 0  # of the documents, read by this build (the others: from the cache)
    without_text: list[dict[str, str]] = field(default_factory=list)  # url, extraction


class DocumentStage:
    """The build's documents: which URLs are archived (for the activities' links), then
    each one read once into its rows."""

    def __init__(self, data: Path, index: Index, payloads: Payloads, limits: ReadLimits) -> None:
        self.data, self.index, self.payloads, self.limits = data, index, payloads, limits
        held = {c.url for c in latest_documents(index)}
        self.held = len(held)  # documents archived (whole or cut), each URL once
        via = linked_as(redirects(index, payloads), held) if held else {}
        self.linked = {final: first for first, final in sorted(via.items(), reverse=True)}
        # the URL pages link → the document's key (a redirected link: its first URL's)
        self.archived = {u: document_id(self.linked.get(u, u)) for u in held}
        self.archived.update((first, self.archived[final]) for first, final in via.items())
        self.counts = DocumentCounts()

    def links(self, record: ActivityRecord, aid: int, page: bytes | None,
              capture: Capture) -> list[dict[str, Any]]:  # fmt: skip
        """The activity's rows of `activity_documents` (none read when none is archived)."""
        if not self.archived or page is None:
            return []
        url = capture.source_ref if capture.source == "wayback" else capture.url
        labels = dict(document_anchors(page, url or capture.url, capture.content_type))
        rows = link_rows(record, aid, labels, self.archived)
        self.counts.linked += len(rows)
        return rows

    def rows(self, progress: bool | None) -> Iterator[tuple[dict[str, Any], str]]:
        """(documents row, its text) per archived document, read in the sandbox."""
        if not self.archived:
            return
        limits = self.limits
        sandbox = Sandbox(limits.timeout, limits.memory, limits.ocr)
        cache = TextCache(self.data / "cache" / "documents.sqlite3", limits.ocr)
        try:
            with Progress(self.held, "documents", progress, failed="without text") as bar:
                for capture in latest_documents(self.index):
                    read = read_text(capture, self.payloads, sandbox, cache, limits.max_bytes)
                    self.count(read, capture.url)
                    bar.advance(ok=not read.found.extraction.startswith("none"))
                    url = self.linked.get(capture.url, capture.url)
                    yield document_row(capture, read, url), read.found.text
        finally:
            sandbox.close()
            cache.close()

    def count(self, read: Read, url: str) -> None:
        c = self.counts
        c.documents += 1
        c.read_now += read.fresh
        if read.found.text:
            c.with_text += 1
        if read.found.extraction.startswith("none"):
            c.without_text.append({"url": url, "extraction": read.found.extraction})
            why = read.found.extraction.removeprefix("none: ").split(":")[0].split(" (")[0]
            c.unread[why] = c.unread.get(why, 0) + 1
