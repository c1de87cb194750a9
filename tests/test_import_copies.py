"""A WARC file is imported once, whatever it is called: a byte-identical copy under
another name adds nothing, a file that holds records archived already (by WARC-Record-ID
and digest) adds only its new ones, and `verify` reports duplicate record IDs."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

from pipeline.archive import Index, WarcStore
from tests.conftest import run_cli
from tests.test_warc_import import IDS, write_warc
from tests.warcs import read_all


def imports(data: Path, *files: Path) -> tuple[str, dict[str, object]]:
    result = run_cli("harvest", "--source", "warc", *map(str, files), "--data", str(data),
                     "--no-progress")  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    report = next(x for x in result.stdout.splitlines() if x.startswith("report: "))
    found: dict[str, object] = json.loads(Path(report[8:]).read_text())["discovered"]
    return result.stdout, found


def record_ids(data: Path) -> list[str]:
    return [r.headers["WARC-Record-ID"] for r in read_all(data / "raw")]


def captures(data: Path) -> int:
    with Index(data / "raw" / "index.sqlite3", readonly=True) as index:
        return sum(1 for _ in index.captures())


def test_a_copy_under_another_name_adds_nothing(tmp_path: Path) -> None:
    original = tmp_path / "crawl.warc.gz"
    write_warc(original, IDS[:10], gzip=True)
    data = tmp_path / "data"
    imports(data, original)
    before, ids = captures(data), record_ids(data)
    copy = tmp_path / "held" / "copy-of-crawl.warc.gz"
    copy.parent.mkdir()
    shutil.copyfile(original, copy)
    out, found = imports(data, copy)
    assert captures(data) == before == 11 and record_ids(data) == ids  # 10 pages, the CSS
    assert found["copies_of_imported_files"] == {str(copy): str(original.resolve())}
    assert f"{copy}: the same bytes (sha256) as {original.resolve()}" in out
    assert run_cli("verify", "--data", str(data)).returncode == 0


def test_records_archived_already_are_not_stored_twice(tmp_path: Path) -> None:
    first, second = tmp_path / "a.warc.gz", tmp_path / "b.warc.gz"
    write_warc(first, IDS[:6], gzip=True)
    write_warc(second, IDS[6:9], gzip=True)
    merged = tmp_path / "merged.warc.gz"  # another institution's file: both crawls in one
    merged.write_bytes(first.read_bytes() + second.read_bytes())
    data = tmp_path / "data"
    imports(data, first)
    _, found = imports(data, merged)
    ids = record_ids(data)
    assert len(ids) == len(set(ids)), "a WARC-Record-ID stored twice"
    assert captures(data) == 6 + 3 + 2  # the pages and each file's stylesheet (its own ID)
    # the first file's 6 pages, 6 requests, its CSS, its warcinfo
    assert found["duplicate_records"] == 14
    assert run_cli("verify", "--data", str(data)).returncode == 0


def test_verify_reports_a_duplicate_record_id(tmp_path: Path) -> None:
    crawl = tmp_path / "crawl.warc.gz"
    write_warc(crawl, IDS[:2], gzip=True)
    data = tmp_path / "data"
    imports(data, crawl)
    [name] = [p.name for p in (data / "raw").glob("*.warc.gz")]
    page = next(r for r in read_all(data / "raw") if r.type == "response")
    with gzip.open(data / "raw" / name) as fh:  # the first response record, as bytes
        whole = fh.read()
    start = whole.index(b"WARC/1.", whole.index(b"WARC-Type: response") - 200)
    with (
        Index(data / "raw" / "index.sqlite3") as index,
        WarcStore(data / "raw", index, {}) as store,
    ):
        store.copy(whole[start : whole.index(b"\r\n\r\nWARC/1.", start) + 4], capture=None,
                   done_url=None)  # fmt: skip
    audit = run_cli("verify", "--data", str(data))
    assert audit.returncode == 1, audit.stdout
    record_id = page.headers["WARC-Record-ID"]
    assert (
        f"response record {record_id}: the same WARC-Record-ID as at {name} offset" in audit.stdout
    )
