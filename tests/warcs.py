"""Read every WARC a test produced, verifying digests as `warcio check` does."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator


@dataclass(frozen=True)
class Record:
    file: str
    type: str
    uri: str | None
    headers: dict[str, str]
    payload: bytes
    http_status: int | None


def read_all(raw: Path) -> list[Record]:
    """Every record of every WARC under `raw`; fails the test on a bad digest or a bad file."""
    records: list[Record] = []
    files = sorted(raw.glob("*.warc.gz"))
    assert files, f"no WARC files in {raw}"
    for path in files:
        with path.open("rb") as fh:
            for rec in ArchiveIterator(fh, check_digests=True):
                payload = rec.content_stream().read()
                assert rec.digest_checker.passed is not False, (
                    path.name,
                    rec.digest_checker.problems,
                )
                if rec.rec_type == "response":
                    assert rec.digest_checker.passed is True, (
                        path.name,
                        "response without digests",
                    )
                status = (
                    rec.http_headers.get_statuscode()
                    if rec.http_headers and rec.rec_type != "request"
                    else None
                )
                records.append(
                    Record(
                        path.name,
                        rec.rec_type,
                        rec.rec_headers.get_header("WARC-Target-URI"),
                        dict(rec.rec_headers.headers),
                        payload,
                        int(status) if status else None,
                    )
                )
    return records


def responses(records: list[Record], uri_part: str) -> list[Record]:
    return [r for r in records if r.type in ("response", "revisit") and r.uri and uri_part in r.uri]
