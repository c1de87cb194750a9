"""The `jparchive` command: flags in, one library call, errors mapped to exit codes.

    common.py   the group, the shared options, expected errors → one line and an exit code
    harvest.py  `harvest` and its flags
    archive.py  `verify`, `status` and `wacz`: the archive itself
    tables.py   `build`, `parse`, `sql`, `search`, `coverage`, `serve-fixtures`
    web.py      `serve`: the web app

Nothing imports the CLI; everything it does can be done from Python.
"""

from pipeline.cli import archive, exports, harvest, tables, web
from pipeline.cli.common import main

__all__ = ["archive", "exports", "harvest", "main", "tables", "web"]
