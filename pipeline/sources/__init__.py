"""Where pages come from: one module per source, each a `Source` (see `base`).

    site      the site itself or a mirror (robots.txt, --ids, --discover via `listings`)
    wayback   the Internet Archive: the CDX API (`cdx` pure, `cdxclient` paging and
              windows) lists captures, `id_` replays them (`memento`: how to read them)
    warcfile  existing WARC or ARC files, imported record by record (`warcimport`)

A fourth source is one module with a `Source` subclass, named in `SOURCES` below.
May import `pipeline.archive`, `pipeline.fetch` and `pipeline.urls`; never the harvest
job, the build, queries or the CLI.
"""

from __future__ import annotations

from pipeline.errors import ConfigError
from pipeline.sources.base import Job, Settings, Source
from pipeline.sources.site import SiteSource
from pipeline.sources.warcfile import WarcFileSource
from pipeline.sources.wayback import WaybackOptions, WaybackSource

SOURCES: dict[str, type[Source]] = {}


def register(cls: type[Source]) -> type[Source]:
    """Make `cls` a source the harvest can be asked for by its `name`."""
    SOURCES[cls.name] = cls
    return cls


def source_class(name: str) -> type[Source]:
    try:
        return SOURCES[name]
    except KeyError:
        names = list(SOURCES)
        choices = f"{', '.join(names[:-1])} or {names[-1]}" if len(names) > 1 else names[0]
        raise ConfigError(f"--source {name!r}: use {choices}") from None


for _cls in (SiteSource, WaybackSource, WarcFileSource):
    register(_cls)

__all__ = [
    "SOURCES",
    "Job",
    "Settings",
    "SiteSource",
    "Source",
    "WarcFileSource",
    "WaybackOptions",
    "WaybackSource",
    "register",
    "source_class",
]
