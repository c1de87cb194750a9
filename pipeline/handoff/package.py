"""What a WACZ's `datapackage.json` says of the archive it holds, for the institution that
receives it: a title and a description drawn from what the archive holds (pages, sources,
dates), the rights and the publisher the sending institution states, the software, the
crawl's scope, the sources (the site, the Wayback Machine, the imported files by name and
sha256) and, for a part of the archive, which activities and why.

    describe(data, ids, Statement.read(data, title="...", rights="CC BY 4.0"))

The statement comes from `wacz`'s flags, else from `DATA/wacz.json` (keys: title,
description, rights, publisher, contact), else defaults that say it was not stated.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from pipeline import __version__
from pipeline.archive import Index
from pipeline.errors import ConfigError

STATEMENT_FILE = "wacz.json"
TITLE = "jparchive: the Joint Programmes site of the Council of Europe (www.jp.coe.int)"
NOT_STATED = "not stated by the institution that made this package"
SOURCE_TITLES = {
    "site": "www.jp.coe.int (the site, or a mirror of it)",
    "wayback": "the Internet Archive's Wayback Machine (web.archive.org)",
    "warc": "WARC files of other institutions' crawls (imported_files)",
}
SCOPE = (
    "www.jp.coe.int, the Council of Europe's Joint Programmes site (2003-2020): its "
    "Activity Details pages (CEAD/Countries.asp?ID=n), its programmes' logframe views "
    "(CEAD/JP/Default.asp), what those pages load to look as they did (stylesheets, images, "
    "scripts) and the documents they link on the site's and the Council of Europe's hosts"
)


@dataclass(frozen=True, slots=True)
class Statement:
    """What the sending institution states: given by flags, or in DATA/wacz.json."""

    title: str | None = None
    description: str | None = None
    rights: str | None = None
    publisher: str | None = None
    contact: str | None = None

    @classmethod
    def read(cls, data: Path, **given: str | None) -> Statement:
        """The flags given, over what DATA/wacz.json states."""
        path = data / STATEMENT_FILE
        stated: dict[str, Any] = {}
        if path.exists():
            try:
                stated = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise ConfigError(f"wacz: cannot read {path}: {exc}") from exc
            if not isinstance(stated, dict):
                raise ConfigError(f"wacz: {path} must hold a JSON object")
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(stated) - names)
        if unknown:
            raise ConfigError(f"wacz: {path}: unknown keys {unknown}; known: {sorted(names)}")
        found = cls(**{k: str(v) for k, v in stated.items() if v is not None})
        return replace(found, **{k: v for k, v in given.items() if v is not None})


def _holdings(parquet: Path, ids: set[int] | None) -> dict[str, Any]:
    captures = pq.read_table(
        parquet / "captures.parquet", columns=["activity_id", "kind", "source", "captured_at"]
    ).to_pylist()
    if ids is not None:
        captures = [c for c in captures if c["activity_id"] in ids]
    times = sorted(c["captured_at"] for c in captures)
    kinds: dict[str, int] = {}
    for c in captures:
        kinds[c["kind"]] = kinds.get(c["kind"], 0) + 1
    return {
        "captures": len(captures),
        "by_kind": dict(sorted(kinds.items())),
        "sources": sorted({c["source"] for c in captures}),
        "first": times[0].strftime("%Y-%m-%d") if times else None,
        "last": times[-1].strftime("%Y-%m-%d") if times else None,
    }


def _imported_files(data: Path) -> list[dict[str, Any]]:
    with Index(data / "raw" / "index.sqlite3", readonly=True) as index:
        rows = index.db.execute(
            "SELECT path, sha256, size FROM source_files WHERE completed = 1 ORDER BY path"
        ).fetchall()
    return [{"name": Path(p).name, "sha256": s, "bytes": n} for p, s, n in rows]


def _description(held: dict[str, Any], imported: list[dict[str, Any]]) -> str:
    kinds = held["by_kind"]
    names = {"site": "the site itself", "wayback": "the Internet Archive's Wayback Machine",
             "warc": f"{len(imported)} WARC file(s) of other institutions' crawls"}  # fmt: skip
    sources = ", ".join(names.get(s, s) for s in held["sources"]) or "nothing yet"
    views = sum(n for k, n in kinds.items() if k.startswith("logframe"))
    return (
        f"{kinds.get('activity', 0):,} captures of Activity Details pages and {views:,} of "
        f"logframe views of the Council of Europe's Joint Programmes site, with "
        f"{kinds.get('requisite', 0):,} stylesheets, images and scripts they load and "
        f"{kinds.get('document', 0):,} documents they link; captured from {sources}, "
        f"between {held['first']} and {held['last']}. Harvested and packaged by jparchive."
    )


def describe(data: Path, ids: set[int] | None, statement: Statement) -> dict[str, Any]:
    """The descriptive fields of the WACZ's datapackage.json."""
    held = _holdings(data / "parquet", ids)
    imported = _imported_files(data)
    out: dict[str, Any] = {
        "title": statement.title or TITLE,
        "description": statement.description or _description(held, imported),
        "software": f"jparchive {__version__}",
        "rights": statement.rights or NOT_STATED,
        "publisher": statement.publisher or NOT_STATED,
        "scope": SCOPE,
        # Data Package `sources`: where the data came from
        "sources": [{"title": SOURCE_TITLES.get(s, s)} for s in held["sources"]],
        "imported_files": imported,
        "capture_dates": {"first": held["first"], "last": held["last"]},
        "captures_by_kind": held["by_kind"],
    }
    if statement.rights:  # a Data Package licence needs a name: the statement is its title
        out["licenses"] = [{"name": "stated", "title": statement.rights}]
    if statement.publisher or statement.contact:
        person = {"title": statement.publisher or NOT_STATED, "role": "publisher"}
        out["contributors"] = [person | ({"email": statement.contact} if statement.contact else {})]
    if ids is not None:
        out["selection"] = {
            "activity_ids": sorted(ids),
            "note": "a part of the archive (`jparchive wacz --ids`): these activities' "
            "captures, with their requests and metadata and the warcinfo records of the "
            "files they come from",
        }
    return out
