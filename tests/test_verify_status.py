"""`verify` passes a sound archive and names the file after one byte is flipped; `status`
shows the crawl state; `harvest --retry-failed` retries only what failed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline.archive import WriterLock
from pipeline.archive.fixity import BLOCK
from pipeline.archive.members import members
from pipeline.fetch import FetchPolicy
from pipeline.harvest import HarvestConfig, harvest
from tests.conftest import archive_captures, run_cli
from tests.servers import Fail, FaultServer


@pytest.fixture
def copy(archive: Path, tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(archive, data, symlinks=True)
    return data


def flip(path: Path, at: float) -> int:
    """Flip every bit of one byte, `at` of the way into the file; returns its offset."""
    raw = bytearray(path.read_bytes())
    offset = int(len(raw) * at)
    raw[offset] ^= 0xFF
    path.write_bytes(bytes(raw))
    return offset


def test_verify_passes_a_sound_archive_and_writes_its_report(copy: Path) -> None:
    result = run_cli("verify", "--data", str(copy))
    assert result.returncode == 0, result.stdout + result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith("verify: 2 WARC files") and first.endswith("Parquet files: sound")
    assert "closed before their fixity was kept" not in result.stdout
    report = json.loads(Path(result.stdout.split("report: ")[1].strip()).read_text())
    n = archive_captures()
    assert (
        report["problems"] == [] and report["captures"] == n and report["records"] == 2 * n + 2
    )  # a warcinfo per run; the site's responses and requests, the import's copies and
    # their metadata records


@pytest.mark.parametrize("at", [0.3, 0.6, 0.95])
def test_verify_names_the_warc_file_after_one_byte_is_flipped(copy: Path, at: float) -> None:
    warc = sorted((copy / "raw").glob("*.warc.gz"))[0]  # the site harvest's (the first run)
    flip(warc, at)
    result = run_cli("verify", "--data", str(copy))
    assert result.returncode == 1
    problems = [line for line in result.stdout.splitlines() if line.startswith("  problem: ")]
    assert problems and all(warc.name in line for line in problems), result.stdout
    assert " at offset " in problems[0]


def member_starts(path: Path) -> list[int]:
    with path.open("rb") as fh:
        return [member.start for member in members(fh)]


@pytest.mark.parametrize("field", [4, 7, 8, 9])  # the header's time (first, last byte), XFL, OS
@pytest.mark.parametrize("which", [0, 1, -1])  # the warcinfo's member, the next, the last
def test_verify_finds_a_byte_no_checksum_covers(copy: Path, field: int, which: int) -> None:
    """A gzip header's time, flags and system are covered by no CRC and no record digest
    (a reader inflates the member as sound): the file's fixity, kept when it was closed,
    is what finds the change, and names the block it is in."""
    warc = sorted((copy / "raw").glob("*.warc.gz"))[0]
    offset = member_starts(warc)[which] + field
    raw = bytearray(warc.read_bytes())
    raw[offset] ^= 0xFF
    warc.write_bytes(bytes(raw))
    result = run_cli("verify", "--data", str(copy))
    assert result.returncode == 1, result.stdout
    problems = [line for line in result.stdout.splitlines() if line.startswith("  problem: ")]
    block = offset - offset % BLOCK
    assert problems == [
        f"  problem: {warc.name} at offset {block}: bytes {block}-"
        f"{min(block + BLOCK, len(raw)) - 1} are not those it held when it was closed"
    ]


@pytest.mark.parametrize("change", ["cut", "grown", "gone"])
def test_verify_finds_a_warc_file_cut_grown_or_gone(copy: Path, change: str) -> None:
    warc = sorted((copy / "raw").glob("*.warc.gz"))[-1]
    raw = warc.read_bytes()
    ends = member_starts(warc)
    if change == "cut":  # at a member's end: every record left is whole
        warc.write_bytes(raw[: ends[-1]])
    elif change == "grown":
        warc.write_bytes(raw + raw[ends[-1] :])  # the last record once more
    else:
        warc.unlink()
    result = run_cli("verify", "--data", str(copy))
    assert result.returncode == 1
    said = {
        "cut": f"{warc.name} at offset ",
        "grown": f"{warc.name} at offset {len(raw) - len(raw) % BLOCK}: ",
        "gone": f"{warc.name}: closed with {len(raw)} bytes, now missing",
    }[change]
    assert f"  problem: {said}" in result.stdout, result.stdout


def test_verify_names_a_parquet_file_that_changed(copy: Path) -> None:
    table = (copy / "parquet").resolve() / "countries.parquet"
    flip(table, 0.5)
    result = run_cli("verify", "--data", str(copy))
    assert result.returncode == 1
    assert f"  problem: {copy / 'parquet' / 'countries.parquet'}: its sha256" in result.stdout


def test_verify_finds_an_index_entry_with_no_record(copy: Path) -> None:
    import sqlite3

    db = sqlite3.connect(copy / "raw" / "index.sqlite3")
    db.execute("UPDATE captures SET warc_offset = warc_offset + 1 WHERE capture_id = 5")
    db.commit()
    db.close()
    result = run_cli("verify", "--data", str(copy))
    assert result.returncode == 1 and "capture 5: no record starts here" in result.stdout


def test_verify_without_an_archive_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("verify", "--data", str(tmp_path))
    assert (result.returncode, result.stderr) == (
        2,
        f"Error: ConfigError: no archive at {tmp_path / 'raw'}: nothing to verify\n",
    )


def test_status_shows_counts_files_failures_and_the_lock(copy: Path) -> None:
    result = run_cli("status", "--data", str(copy))
    assert result.returncode == 0, result.stderr
    assert "  site     activity   84 done" in result.stdout  # 42 IDs, both their URLs
    assert (
        f"captures indexed: {archive_captures()} (9 of them requisites, 11 documents)"
        in result.stdout
        and "WARC files: 2, " in result.stdout
    )
    assert "writer lock: free" in result.stdout
    with WriterLock(copy, "jparchive harvest (busy)"):
        busy = run_cli("status", "--data", str(copy))
    assert (
        "writer lock: held by PID " in busy.stdout and "(jparchive harvest (busy))" in busy.stdout
    )


def test_retry_failed_retries_only_what_failed(tmp_path: Path) -> None:
    policy = FetchPolicy(rate=0, retries=0, contact="tests@localhost")
    with FaultServer({3: Fail(status=503, times=1)}) as server:
        first = harvest(HarvestConfig(base_url=server.url, data=tmp_path, policy=policy,
                                      ids=(1, 2, 3), progress=False,
                                      variants=False))  # fmt: skip
        assert (first.this_run["done"], first.this_run["failed"]) == (2, 1)
        status = run_cli("status", "--data", str(tmp_path))
        assert "1 failed" in status.stdout and "HTTP 503" in status.stdout
        server.log.clear()
        result = run_cli(
            "harvest", "--base-url", server.url, "--retry-failed", "--rate", "0",
            "--data", str(tmp_path), "--no-progress",
        )  # fmt: skip
        asked = [r.activity_id for r in server.log if r.activity_id is not None]
    assert result.returncode == 0, result.stdout + result.stderr
    assert asked == [3]
    assert "harvest: 1 done, 0 failed" in result.stdout
    assert "crawl state: 3 done, 0 failed" in result.stdout
