"""What one harvest is asked to do: `HarvestConfig`, validated on creation."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from pipeline import __version__
from pipeline.errors import ConfigError
from pipeline.fetch import FetchPolicy
from pipeline.sources import WaybackOptions, source_class
from pipeline.urls import DOCUMENT_HOSTS, host


@dataclass(frozen=True, slots=True)
class HarvestConfig:
    base_url: str
    data: Path
    policy: FetchPolicy
    ids: tuple[int, ...] = ()
    discover: bool = False
    command_line: str = ""
    progress: bool | None = None  # None: a bar on a terminal, log lines otherwise
    source: str = "site"  # a name in pipeline.sources.SOURCES: "site" (or a mirror), ...
    wayback: WaybackOptions = field(default_factory=WaybackOptions)
    files: tuple[Path, ...] = ()  # WARC/ARC files to import, for the "warc" source
    retry_failed: bool = False  # take only what failed before; queue nothing new
    requisites: bool = True  # what each page loads (stylesheets, images, scripts), once each
    # each activity's other URL too (`Countries.asp?ID=n`, what listings link): a second request
    variants: bool = True
    documents: bool | None = None  # the documents pages link to; None: the source's default
    document_hosts: frozenset[str] | None = None  # None: DOCUMENT_HOSTS and the site's host
    max_document_bytes: int = 50 * 1024 * 1024  # larger ones archived cut, WARC-Truncated

    def __post_init__(self) -> None:
        source = source_class(self.source)
        url = self.service_url
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"{source.url_flag} {url!r} is not an http(s) URL with a host")
        if self.max_document_bytes < 1:
            raise ConfigError(f"--max-document-bytes {self.max_document_bytes}: give 1 or more")
        for name in self.document_hosts or ():
            if not name or any(c in name for c in ":/ ") or name != name.lower():
                raise ConfigError(
                    f"--document-hosts: {name!r} is not a host name or IP address in lower "
                    "case, without a scheme or a port (e.g. www.coe.int,rm.coe.int)"
                )
        source.check(self)

    @property
    def take_documents(self) -> bool:
        """Whether documents are harvested: as asked, else the source's default."""
        if self.documents is not None:
            return self.documents
        return source_class(self.source).documents_by_default

    @property
    def documents_from(self) -> frozenset[str]:
        """The hosts documents are harvested from: `--document-hosts`, else the Council
        of Europe's document hosts and the site's (or mirror's) own."""
        if self.document_hosts is not None:
            return self.document_hosts
        return DOCUMENT_HOSTS | {host(self.base_url)}

    @property
    def raw(self) -> Path:
        return self.data / "raw"

    @property
    def service_url(self) -> str:
        """Where the pages are fetched from: the source's server (the site, a mirror, the
        Wayback Machine)."""
        return source_class(self.source).service_url(self)

    @property
    def host(self) -> str:
        return host(self.service_url)


def warcinfo(config: HarvestConfig) -> dict[str, str]:
    return {
        "software": f"jparchive/{__version__} (https://github.com/jparchive)",
        "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        "isPartOf": config.base_url,
        "source": config.source,
        "command-line": config.command_line or " ".join(sys.argv),
        "operator": config.policy.contact,
        "http-header-user-agent": config.policy.user_agent,
        "robots": "obey" if config.policy.obey_robots else "ignore (--ignore-robots)",
    }
