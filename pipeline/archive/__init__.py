"""The archive on disk: WARC files and the SQLite index that is also the crawl state.

    store.py   WarcStore: exchanges written as gzip WARC 1.1 records, fsynced, then indexed;
               recovery of a file left open by a crash (`members` finds torn records)
    payloads.py  payloads read back through the index (`Payloads`), decoded within a bound
    rawwarc.py   any WARC file's records as their exact bytes, framing and digests checked
    gzmembers.py the one reader of gzip members (recovery, the audit, imports)
    orphans.py   whole records a crash left unindexed, indexed by the next run
    imported.py  what imports note in the index (files by sha256, records by ID)
    verify.py    the fixity audit; status.py: the crawl state at a glance
    index.py   Index: captures (where every record is), the queue, the CDX cache, WARC files
    lock.py    WriterLock: one writer per data root (an flock the kernel drops on death)

Imports nothing of jparchive but `pipeline.errors`; everything else reads or writes the
archive through these two modules.
"""

from pipeline.archive.index import (
    DONE,
    FAILED,
    PENDING,
    SKIPPED,
    Capture,
    Index,
    QueueItem,
)
from pipeline.archive.lock import WriterLock, holder
from pipeline.archive.payloads import Payloads, payload_at, read_payload
from pipeline.archive.rawwarc import payload_digest
from pipeline.archive.store import (
    Exchange,
    WarcStore,
    recover,
    warc_date,
)

__all__ = [
    "DONE",
    "FAILED",
    "PENDING",
    "SKIPPED",
    "Capture",
    "Exchange",
    "Index",
    "Payloads",
    "QueueItem",
    "WarcStore",
    "WriterLock",
    "holder",
    "payload_at",
    "payload_digest",
    "read_payload",
    "recover",
    "warc_date",
]
