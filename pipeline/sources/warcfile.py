"""`harvest --source warc FILE...`: import the site's pages from existing WARC or ARC files.

Institutions crawled the site themselves; their files hold its activity and logframe
pages among much else. Every response, revisit or conversion (a text rendering, as WET
files hold) whose target URL is such a page is
copied into this archive as a capture of its own, with the same canonical URLs and
index as a direct harvest, its `WARC-Date` kept, and provenance headers naming the
source file and offset. Each imported record is noted in the queue
(`warc:<file>#<offset>`), so importing the same file again adds nothing.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator

from pipeline.archive import (
    DONE,
    FAILED,
    PENDING,
    Exchange,
    Index,
    QueueItem,
    WarcStore,
    payload_digest,
)
from pipeline.errors import ConfigError, StoreError
from pipeline.fetch import FetchPolicy
from pipeline.sources.base import Job, Settings, Source
from pipeline.urls import classify

PAGE_KINDS = ("activity", "logframe")
# Responses and revisits, and conversions: text renderings of pages (WET files).
IMPORTED = ("response", "revisit", "conversion")
MAGIC = (b"\x1f\x8b", b"WARC/", b"filedesc://")  # gzip, WARC, ARC
# Framing that the payload no longer has once warcio has undone it.
_UNDONE = {
    "transfer-encoding": "X-Archive-Orig-Transfer-Encoding",
    "content-encoding": "X-Archive-Orig-Content-Encoding",
}


def warc_date(value: str | None) -> datetime:
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


def _exchange(record: Any, body: bytes, path: Path, offset: int) -> Exchange:
    http = record.http_headers
    headers = [(_UNDONE.get(k.lower(), k), v) for k, v in http.headers] if http else []
    conversion = record.rec_type == "conversion"
    if conversion:  # the text's type is the record's own
        headers = [("Content-Type", record.rec_headers.get_header("Content-Type") or "text/plain")]
    status = int(http.get_statuscode() or 0) if http else 200
    reason = http.statusline.split(" ", 1)[1] if http and " " in http.statusline else ""
    return Exchange(
        url=record.rec_headers.get_header("WARC-Target-URI"),
        status=status,
        reason=reason,
        response_headers=headers,
        body=body,
        fetched_at=warc_date(record.rec_headers.get_header("WARC-Date")),
        http_version=http.protocol or "HTTP/1.1" if http else "HTTP/1.1",
        source="warc",
        source_ref=f"{path}#offset={offset}",
        warc_headers={
            "WARC-Source-URI": path.resolve().as_uri(),
            "WARC-Source-Offset": str(offset),
        },
        conversion=conversion,
    )


class _Import:
    def __init__(self, index: Index, store: WarcStore) -> None:
        self.index, self.store = index, store
        self.payloads: dict[str, bytes] = {}  # digest → payload, for revisits in the source
        self.imported = self.skipped = self.other = 0

    def record(self, record: Any, records: ArchiveIterator, path: Path) -> None:
        uri = record.rec_headers.get_header("WARC-Target-URI") or ""
        ref = classify(uri)
        if record.rec_type not in IMPORTED or ref.kind not in PAGE_KINDS:
            self.other += 1
            return
        body = record.content_stream().read()  # first: asking the offset reads to the end
        offset = records.get_record_offset()
        key = f"warc:{path.resolve()}#{offset}"
        if self.index.state(key) == DONE:
            self.skipped += 1
            return
        self.index.enqueue([(key, ref.kind, ref.number)])
        if record.rec_type == "revisit":
            digest = record.rec_headers.get_header("WARC-Payload-Digest") or ""
            if digest not in self.payloads:
                self.index.finish(
                    key,
                    FAILED,
                    None,
                    f"revisit of {digest}, whose record is not in the files given",
                )
                return
            body = self.payloads[digest]
        else:
            self.payloads[
                record.rec_headers.get_header("WARC-Payload-Digest") or payload_digest(body)
            ] = body
        ex = _exchange(record, body, path, offset)
        activity_id = ref.number if ref.kind == "activity" else None
        self.store.write(ex, activity_id=activity_id, kind=ref.kind, done_url=key)
        self.imported += 1


def import_file(job: _Import, path: Path) -> None:
    """Import the site's pages of one WARC or ARC file (runs on the writer thread)."""
    if not path.is_file():
        raise ConfigError(f"--source warc: {path} is not a file")
    with path.open("rb") as fh:
        head = fh.read(16)
    if not head.startswith(MAGIC):
        raise StoreError(f"{path}: not a readable WARC or ARC file (it starts {head[:12]!r})")
    try:
        with path.open("rb") as fh:
            records = ArchiveIterator(fh, arc2warc=True)
            for record in records:
                job.record(record, records, path)
    except ConfigError:
        raise
    except Exception as exc:  # warcio raises many kinds on a damaged file
        raise StoreError(
            f"{path}: not a readable WARC or ARC file ({exc}); pages read so far are kept"
        ) from exc


class WarcFileSource(Source):
    """`harvest --source warc FILE...`: one work item per file, imported in order."""

    name = "warc"

    def __init__(self, config: Settings) -> None:
        super().__init__(config)
        self.counts: _Import | None = None

    @classmethod
    def check(cls, config: Settings) -> None:
        if not config.files:
            raise ConfigError("--source warc: give the WARC or ARC files to import")

    @property
    def scope(self) -> str | None:
        return None  # imports keep no queue of their own

    def fetch_policy(self, policy: FetchPolicy) -> FetchPolicy:
        return replace(policy, concurrency=1)  # files in the order given; the first bad one stops

    def summary(self) -> dict[str, Any]:
        job = self.counts or _Import(None, None)  # type: ignore[arg-type]
        return {
            "imported": job.imported,
            "already_imported": job.skipped,
            "other_records": job.other,
        }

    async def plan(self, job: Job) -> list[QueueItem]:
        self.counts = _Import(job.index, job.store)
        return [QueueItem(str(path), "warc-file", None, PENDING, 0, None, None)
                for path in self.config.files]  # fmt: skip

    async def take(self, job: Job, item: QueueItem) -> bool:
        assert self.counts is not None
        await job.run_io(import_file, self.counts, Path(item.url))
        return True
