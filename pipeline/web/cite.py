"""Citations from the web app: an activity's (`/activity/<id>.bib`, `.ris`, `.csl.json`)
and a search's results' (`/search.bib?q=...`, every match, the page's own filters), in
the formats `jparchive export` writes (`pipeline.exports.citations`)."""

from __future__ import annotations

import json
from typing import Any

from datasette import Response
from datasette.app import Datasette
from datasette.utils.asgi import Request

from pipeline.exports.citations import CITED_COLUMNS, cited, render
from pipeline.web import queries as Q
from pipeline.web.pool import PagePool

# the address's ending: (the export's format, its content type)
FORMATS = {
    "bib": ("bibtex", "application/x-bibtex; charset=utf-8"),
    "ris": ("ris", "application/x-research-info-systems; charset=utf-8"),
    "csl.json": ("csl-json", "application/vnd.citationstyles.csl+json; charset=utf-8"),
}
_CITED_SQL = (
    f"SELECT {', '.join(CITED_COLUMNS)} FROM activities "
    "WHERE activity_id IN (SELECT value FROM json_each(:ids))"
)


async def citations(ds: Datasette, ids: list[int], ending: str, name: str) -> Response:
    """The citations of `ids`, in their order, as a download `name.<ending>`."""
    pool: PagePool = ds._jparchive_pool
    rows: list[dict[str, Any]] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found = await pool.rows(_CITED_SQL, {"ids": json.dumps(chunk)})
        by_id = {r["activity_id"]: r for r in found}
        rows += [by_id[i] for i in chunk if i in by_id]
    fmt, content_type = FORMATS[ending]
    body = render([cited(r) for r in rows], fmt)
    download = {"content-disposition": f'attachment; filename="{name}.{ending}"'}
    return Response(body, content_type=content_type, headers=download)


async def activity(datasette: Datasette, request: Request) -> Response:
    from pipeline.web.pages import error_page

    try:
        aid = Q.positive_int(request.url_vars["activity_id"], "activity")
    except Q.BadRequest as exc:
        return await error_page(datasette, request, 400, str(exc))
    pool: PagePool = datasette._jparchive_pool
    if not await pool.rows("SELECT 1 FROM activities WHERE activity_id = :id", {"id": aid}):
        return await error_page(datasette, request, 404, f"no activity {aid} in the archive")
    return await citations(datasette, [aid], request.url_vars["format"], f"jp-activity-{aid}")
