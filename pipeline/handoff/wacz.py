"""`jparchive wacz OUT.wacz`: the archive as one WACZ 1.1.1 file a replay tool opens.

    archive/            the WARC files as they are (stored, not recompressed); with `ids`,
                        one WARC holding only those activities' records, copied byte for byte
    indexes/index.cdx.gz  the CDXJ index of every record (cdxj-indexer, sorted), in gzip
                        blocks of 1,024 lines, as py-wacz writes it
    indexes/index.idx   the blocks' own index (ZipNum): a replay tool reads one block
    pages/pages.jsonl   one line per activity and logframe page: URL, capture time, title
    tables/             with `with_tables`: the Parquet tables and their datapackage.json
    datapackage.json    every file's sha256 and size; what the archive holds, its sources,
                        dates and scope, the rights and publisher stated (`package`)
    datapackage-digest.json  the sha256 of datapackage.json

The pages' titles come from the built tables, so the archive must have been built. The
file is written beside OUT and renamed into place when whole.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from cdxj_indexer import CDXJIndexer

from pipeline.archive.verify import file_sha256
from pipeline.errors import ConfigError
from pipeline.handoff.package import Statement, describe
from pipeline.handoff.selection import selected_records

WACZ_VERSION = "1.1.1"
SELECTION = "jparchive-selection.warc.gz"
PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "All pages"}


@dataclass(slots=True)
class WaczReport:
    path: str = ""
    warc_files: int = 0
    records: int = 0
    pages: int = 0
    tables: int = 0
    bytes: int = 0
    resources: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"wacz: {self.path}: {self.pages} pages, {self.records} index lines, "
            f"{self.warc_files} WARC file(s), {self.tables} tables, {self.bytes:,} bytes"
        )


def _ts(captured: Any) -> str:
    moment = captured if isinstance(captured, datetime) else datetime.fromisoformat(str(captured))
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


PAGE_TEXT = 10_000  # characters of a page's own text in pages.jsonl (for full-text search)
_TEXTS = ("title", "description", "objectives", "results", "follow_up")
_SHOWN = ("response", "revisit")  # captures a replay tool shows (not text renderings)


def _page(capture: dict[str, Any], title: str, text: str) -> dict[str, Any]:
    return {
        "id": f"capture-{capture['capture_id']}",
        "url": capture["url"],
        "ts": _ts(capture["captured_at"]),
        "title": title,
        "text": text[:PAGE_TEXT],
    }


def _logframe_title(row: dict[str, Any]) -> str:
    """ "Logframe: Tur-JudEthics: project purpose 3234": one title per view."""
    scope = row["scope"]
    if scope == "project_purpose":
        what = f"project purpose {row['project_purpose_key']}"
    elif scope == "expected_result":
        what = f"expected result {row['expected_result_id']}"
    else:
        what = str(row["programme_title"] or "programme")
    name = row["programme_code"] or f"TransID {row['trans_id']}"
    printed = " (print view)" if "printversion=true" in str(row["url"]).lower() else ""
    return f"Logframe: {name}: {what}{printed}"


def pages(parquet: Path, ids: set[int] | None) -> list[dict[str, Any]]:
    """The pages a replay tool lists: every capture of every activity page (its whole
    history, each at its own time, at the URL it was archived from: for a Wayback capture
    or an import too), by activity, the latest first; then every logframe view read."""
    wanted = ["activity_id", *_TEXTS]
    texts = {
        r["activity_id"]: r
        for r in pq.read_table(parquet / "activities.parquet", columns=wanted).to_pylist()
        if ids is None or r["activity_id"] in ids
    }
    columns = ["capture_id", "url", "activity_id", "kind", "captured_at", "status", "record_type"]
    captures = [
        c for c in pq.read_table(parquet / "captures.parquet", columns=columns).to_pylist()
        if c["status"] == 200 and c["record_type"] in _SHOWN
    ]  # fmt: skip
    newest_first = sorted(captures, key=lambda c: (c["captured_at"], c["capture_id"]), reverse=True)
    out = []
    for c in sorted(newest_first, key=lambda c: c["activity_id"] or 0):  # stable: by activity
        if c["kind"] == "activity" and c["activity_id"] in texts:
            record = texts[c["activity_id"]]
            text = "\n".join(str(record[f]) for f in _TEXTS if record[f])
            out.append({**_page(c, record["title"] or "", text), "activity_id": c["activity_id"]})
    if ids is None:
        by_id = {c["capture_id"]: c for c in captures}
        for row in pq.read_table(parquet / "logframe_pages.parquet").to_pylist():
            if row["error"] is None and row["capture_id"] in by_id:
                out.append(_page(by_id[row["capture_id"]], _logframe_title(row), ""))
    return out


class _Zip:
    """The WACZ's zip: every member stored, each listed with its hash and size."""

    def __init__(self, path: Path) -> None:
        self.zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED, allowZip64=True)
        self.resources: list[dict[str, Any]] = []

    def add_file(self, name: str, source: Path) -> None:
        self.zip.write(source, name)
        self._list(name, file_sha256(source), source.stat().st_size)

    def add_bytes(self, name: str, data: bytes, listed: bool = True) -> None:
        info = zipfile.ZipInfo(name, date_time=datetime.now(UTC).timetuple()[:6])
        self.zip.writestr(info, data, compress_type=zipfile.ZIP_STORED)
        if listed:
            self._list(name, hashlib.sha256(data).hexdigest(), len(data))

    def _list(self, name: str, digest: str, size: int) -> None:
        resource: dict[str, Any] = {
            "name": Path(name).name,
            "path": name,
            "hash": f"sha256:{digest}",
            "bytes": size,
        }
        if name.endswith(".parquet"):  # a file to hand on: Frictionless cannot count the
            # bytes of a Parquet table it reads, so it is listed as the bytes it is
            resource |= {"format": "bin", "mediatype": "application/vnd.apache.parquet"}
        self.resources.append(resource)


INDEX_LINES = 1024  # CDXJ lines a block of the compressed index holds (as py-wacz writes)


def _cdxj(warcs: list[Path]) -> tuple[bytes, bytes]:
    """(index.cdx.gz, index.idx): the CDXJ index of `warcs` as py-wacz writes it: sorted,
    in gzip blocks of INDEX_LINES lines, and a secondary (ZipNum) index of the blocks, so
    that a replay tool reads only the block it needs (pywb reads the blocks whole)."""
    blocks, secondary = io.BytesIO(), io.StringIO()
    indexer = CDXJIndexer(output=secondary, inputs=[str(p) for p in warcs], sort=True,
                          post_append=True, compress=blocks, lines=INDEX_LINES,
                          data_out_name="index.cdx.gz")  # fmt: skip
    indexer.process_all()
    return blocks.getvalue(), secondary.getvalue().encode("utf-8")


def write_wacz(
    data: Path,
    out: Path,
    ids: set[int] | None = None,
    with_tables: bool = False,
    statement: Statement | None = None,
) -> WaczReport:
    """Write the archive under `data` as the WACZ file `out`; `statement` is what the
    sending institution states (title, rights, ...; default: `DATA/wacz.json`'s)."""
    statement = statement if statement is not None else Statement.read(data)
    raw, parquet = data / "raw", data / "parquet"
    if ids is not None and with_tables:
        raise ConfigError(
            "wacz: --with-tables ships the tables of the whole archive, and --ids makes a "
            "part of it; leave out one of them (the tables' rows would name captures the "
            "package does not hold)"
        )
    if not (raw / "index.sqlite3").exists():
        raise ConfigError(f"no archive at {raw}: run `jparchive harvest --data {data}` first")
    if not (parquet / "activities.parquet").exists():
        raise ConfigError(
            f"no tables in {parquet}: run `jparchive build --data {data}` first "
            "(the pages' titles come from them)"
        )
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    report = WaczReport(path=str(out))
    try:
        report = _write(data, tmp, (ids, with_tables, statement), report)
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ConfigError(
            f"wacz: cannot write {out}: {exc.strerror}; the archive is untouched"
        ) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    report.bytes = out.stat().st_size
    return report


def _write(
    data: Path, tmp: Path, what: tuple[set[int] | None, bool, Statement], report: WaczReport
) -> WaczReport:
    ids, with_tables, statement = what
    raw, parquet = data / "raw", data / "parquet"
    warcs = sorted(raw.glob("*.warc.gz")) + sorted(raw.glob("*.warc"))
    if ids is not None:  # named as the zip will hold it: the index names files by that
        part = tmp.with_name(tmp.name + ".d") / SELECTION
        part.parent.mkdir(exist_ok=True)
        with part.open("wb") as fh:
            for record in selected_records(data, ids):
                fh.write(record)
        warcs = [part]
    z = _Zip(tmp)
    try:
        for path in warcs:
            z.add_file(f"archive/{path.name}", path)
        blocks, secondary = _cdxj(warcs)
        with gzip.open(io.BytesIO(blocks), "rt", encoding="utf-8") as index_lines:
            report.records = sum(1 for _ in index_lines)
        z.add_bytes("indexes/index.cdx.gz", blocks)
        z.add_bytes("indexes/index.idx", secondary)
        listed = pages(parquet, ids)
        report.pages = len(listed)
        lines = [json.dumps(PAGES_HEADER)] + [json.dumps(p, ensure_ascii=False) for p in listed]
        z.add_bytes("pages/pages.jsonl", ("\n".join(lines) + "\n").encode("utf-8"))
        if with_tables:
            for path in [*sorted(parquet.glob("*.parquet")), parquet / "datapackage.json"]:
                z.add_file(f"tables/{path.name}", path)
                report.tables += path.suffix == ".parquet"
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        package = {
            "profile": "data-package",
            "wacz_version": WACZ_VERSION,
            **describe(data, ids, statement),
            "created": now,
            "modified": now,
            "resources": z.resources,
        }
        if listed:
            package["mainPageUrl"], package["mainPageDate"] = listed[0]["url"], listed[0]["ts"]
        body = json.dumps(package, indent=1).encode("utf-8")
        z.add_bytes("datapackage.json", body, listed=False)
        digest = {"path": "datapackage.json", "hash": f"sha256:{hashlib.sha256(body).hexdigest()}"}
        z.add_bytes("datapackage-digest.json", json.dumps(digest).encode("utf-8"), listed=False)
        report.resources = z.resources
    finally:
        z.zip.close()
        if ids is not None:
            shutil.rmtree(warcs[0].parent, ignore_errors=True)
    report.warc_files = len(warcs)
    return report
