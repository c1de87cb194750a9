"""Importing one WARC or ARC file: each record checked, then copied as the source wrote it.

A WARC record counts only once its framing is whole (gzip member, Content-Length, the
closing CRLF CRLF) and its declared block and payload digests match. It is then copied
byte for byte (its header gains `WARC-Source-URI` and `WARC-Source-Offset`, its block is
untouched, so its digests stay the source's) and followed by a `metadata` record naming
the source file, offset and the file's sha256. Requests and metadata about the site's
pages are copied too. A damaged record is reported with its file and offset and counted
as failed, never stored. A framing fault ends that file, since nothing after it can be
trusted, and the import goes on with the next file.

ARC files predate WARC: their records are converted (warcio's arc2warc), not copied.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator

from pipeline import __version__
from pipeline.archive import DONE, FAILED, Capture, Exchange, Index, WarcStore, payload_digest
from pipeline.archive.rawwarc import RawRecord, ReadProblem, raw_records, what_it_holds
from pipeline.archive.store import record_bytes, warc_date
from pipeline.archive.verify import file_sha256
from pipeline.urls import (
    DOCUMENT,
    DOCUMENT_EXTENSIONS,
    DOCUMENT_HOSTS,
    PAGE_KINDS,
    REQUISITE,
    REQUISITE_EXTENSIONS,
    SITE_HOSTS,
    classify,
    host,
)

# Responses and revisits, and conversions: text renderings of pages (WET files).
PAGE_TYPES = ("response", "revisit", "conversion")
KEPT_WITH_PAGES = ("request", "metadata")
# The source's own context, kept verbatim whatever it is about: who made the file and how
# (warcinfo), and a crawler's notes that are about no web page (wget's arguments and log
# are `resource` and `metadata` records of metadata:// URIs). Records kept point at their
# file's warcinfo by WARC-Warcinfo-ID: it must be there.
CONTEXT = "context"
CONTEXT_TYPES = ("warcinfo", "metadata", "resource")
# Framing that the payload no longer has once warcio has undone it (ARC records).
_UNDONE = {
    "transfer-encoding": "X-Archive-Orig-Transfer-Encoding",
    "content-encoding": "X-Archive-Orig-Content-Encoding",
}


def parse_warc_date(value: str | None) -> datetime:
    """A WARC-Date (or ARC date) as a UTC datetime; the epoch when it is missing."""
    if not value:
        return datetime(1970, 1, 1, tzinfo=UTC)
    text = value.rstrip("Z").replace("T", " ")
    for fmt in ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y%m%d%H%M%S"):
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return datetime(1970, 1, 1, tzinfo=UTC)


def site_page(uri: str) -> tuple[str, int | None] | None:
    """(kind, number) when `uri` is an http(s) URL of one of the site's page paths."""
    if not uri.lower().startswith(("http://", "https://")):
        return None  # file:, dns:, urn: and the like are no site pages, whatever their path
    ref = classify(uri)
    return (ref.kind, ref.number) if ref.kind in PAGE_KINDS and ref.number is not None else None


def _context(kind: str, uri: str) -> bool:
    """Whether a record is the source's context: a warcinfo, or a metadata or resource
    record about no web page."""
    return kind == "warcinfo" or (
        kind in ("metadata", "resource") and not uri.lower().startswith(("http://", "https://"))
    )


def site_requisite(uri: str, hosts: frozenset[str]) -> bool:
    """Whether `uri` is a stylesheet, script or image of one of the site's hosts: what
    its pages load (told by the path's extension: a WARC header has no Content-Type of
    the response, and a request record none at all)."""
    parts = urlsplit(uri)
    if parts.scheme not in ("http", "https") or host(uri) not in hosts:
        return False
    return parts.path.lower().rsplit(".", 1)[-1] in REQUISITE_EXTENSIONS


def site_document(uri: str, hosts: frozenset[str]) -> bool:
    """Whether `uri` is a document (PDF, DOC, ...) on one of the document hosts: what the
    pages link to (told by the path's extension, as for requisites)."""
    parts = urlsplit(uri)
    if parts.scheme not in ("http", "https") or host(uri) not in hosts:
        return False
    return parts.path.lower().rsplit(".", 1)[-1] in DOCUMENT_EXTENSIONS


class Importer:
    """The import of a run's files: counts, and the index and store it writes to."""

    def __init__(
        self,
        index: Index,
        store: WarcStore,
        ids: set[int] | None,
        max_block: int,
        hosts: frozenset[str] = SITE_HOSTS,
    ) -> None:
        self.index, self.store, self.ids, self.max_block = index, store, ids, max_block
        self.hosts = hosts  # whose stylesheets, scripts and images are the pages' requisites
        self.requisites = 0  # of the records imported, what the pages load
        self.documents = 0  # and what they link to
        self.left: Counter[str] = Counter()  # records not imported, by why
        self.imported = self.skipped = self.other = self.failed = 0
        self.kept = 0  # requests and metadata copied with the pages
        self.context = 0  # the sources' warcinfo, and their notes about no page
        self.duplicates = 0  # records whose WARC-Record-ID and digest are archived already
        self.files: dict[str, str] = {}  # file → sha256
        self.copies: dict[str, str] = {}  # file → the file of the same sha256 imported before

    def counts(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "already_imported": self.skipped,
            "duplicate_records": self.duplicates,
            "copies_of_imported_files": self.copies,
            "other_records": self.other,
            "other_records_by_reason": dict(self.left),
            "records_kept_with_pages": self.kept,
            "context_records": self.context,
            "requisites": self.requisites,
            "documents": self.documents,
            "failed_records": self.failed,
            "files": self.files,
            "notes": self.notes(),
        }

    def notes(self) -> list[str]:
        """What the terminal is told: copies passed over, what was kept and what left."""
        notes = [
            f"{copy}: the same bytes (sha256) as {same}, imported before: nothing added"
            for copy, same in self.copies.items()
        ]
        if self.imported or self.other:
            left = ", ".join(f"{n} {why}" for why, n in self.left.most_common())
            notes.append(
                f"import: kept {self.imported} records ({self.requisites} of them requisites: "
                f"stylesheets, scripts, images of the site's hosts; {self.documents} documents: "
                f"PDF, DOC... of the document hosts) and {self.kept} requests "
                f"and metadata about them, and {self.context} of the files' own context "
                f"(warcinfo, a crawler's log); left {self.other}" + (f" ({left})" if left else "")
            )
        return notes

    def what(self, fields: dict[str, str]) -> tuple[str, int | None] | None:
        """(kind, number) of a record to import: a page, a requisite, a document, or the
        source's context."""
        uri = fields.get("warc-target-uri", "").strip("<>")
        if _context(fields.get("warc-type", ""), uri):
            return (CONTEXT, None)
        page = site_page(uri)
        if page is None and site_requisite(uri, self.hosts):
            return (REQUISITE, None)
        if page is None and site_document(uri, DOCUMENT_HOSTS | self.hosts):
            return (DOCUMENT, None)
        return page

    def why_not(self, fields: dict[str, str]) -> str | None:
        """Why a record is not imported, or None when it is wanted."""
        kind = fields.get("warc-type", "")
        if kind not in PAGE_TYPES + KEPT_WITH_PAGES + CONTEXT_TYPES:
            return f"{kind or 'untyped'} records"
        what = self.what(fields)
        if kind == "resource" and (what is None or what[0] != CONTEXT):
            return "resource records of web pages"
        if what is None:
            return "of no page, requisite or document of the site"
        if self.ids is not None and what[0] in PAGE_KINDS and what[1] not in self.ids:
            return "of pages outside --ids"
        return None

    def wanted(self, fields: dict[str, str]) -> bool:
        return self.why_not(fields) is None

    def fail(self, key: str, page: tuple[str, int | None], message: str) -> None:
        self.failed += 1
        self.index.enqueue([(key, *page)])
        self.index.finish(key, FAILED, None, message)

    # --- one file -----------------------------------------------------------------------------
    def import_file(self, path: Path) -> None:
        """Import the site's pages of one file (runs on the writer thread)."""
        sha = self.files[str(path)] = file_sha256(path)
        same = self.index.imported_as(sha)
        if same is not None:  # this file, or a copy of it under another name: nothing new
            self.copies[str(path)] = same
            return
        self.index.note_source_file(str(path.resolve()), sha, path.stat().st_size)
        if _is_arc(path):
            self._import_arc(path)
        else:
            self._import_warc(path, sha)
        self.index.complete_source_file(str(path.resolve()))

    def _import_warc(self, path: Path, sha: str) -> None:
        last_offset, seq = -1, 0
        try:
            with path.open("rb") as fh:
                for record in raw_records(fh, self.wanted, self.max_block):
                    seq = seq + 1 if record.offset == last_offset else 0
                    last_offset = record.offset
                    self.record(path, record, sha, seq)
        except ReadProblem as problem:
            self.fail(
                f"warc:{path.resolve()}#{problem.offset}",
                ("warc-file", None),
                f"{path} at offset {problem.offset}: {problem}; the rest of the file is not read",
            )

    def record(self, path: Path, rec: RawRecord, sha: str, seq: int) -> None:
        if (why := self.why_not(rec.fields)) is not None:
            self.other += 1
            self.left[why] += 1
            return
        page = self.what(rec.fields)
        assert page is not None
        key = f"warc:{path.resolve()}#{rec.offset}" + (f"+{seq}" if seq else "")
        if self.index.state(key) == DONE:
            self.skipped += 1
            return
        where = f"{path} at offset {rec.offset}"
        if rec.block is None:
            self.fail(key, page, f"{where}: a {rec.type} record of {rec.length} bytes, over "
                      f"--max-body ({self.max_block}); rerun with a larger --max-body")  # fmt: skip
            return
        if rec.problems:  # declared digests that do not hold (see raw_records)
            self.fail(key, page, f"{where}: {'; '.join(rec.problems)}; not imported")
            return
        record_id, digest = rec.fields.get("warc-record-id", ""), payload_digest(rec.block or b"")
        archived = self.index.imported_record(record_id) if record_id else None
        if archived == digest:  # the same record, from a copy or another file holding it
            self.duplicates += 1
            return
        if archived is not None:
            self.fail(key, page, f"{where}: {record_id} is the WARC-Record-ID of another "
                      "record archived already; not imported (record IDs are unique)")  # fmt: skip
            return
        copy = self._with_provenance(rec, path)
        if rec.type in KEPT_WITH_PAGES or page[0] == CONTEXT:
            self.index.enqueue([(key, *page)])
            self.store.copy(copy, capture=None, done_url=key)
            self._note(record_id, digest)
            self.kept += page[0] != CONTEXT
            self.context += page[0] == CONTEXT
            return
        capture = self.capture(rec, path, page)
        if isinstance(capture, str):
            self.fail(key, page, f"{where}: {capture}")
            return
        self.index.enqueue([(key, *page)])
        note = self._metadata(rec, path, sha)
        self.store.copy(copy, capture=capture, done_url=key, follow=(note,))
        self._note(record_id, digest)
        self.imported += 1
        self.requisites += page[0] == REQUISITE
        self.documents += page[0] == DOCUMENT

    def _note(self, record_id: str, digest: str) -> None:
        if record_id:
            self.index.note_imported_record(record_id, digest)

    def capture(self, rec: RawRecord, path: Path, page: tuple[str, int | None]) -> Capture | str:
        """The index entry of a page record, or why it cannot have one."""
        status, content_type, digest = what_it_holds(rec)
        refers_to = None
        if rec.type == "revisit":
            original = self.index.first_with_digest(digest)
            if original is None:
                return f"a revisit of {digest}, whose original is in no file imported so far"
            refers_to = original.capture_id
        return Capture(
            url=rec.uri,
            activity_id=page[1] if page[0] == "activity" else None,
            kind=page[0],
            fetched_at=warc_date(parse_warc_date(rec.fields.get("warc-date"))),
            status=status,
            content_type=content_type,
            payload_digest=digest,
            record_type=rec.type,
            warc_file="",
            warc_offset=0,
            warc_length=0,
            refers_to=refers_to,
            truncated=bool(rec.fields.get("warc-truncated")),
            source="warc",
            source_ref=f"{path}#offset={rec.offset}",
        )

    @staticmethod
    def _with_provenance(rec: RawRecord, path: Path) -> bytes:
        """The record as the source wrote it, its header naming where it came from."""
        names = ("WARC-Source-URI", "WARC-Source-Offset")
        if "warc-source-uri" in rec.fields:  # the source's own provenance stays as it was
            names = ("WARC-Imported-From", "WARC-Imported-Offset")
        extra = f"\r\n{names[0]}: {path.resolve().as_uri()}\r\n{names[1]}: {rec.offset}"
        return rec.header + extra.encode() + b"\r\n\r\n" + (rec.block or b"") + b"\r\n\r\n"

    @staticmethod
    def _metadata(rec: RawRecord, path: Path, sha: str) -> bytes:
        body = (
            f"source-file: {path.resolve().as_uri()}\r\nsource-offset: {rec.offset}\r\n"
            f"source-sha256: {sha}\r\nimported-by: jparchive/{__version__}\r\n"
        ).encode()
        fields = [("WARC-Type", "metadata"), ("WARC-Target-URI", rec.uri)]
        fields += [
            ("WARC-Date", rec.fields.get("warc-date", "")),
            ("Content-Type", "application/warc-fields"),
        ]
        if rec_id := rec.fields.get("warc-record-id"):
            fields.append(("WARC-Refers-To", rec_id))
        return record_bytes(fields, body)

    # --- ARC ------------------------------------------------------------------------------------
    def _import_arc(self, path: Path) -> None:
        try:
            with path.open("rb") as fh:
                records = ArchiveIterator(fh, arc2warc=True)
                for record in records:
                    self._arc_record(record, records, path)
        except Exception as exc:  # warcio raises many kinds on a damaged ARC file
            message = f"{path}: not a readable ARC file ({exc}); pages read so far are kept"
            self.fail(f"warc:{path.resolve()}#arc", ("warc-file", None), message)

    def _arc_record(self, record: Any, records: ArchiveIterator, path: Path) -> None:
        page = site_page(record.rec_headers.get_header("WARC-Target-URI") or "")
        if record.rec_type != "response" or page is None:
            self.other += 1
            self.left["of no page of the site (ARC)"] += 1
            return
        if self.ids is not None and page[1] not in self.ids:
            self.other += 1
            self.left["of pages outside --ids"] += 1
            return
        body = record.content_stream().read()  # first: asking the offset reads to the end
        offset = records.get_record_offset()
        key = f"warc:{path.resolve()}#{offset}"
        if self.index.state(key) == DONE:
            self.skipped += 1
            return
        self.index.enqueue([(key, *page)])
        ex = _arc_exchange(record, body, path, offset)
        activity_id = page[1] if page[0] == "activity" else None
        self.store.write(ex, activity_id=activity_id, kind=page[0], done_url=key)
        self.imported += 1


def _is_arc(path: Path) -> bool:
    import gzip

    with path.open("rb") as fh:
        head = fh.read(2)
        fh.seek(0)
        if head == b"\x1f\x8b":
            try:
                return gzip.GzipFile(fileobj=fh).read(11) == b"filedesc://"
            except (OSError, EOFError):
                return False
        return fh.read(11) == b"filedesc://"


def _arc_exchange(record: Any, body: bytes, path: Path, offset: int) -> Exchange:
    http = record.http_headers
    headers = [(_UNDONE.get(k.lower(), k), v) for k, v in http.headers] if http else []
    status = int(http.get_statuscode() or 0) if http else 200
    reason = http.statusline.split(" ", 1)[1] if http and " " in http.statusline else ""
    return Exchange(
        url=record.rec_headers.get_header("WARC-Target-URI"),
        status=status,
        reason=reason,
        response_headers=headers,
        body=body,
        fetched_at=parse_warc_date(record.rec_headers.get_header("WARC-Date")),
        http_version=http.protocol or "HTTP/1.1" if http else "HTTP/1.1",
        source="warc",
        source_ref=f"{path}#offset={offset}",
        warc_headers={
            "WARC-Source-URI": path.resolve().as_uri(),
            "WARC-Source-Offset": str(offset),
            "WARC-Source-Format": "ARC (converted to WARC by warcio's arc2warc)",
        },
    )
