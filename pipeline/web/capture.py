"""The archived page itself: a capture's bytes read from its WARC through the index (opened
read-only), served under a Content-Security-Policy that lets it reach nothing.

Only captures the index names are served, and only their payload (a revisit's from its
original); at most `MAX_BODY` bytes of it are decoded, so a gzip bomb in a WARC is cut.
"""

from __future__ import annotations

import threading
from pathlib import Path

from pipeline.archive import Index, Payloads
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
    """Reads captures for the web app; one per server, safe across its threads."""

    def __init__(self, data: Path) -> None:
        self.raw = data / "raw"
        self._lock = threading.Lock()
        self._index: Index | None = None
        self._payloads: Payloads | None = None

    def _open(self) -> Payloads | None:
        if self._payloads is None:
            path = self.raw / "index.sqlite3"
            if not path.exists():
                return None
            self._index = Index(path, readonly=True)
            self._payloads = Payloads(self.raw, self._index)
        return self._payloads

    def read(self, capture_id: int) -> tuple[bytes, str] | None:
        """(body, content type) of a capture the index names; None for any other ID."""
        with self._lock:
            payloads = self._open()
            if payloads is None or self._index is None:
                return None
            capture = self._index.capture(capture_id)
            if capture is None or capture.record_type not in ("response", "revisit", "conversion"):
                return None
            try:
                body = payloads.read(capture, MAX_BODY)[:MAX_BODY]
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

    def close(self) -> None:
        with self._lock:
            if self._payloads is not None:
                self._payloads.close()
            if self._index is not None:
                self._index.close()
            self._payloads = self._index = None
