"""What the crawl state holds: `status(data)`, for `jparchive status`.

Counts of the queue by source, kind and state; the latest failures with their reasons;
the WARC files with their sizes; and who holds the writer lock, if anyone. Read-only:
it can run beside a harvest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.archive.index import Index
from pipeline.archive.lock import holder
from pipeline.errors import ConfigError

LATEST_FAILURES = 10


def source_of(url: str) -> str:
    """Which source queued an item, from its URL."""
    if url.startswith("warc:"):
        return "warc"
    if "id_/" in url and "/web/" in url:
        return "wayback"
    return "site"


@dataclass(slots=True)
class Status:
    counts: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    failures: list[dict[str, Any]] = field(default_factory=list)
    warc_files: list[dict[str, Any]] = field(default_factory=list)
    captures: int = 0
    requisites: int = 0  # of the captures, what pages load (stylesheets, images, scripts)
    documents: int = 0  # and what they link to (PDF, DOC...)
    lock: dict[str, Any] | None = None

    def render(self) -> str:
        lines = ["crawl state (queue items by source and kind):"]
        for source, kinds in sorted(self.counts.items()):
            for kind, states in sorted(kinds.items()):
                text = ", ".join(f"{n} {state}" for state, n in sorted(states.items()))
                lines.append(f"  {source:8} {kind:10} {text}")
        if not self.counts:
            lines.append("  (empty)")
        parts = [f"{self.requisites} of them requisites"] if self.requisites else []
        parts += [f"{self.documents} documents"] if self.documents else []
        loads = f" ({', '.join(parts)})" if parts else ""
        lines.append(f"captures indexed: {self.captures}{loads}")
        total = sum(f["size"] for f in self.warc_files)
        lines.append(f"WARC files: {len(self.warc_files)}, {total / 1e6:.1f} MB")
        for f in self.warc_files:
            lines.append(
                f"  {f['name']}  {f['size']:>12,} bytes{'' if f['closed'] else '  (open)'}"
            )
        if self.failures:
            lines.append(f"latest failures ({len(self.failures)} shown):")
            lines += [f"  {f['updated_at']}  {f['url']}: {f['error']}" for f in self.failures]
        if self.lock:
            lock = self.lock
            lines.append(
                f"writer lock: held by PID {lock.get('pid')} ({lock.get('command')}) "
                f"since {lock.get('since')}"
            )
        else:
            lines.append("writer lock: free")
        return "\n".join(lines)


def status(data: Path) -> Status:
    raw = data / "raw"
    if not (raw / "index.sqlite3").exists():
        raise ConfigError(f"no archive at {raw}: run `jparchive harvest --data {data}` first")
    found = Status(lock=holder(data))
    with Index(raw / "index.sqlite3", readonly=True) as index:
        for url, kind, state in index.db.execute("SELECT url, kind, state FROM queue"):
            states = found.counts.setdefault(source_of(url), {}).setdefault(kind, {})
            states[state] = states.get(state, 0) + 1
        found.failures = [
            dict(row)
            for row in index.db.execute(
                "SELECT url, error, status, attempts, updated_at FROM queue "
                "WHERE state = 'failed' ORDER BY updated_at DESC, url LIMIT ?",
                (LATEST_FAILURES,),
            )
        ]
        found.captures = index.db.execute("SELECT COUNT(*) FROM captures").fetchone()[0]
        kinds = dict(index.db.execute(
            "SELECT kind, COUNT(*) FROM captures WHERE kind IN ('requisite', 'document') "
            "GROUP BY kind"
        ).fetchall())  # fmt: skip
        found.requisites, found.documents = kinds.get("requisite", 0), kinds.get("document", 0)
        closed = dict(index.db.execute("SELECT name, closed FROM warc_files"))
    for path in sorted(raw.glob("*.warc.gz")):
        size = path.stat().st_size
        found.warc_files.append(
            {"name": path.name, "size": size, "closed": bool(closed.get(path.name, 1))}
        )
    return found
