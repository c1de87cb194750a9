"""The WARC archive: every response received, with its request, in rolling gzip WARC 1.1.

Text renderings imported from other archives (WET `conversion` records) are kept as
`conversion` records of their own, with no request.

Each run writes new files `jparchive-<time>-<n>.warc.gz` under `raw/`, starting with a
`warcinfo` record (software, command line, operator contact, robots policy). A response
is written, flushed and fsynced before the index records it, so the index never points
at bytes that are not on disk. A file left open by a crash is checked on the next run:
a partial last record is cut off and kept beside it as `<file>.partial`, and whole
records the index never learnt of are indexed (`orphans.reindex`).

    with WarcStore(raw_dir, index, info) as store:
        capture = store.write(exchange, activity_id=18356, kind="activity")
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import io
import os
import shutil
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.archive.fixity import Fixity, FixityWriter
from pipeline.archive.index import DONE, Capture, Index
from pipeline.archive.members import members
from pipeline.archive.orphans import reindex
from pipeline.archive.rawwarc import payload_digest, requisite_gap
from pipeline.errors import StoreError

MAX_WARC_BYTES = 1024**3  # roll to a new file past 1 GiB, as Heritrix does
# Hop-by-hop framing the body no longer has once de-chunked: kept under another name.
_RENAMED_HEADERS = {"transfer-encoding": "X-Archive-Orig-Transfer-Encoding"}


@dataclass(frozen=True, slots=True)
class Exchange:
    """One HTTP request and the response to it, as received."""

    url: str
    status: int
    reason: str
    response_headers: list[tuple[str, str]]
    body: bytes
    fetched_at: datetime
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    http_version: str = "HTTP/1.1"
    truncated: bool = False
    source: str = "site"
    source_ref: str | None = None
    warc_headers: dict[str, str] = field(default_factory=dict)  # provenance of other sources
    conversion: bool = False  # the page as text, not an HTTP response (WET files hold these)

    @property
    def content_type(self) -> str | None:
        return next((v for k, v in self.response_headers if k.lower() == "content-type"), None)


def warc_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def gzip_member(data: bytes) -> bytes:
    """`data` as one gzip member (as WARC writers store each record)."""
    packer = zlib.compressobj(6, zlib.DEFLATED, 31)
    return packer.compress(data) + packer.flush()


def record_bytes(fields: list[tuple[str, str]], block: bytes) -> bytes:
    """A WARC/1.1 record: `fields`, then Record-ID, Block-Digest and Content-Length."""
    head = [("WARC-Record-ID", f"<urn:uuid:{uuid.uuid4()}>"), *fields]
    head += [("WARC-Block-Digest", payload_digest(block)), ("Content-Length", str(len(block)))]
    lines = "".join(f"{k}: {v}\r\n" for k, v in head)
    return b"WARC/1.1\r\n" + lines.encode("utf-8") + b"\r\n" + block + b"\r\n\r\n"


def recover(path: Path) -> int:
    """Cut everything after the last whole record off `path` (a torn member, a record cut
    short, garbage), keeping it as `<path>.partial`; returns the bytes cut.

    Each member is decompressed to its end (see `members`): warcio alone reads a member
    cut mid-payload as a short record without a word."""
    good_end = 0
    with path.open("rb") as fh:
        for member in members(fh):
            if not member.whole:
                break
            good_end = member.end
    size = path.stat().st_size
    if good_end < size:
        keep = path.with_name(path.name + ".partial")
        serial = 0
        while keep.exists():  # an earlier recovery's remains stay as they were
            serial += 1
            keep = path.with_name(f"{path.name}.partial.{serial}")
        with path.open("rb") as fh, keep.open("xb") as out:
            fh.seek(good_end)
            shutil.copyfileobj(fh, out)
            out.flush()
            os.fsync(out.fileno())
        with path.open("r+b") as fh:
            fh.truncate(good_end)
            os.fsync(fh.fileno())
    return size - good_end


class WarcStore:
    """Writes exchanges to rolling WARC files and records them in the index."""

    def __init__(
        self, raw_dir: Path, index: Index, info: dict[str, str], max_bytes: int = MAX_WARC_BYTES
    ) -> None:
        self.raw_dir = raw_dir
        self.index = index
        self.info = info
        self.max_bytes = max_bytes
        self.recovered: dict[str, int] = {}
        self.reindexed: dict[str, int] = {}  # records a crash left unindexed, indexed now
        self._fh: FixityWriter | None = None
        self._writer: WARCWriter | None = None
        self._name = ""
        self._serial = 0
        self._stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
        raw_dir.mkdir(parents=True, exist_ok=True)
        for name in index.unclosed_warcs():
            path = raw_dir / name
            if path.exists():
                self.recovered[name] = recover(path)
                if path.stat().st_size == 0:
                    path.unlink()  # killed before its first record was complete
                elif found := reindex(path, index):
                    self.reindexed[name] = found
            index.close_warc(name, Fixity.of(path) if path.exists() else None)

    def __enter__(self) -> WarcStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the current file, marked closed in the index only when all of it reached
        the disk; one left unclosed is checked and mended by the next run."""
        if self._fh is None:
            return
        fh, self._fh, self._writer = self._fh, None, None
        try:
            with self._writing():
                fh.flush()
                os.fsync(fh.fileno())
            self.index.close_warc(self._name, fh.fixity())
        finally:
            with contextlib.suppress(OSError):
                fh.close()

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """OS errors while writing (a full disk, a read-only or forbidden folder) become
        a StoreError naming the file and what to do; what was archived before is kept."""
        try:
            yield
        except OSError as exc:
            path = self.raw_dir / self._name
            advice = (
                "free some space on that disk and rerun: the run resumes where it stopped"
                if exc.errno in (errno.ENOSPC, errno.EDQUOT)
                else "make that folder writable (or point --data elsewhere) and rerun"
            )
            raise StoreError(f"cannot write {path}: {exc.strerror}; {advice}") from exc

    def _sync(self) -> None:
        assert self._fh is not None
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def _open(self) -> WARCWriter:
        if self._writer is not None and self._fh is not None and self._fh.tell() < self.max_bytes:
            return self._writer
        self.close()
        self._serial += 1
        self._name = f"jparchive-{self._stamp}-{self._serial:05d}.warc.gz"
        self.index.open_warc(self._name)  # first: a kill after this leaves a file we will check
        with self._writing():
            self._fh = FixityWriter((self.raw_dir / self._name).open("xb"))
            self._writer = WARCWriter(self._fh, gzip=True, warc_version="1.1")
            self._writer.write_record(self._writer.create_warcinfo_record(self._name, self.info))
        return self._writer

    def write(
        self, ex: Exchange, *, activity_id: int | None, kind: str, done_url: str | None = None
    ) -> Capture:
        """Archive one exchange (as a revisit when its payload is already archived)."""
        with self._writing():
            return self._write(ex, activity_id=activity_id, kind=kind, done_url=done_url)

    def _write(
        self, ex: Exchange, *, activity_id: int | None, kind: str, done_url: str | None
    ) -> Capture:
        writer = self._open()
        assert self._fh is not None
        digest = payload_digest(ex.body)
        original = (
            self.index.first_with_digest(digest) if ex.status == 200 and not ex.conversion else None
        )
        if ex.conversion:
            record = self._conversion_record(writer, ex)
        else:
            record = self._response_record(writer, ex, digest, original)
        offset = self._fh.tell()
        writer.write_record(record)
        length = self._fh.tell() - offset
        if not ex.conversion:  # a conversion was made from a response, not fetched
            writer.write_record(self._request_record(writer, ex, record))
        self._sync()
        capture = Capture(
            url=ex.url,
            activity_id=activity_id,
            kind=kind,
            fetched_at=warc_date(ex.fetched_at),
            status=ex.status,
            content_type=ex.content_type,
            payload_digest=digest,
            record_type="conversion" if ex.conversion else "revisit" if original else "response",
            warc_file=self._name,
            warc_offset=offset,
            warc_length=length,
            refers_to=original.capture_id if original else None,
            truncated=ex.truncated,
            source=ex.source,
            source_ref=ex.source_ref,
            cdx_digest=ex.warc_headers.get("WARC-Wayback-CDX-Digest"),
            requisite_gap_s=requisite_gap(ex.warc_headers, warc_date(ex.fetched_at)),
        )
        capture_id = self.index.add_capture(capture, done_url=done_url, state=DONE)
        return dataclasses.replace(capture, capture_id=capture_id)

    def copy(
        self,
        record: bytes,
        *,
        capture: Capture | None,
        done_url: str | None,
        follow: tuple[bytes, ...] = (),
    ) -> Capture | None:
        """Append a record given as its exact bytes (and `follow`, records about it), each
        its own gzip member; fsync, then index `capture` (the first record's) if given."""
        with self._writing():
            self._open()
            assert self._fh is not None
            offset = self._fh.tell()
            self._fh.write(gzip_member(record))
            length = self._fh.tell() - offset
            for extra in follow:
                self._fh.write(gzip_member(extra))
            self._sync()
        if capture is None:
            if done_url is not None:
                self.index.finish(done_url, DONE, None, None)
            return None
        capture = dataclasses.replace(
            capture, warc_file=self._name, warc_offset=offset, warc_length=length
        )
        capture_id = self.index.add_capture(capture, done_url=done_url, state=DONE)
        return dataclasses.replace(capture, capture_id=capture_id)

    def _response_record(
        self, writer: WARCWriter, ex: Exchange, digest: str, original: Capture | None
    ) -> object:
        headers = [(_RENAMED_HEADERS.get(k.lower(), k), v) for k, v in ex.response_headers]
        http = StatusAndHeaders(
            f"{ex.status} {ex.reason}".strip(), headers, protocol=ex.http_version
        )
        warc_headers = {"WARC-Date": warc_date(ex.fetched_at), **ex.warc_headers}
        if ex.truncated:
            warc_headers["WARC-Truncated"] = "length"
        if original is not None:
            record = writer.create_revisit_record(
                ex.url,
                digest,
                original.url,
                original.fetched_at,
                http_headers=http,
                warc_headers_dict=warc_headers,
            )
            record.rec_headers.replace_header(
                "WARC-Profile", "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
            )
            return record
        return writer.create_warc_record(
            ex.url,
            "response",
            payload=io.BytesIO(ex.body),
            length=len(ex.body),
            http_headers=http,
            warc_headers_dict=warc_headers,
        )

    @staticmethod
    def _conversion_record(writer: WARCWriter, ex: Exchange) -> object:
        return writer.create_warc_record(
            ex.url,
            "conversion",
            payload=io.BytesIO(ex.body),
            length=len(ex.body),
            warc_content_type=ex.content_type or "text/plain",
            warc_headers_dict={"WARC-Date": warc_date(ex.fetched_at), **ex.warc_headers},
        )

    @staticmethod
    def _request_record(writer: WARCWriter, ex: Exchange, response: object) -> object:
        path = ex.url.split("/", 3)[3] if ex.url.count("/") >= 3 else ""
        http = StatusAndHeaders(
            f"GET /{path} {ex.http_version}", ex.request_headers, is_http_request=True
        )
        rec_id = response.rec_headers.get_header("WARC-Record-ID")  # type: ignore[attr-defined]
        return writer.create_warc_record(
            ex.url,
            "request",
            payload=io.BytesIO(b""),
            length=0,
            http_headers=http,
            warc_headers_dict={"WARC-Concurrent-To": rec_id, "WARC-Date": warc_date(ex.fetched_at)},
        )
