"""The Datasette plugin: the hooks Datasette calls (a module, as Datasette expects one)."""

from __future__ import annotations

import html
import re
import sys
import traceback
from typing import Any

from datasette import Response, hookimpl
from datasette.utils.asgi import Base400
from datasette.views.base import DatasetteError

from pipeline.web import cite, pages
from pipeline.web.pool import bound
from pipeline.web.replay import replay


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [
        (r"^/$", pages.home),
        (r"^/search$", pages.search),
        (r"^/search\.(?P<format>csv|json|bib|ris|csl\.json)$", pages.search_export),
        (r"^/activity/(?P<activity_id>[0-9]+)\.(?P<format>bib|ris|csl\.json)$", cite.activity),
        (r"^/activity/(?P<activity_id>[^/]+)$", pages.activity),
        (r"^/capture/(?P<capture_id>[^/]+)$", pages.capture),
        (r"^/replay/(?P<stamp>[^/]+)/(?P<url>.+)$", replay),
        (r"^/document/(?P<document_id>[^/]+)$", pages.document),
        (r"^/programme/(?P<code>[^/]+)$", pages.programme),
        (r"^/programme$", pages.programmes),
        (r"^/country$", pages.countries),
        (r"^/(?P<kind>person|organisation|place)/(?P<key>[^/]+)$", pages.entity),
        (r"^/country/(?P<code>[^/]+)$", pages.country),
        (r"^/-/jparchive-failed/(?P<status>413|503)$", forward_failed),
    ]


FORWARD_FAILED = {
    413: "the request's body is over 1 MB; Datasette's pages take none",
    503: "Datasette's pages (/data/) are not running, or did not answer; the server's "
    "log says why. Try again in a moment.",
}


async def forward_failed(datasette: Any, request: Any) -> Response:
    """What a `/data/` request gets when the SQL pages' process cannot answer it."""
    status = int(request.url_vars["status"])
    return await pages.error_page(datasette, request, status, FORWARD_FAILED[status])


def _plain(message: str) -> str:
    """Datasette's HTML message as one line of text (its query echo left out)."""
    text = re.sub(r"<[^>]*>", " ", message.split("<textarea", 1)[0])
    return " ".join(html.unescape(text).split())


@hookimpl
def prepare_connection(conn: Any) -> None:
    """Every connection Datasette opens: no value over `pool.MAX_VALUE_BYTES`, so a
    query like `printf('%.*c', 1000000000, 'x')` fails at once (its time limit cannot
    stop one function call that runs for seconds and takes gigabytes)."""
    bound(conn)


@hookimpl
def handle_exception(datasette: Any, request: Any, exception: Exception) -> Any:
    """A 4xx (an unknown table, a bad parameter) answered with its one-line reason, as our
    own pages answer, instead of a traceback printed per request; anything else is a 500
    page of ours (JSON for a .json address), its traceback in the server's log."""
    if isinstance(exception, Base400):
        status = exception.status
        reason = str(exception.args[0]) if exception.args else exception.__class__.__name__
    elif isinstance(exception, DatasetteError) and exception.status < 500:
        status, reason = exception.status, str(exception.message)
        if getattr(exception, "message_is_html", False):  # "<p>SQL query took too long..."
            reason = _plain(reason)
    else:  # a bug: its traceback goes to the log, the reader gets a page, not plain text
        traceback.print_exception(exception, file=sys.stderr)
        status = 500
        reason = "something went wrong on the server's side; its log says what"

    async def inner() -> Response:
        if request.path.split("?")[0].endswith(".json"):
            return Response.json({"ok": False, "error": reason, "status": status}, status=status)
        return await pages.error_page(datasette, request, status, reason)

    return inner
