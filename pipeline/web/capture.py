"""The archived page itself: a capture's bytes read from its WARC through the index (opened
read-only), served under a Content-Security-Policy that lets it reach nothing.

Only captures the index names are served, and only their payload (a revisit's from its
original); at most `MAX_BODY` bytes of it are decoded, so a gzip bomb in a WARC is cut.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pipeline.archive import Capture, Index, Payloads
from pipeline.errors import StoreError

MAX_BODY = 10 * 1024 * 1024
# No script, no request to any host (ours included), styles and images only inline; the
# page may be framed by ours only, and `sandbox` gives it an opaque origin of its own.
CAPTURE_CSP = (
    "default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "font-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'; "
    "frame-ancestors 'self'; sandbox"
)


class CaptureStore:
    """Reads captures for the web app. Each read opens the index and the WARC file and
    closes them again (a millisecond), so nothing is held across requests or threads."""

    def __init__(self, data: Path) -> None:
        self.raw = data / "raw"

    def read(self, capture_id: int, limit: int = MAX_BODY) -> tuple[bytes, str] | None:
        """(body, content type) of a capture the index names; None for any other ID."""
        return self._read(lambda index: index.capture(capture_id), limit)

    def nearest(self, url: str, when: str, limit: int = MAX_BODY) -> tuple[bytes, str] | None:
        """(body, content type) of the capture of `url` nearest to `when`; None if none."""
        return self._read(lambda index: index.nearest(url, when), limit)

    def _read(
        self, find: Callable[[Index], Capture | None], limit: int
    ) -> tuple[bytes, str] | None:
        path = self.raw / "index.sqlite3"
        if not path.exists():
            return None
        try:
            with Index(path, readonly=True) as index:
                capture = find(index)
                if capture is None or capture.record_type not in (
                    "response",
                    "revisit",
                    "conversion",
                ):
                    return None
                with Payloads(self.raw, index) as payloads:
                    body = payloads.read(capture, limit)[:limit]
        except StoreError:
            return None
        content_type = capture.content_type or "application/octet-stream"
        if capture.record_type == "conversion":
            content_type = "text/plain; charset=utf-8"
        return body, content_type

    @staticmethod
    def headers() -> dict[str, str]:
        return {
            "Content-Security-Policy": CAPTURE_CSP,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Cross-Origin-Resource-Policy": "same-origin",
        }
