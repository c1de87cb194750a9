"""The archived page as it looked: `/replay/<YYYYMMDDhhmmss>/<original URL>`.

The capture of that URL nearest the time is served with what it loads pointed back here
at the same time (`pipeline.requisites.rewrite`): its stylesheets, images and frames come
from the archive, each the capture nearest the page's, and nothing from anywhere else. A
page's links lead to the archive's captures too. Scripts never run, and the response is
sandboxed (an opaque origin): it can load from here (styles, images, frames) and reach
nothing else. What the archive does not hold is a 404.
"""

from __future__ import annotations

import re

from datasette import Response
from datasette.app import Datasette
from datasette.utils.asgi import Request

from pipeline.requisites.rewrite import rewrite_css, rewrite_html
from pipeline.web.capture import CaptureStore

# Styles, images, fonts and frames from here only; no script; no request anywhere else.
REPLAY_CSP = (
    "default-src 'none'; script-src 'none'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; frame-src 'self'; connect-src 'none'; "
    "form-action 'none'; base-uri 'none'; frame-ancestors 'self'; sandbox"
)
_STAMP = re.compile(r"^[0-9]{14}$")
_HTML = ("text/html", "application/xhtml+xml")


def replay_url(stamp: str, url: str) -> str:
    return f"/replay/{stamp}/{url}"


def stamp_of(captured_at: str) -> str:
    """`2007-03-21T10:00:00Z` → `20070321100000`."""
    return re.sub(r"\D", "", captured_at)[:14]


def _iso(stamp: str) -> str:
    s = stamp
    return f"{s[:4]}-{s[4:6]}-{s[6:8]}T{s[8:10]}:{s[10:12]}:{s[12:14]}Z"


def _decoded_css(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("windows-1252", "replace")


def replayed(body: bytes, content_type: str, url: str, stamp: str) -> tuple[bytes, str]:
    """(body, content type) as replayed: markup and stylesheets pointed back here."""
    kind = content_type.split(";")[0].strip().lower()
    to = lambda u: replay_url(stamp, u)  # noqa: E731
    if kind in _HTML:
        page = rewrite_html(body, url, content_type, to)
        return page.encode("utf-8"), "text/html; charset=utf-8"
    if kind == "text/css":
        return rewrite_css(_decoded_css(body), url, to).encode("utf-8"), "text/css; charset=utf-8"
    return body, content_type


async def replay(datasette: Datasette, request: Request) -> Response:
    from pipeline.web.pages import error_page

    stamp, url = request.url_vars["stamp"], request.url_vars["url"]
    if request.query_string:
        url = f"{url}?{request.query_string}"
    if not _STAMP.match(stamp) or not url.startswith(("http://", "https://")):
        reason = "a replay address is /replay/YYYYMMDDhhmmss/http://original-url"
        return await error_page(datasette, request, 400, reason)
    store: CaptureStore = datasette._jparchive_captures
    found = store.nearest(url, _iso(stamp))
    if found is None:
        return await error_page(datasette, request, 404, f"the archive holds no capture of {url}")
    body, content_type = replayed(*found, url, stamp)
    response = Response(body, status=200, content_type=content_type)
    response.headers.update(CaptureStore.headers())
    response.headers["Content-Security-Policy"] = REPLAY_CSP
    # the sandboxed page has an opaque origin: what it loads from here is cross-origin
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response
