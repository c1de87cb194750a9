"""`harvest --source warc FILE...`: import the site's pages from existing WARC or ARC files.

Institutions crawled the site themselves; their files hold its activity and logframe
pages among much else. Each file is one work item, imported record by record
(`pipeline.sources.warcimport`): every response, revisit or conversion (a text
rendering, as WET files hold) of an http(s) URL of the site's page paths is checked and
copied with its requests and metadata; the rest is counted and left. Each imported
record is noted in the queue (`warc:<file>#<offset>`), so importing a file again adds
nothing, and revisits resolve against everything imported or harvested before.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.archive import PENDING, QueueItem
from pipeline.errors import ConfigError
from pipeline.fetch import FetchPolicy
from pipeline.sources.base import Job, Settings, Source
from pipeline.sources.warcimport import Importer
from pipeline.urls import SITE_HOSTS, host

MAGIC = (b"\x1f\x8b", b"WARC/", b"filedesc://")  # gzip, WARC, ARC


def file_kind_problem(path: Path) -> str | None:
    """Why `path` cannot be a WARC or ARC file, or None when it may be one.

    Raises ConfigError when it cannot be read at all (a usage error: nothing is done)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except (IsADirectoryError, FileNotFoundError):
        raise ConfigError(f"--source warc: {path} is not a file") from None
    except OSError as exc:
        raise ConfigError(f"--source warc: cannot read {path}: {exc.strerror}") from exc
    if head.startswith(MAGIC):
        return None
    return f"{path}: not a WARC or ARC file (it starts {head[:12]!r})"


class WarcFileSource(Source):
    """One work item per file, imported in the order given."""

    name = "warc"

    def __init__(self, config: Settings) -> None:
        super().__init__(config)
        self.importer: Importer | None = None
        self.wrong_kind: list[str] = []

    @classmethod
    def check(cls, config: Settings) -> None:
        if not config.files:
            raise ConfigError("--source warc: give the WARC or ARC files to import")
        if config.retry_failed:
            raise ConfigError(
                "--retry-failed goes with --source site or wayback: an import of the same "
                "files again reads them whole, skipping what it already has"
            )

    @property
    def scope(self) -> str | None:
        return None  # imports keep no queue of their own

    def fetch_policy(self, policy: FetchPolicy) -> FetchPolicy:
        return replace(policy, concurrency=1)  # one file after the other, in order

    def warcinfo(self, info: dict[str, str]) -> dict[str, str]:
        """An import is no crawl: no robots rules, no User-Agent, the files it read."""
        return {
            "software": f"jparchive/{__version__} (https://github.com/jparchive)",
            "format": "WARC File Format 1.1",
            "conformsTo": info["conformsTo"],
            "description": "records imported from existing WARC/ARC files, copied as they "
            "were written (ARC records converted); no pages were fetched",
            "source": "warc",
            "source-files": " ".join(str(p.resolve()) for p in self.config.files),
            "command-line": info["command-line"],
            "operator": info["operator"],
        }

    def summary(self) -> dict[str, Any]:
        counts = self.importer.counts() if self.importer else {}
        return {**counts, "not_warc_files": self.wrong_kind}

    async def plan(self, job: Job) -> list[QueueItem]:
        problems = {path: file_kind_problem(path) for path in self.config.files}
        self.wrong_kind = [p for p in problems.values() if p]
        if len(self.wrong_kind) == len(problems):
            raise ConfigError(f"--source warc: nothing to import: {'; '.join(self.wrong_kind)}")
        for path, problem in problems.items():
            if problem:  # counted as failed; the other files are still imported
                key = f"warc:{path.resolve()}#0"
                await job.run_io(job.index.enqueue, [(key, "warc-file", None)])
                await job.run_io(job.index.finish, key, "failed", None, problem)
        ids = set(self.config.ids) if self.config.ids else None
        hosts = SITE_HOSTS | {host(self.config.base_url)} if self.config.requisites else frozenset()
        self.importer = Importer(job.index, job.store, ids, self.config.policy.max_body, hosts)
        return [QueueItem(str(path), "warc-file", None, PENDING, 0, None, None)
                for path, problem in problems.items() if not problem]  # fmt: skip

    async def take(self, job: Job, item: QueueItem) -> bool:
        assert self.importer is not None
        failed = self.importer.failed
        await job.run_io(self.importer.import_file, Path(item.url))
        return self.importer.failed == failed
