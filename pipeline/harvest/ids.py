"""`--ids SPEC`: activity IDs as ranges, lists and @files."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.errors import ConfigError

MAX_IDS = 1_000_000
_RANGE = re.compile(r"^(\d+)\s*-\s*(\d+)$")


def parse_id_spec(spec: str, *, base_dir: Path | None = None) -> list[int]:
    """IDs from `15000-15010,18356,@ids.txt` (files: one spec per line, # comments).

    >>> parse_id_spec("3-5,1,4")
    [1, 3, 4, 5]
    """
    ids: set[int] = set()
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        if part.startswith("@"):
            path = (base_dir or Path.cwd()) / part[1:]
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                raise ConfigError(f"--ids: cannot read {path}: {exc.strerror}") from exc
            for line in lines:
                line = line.split("#", 1)[0].strip()
                if line:
                    ids.update(parse_id_spec(line, base_dir=path.parent))
        elif m := _RANGE.match(part):
            first, last = int(m.group(1)), int(m.group(2))
            if last < first:
                raise ConfigError(f"--ids: range {part!r} runs backwards; write {last}-{first}")
            if last - first >= MAX_IDS:
                raise ConfigError(f"--ids: range {part!r} is over {MAX_IDS:,} IDs")
            ids.update(range(first, last + 1))
        elif part.isdigit():
            ids.add(int(part))
        else:
            raise ConfigError(f"--ids: {part!r} is not an ID, a range like 15000-15100 or @file")
    if not ids:
        raise ConfigError(f"--ids: {spec!r} names no IDs")
    return sorted(ids)
