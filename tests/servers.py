"""A local HTTP server that misbehaves on purpose, per activity ID, and logs every request.

    with FaultServer({3: Fail(500, times=2), 7: Redirect("http://elsewhere.invalid/")}) as s:
        harvest(... base_url=s.url ...)
        s.requests_for(3)      # [RequestLog(...), ...] with start/end times at the server

HTTP/1.1 with keep-alive, written on asyncio streams so that it can do what a real broken
server does: stall, drop a connection mid-body, redirect in circles, send a body larger
than promised limits, lie about its charset.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import socket
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from pathlib import Path
from typing import Self
from urllib.parse import parse_qsl, urlsplit

from pipeline.fixtures.assets import ASSETS
from pipeline.fixtures.render import render_activity
from pipeline.fixtures.synth import synthetic_specs


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (for a server a test starts, or none)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(port: int, seconds: float = 10.0) -> None:
    """Wait for a server a test started on 127.0.0.1:`port` to answer."""
    import httpx

    deadline = time.monotonic() + seconds
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
            return
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise AssertionError(f"nothing answers on 127.0.0.1:{port}") from None
            time.sleep(0.05)


def activity_page(activity_id: int) -> bytes:
    """A synthetic activity page (windows-1252) carrying the given ID."""
    spec = next(synthetic_specs(1, seed=activity_id))
    spec = dataclasses.replace(
        spec, record=dataclasses.replace(spec.record, activity_id=activity_id)
    )
    spec = dataclasses.replace(
        spec, style=dataclasses.replace(spec.style, encoding="windows-1252", header_charset=None)
    )
    return render_activity(spec)


@dataclass
class Behaviour:
    """What the server does for one activity ID; `times` bad answers, then a good page."""

    times: int = 1

    async def answer(
        self, server: FaultServer, n: int, aid: int
    ) -> tuple[int, dict[str, str], bytes] | None:
        return None  # None: answer normally


@dataclass
class Slow(Behaviour):
    delay: float = 5.0

    async def answer(
        self, server: FaultServer, n: int, aid: int
    ) -> tuple[int, dict[str, str], bytes] | None:
        if n <= self.times:
            await asyncio.sleep(self.delay)
        return None


@dataclass
class Drop(Behaviour):
    """Promise a Content-Length, send half of it, close the connection."""


@dataclass
class Fail(Behaviour):
    status: int = 500
    retry_after: str | None = None  # "seconds:N" or "date:N" (N seconds from now)

    async def answer(
        self, server: FaultServer, n: int, aid: int
    ) -> tuple[int, dict[str, str], bytes] | None:
        if n > self.times:
            return None
        headers = {"Content-Type": "text/html"}
        if self.retry_after:
            kind, seconds = self.retry_after.split(":")
            value = (
                seconds
                if kind == "seconds"
                else formatdate(time.time() + float(seconds), usegmt=True)
            )
            headers["Retry-After"] = value
        return self.status, headers, f"<html><body>Error {self.status}</body></html>".encode()


@dataclass
class Redirect(Behaviour):
    location: str = ""
    times: int = 1_000_000

    async def answer(
        self, server: FaultServer, n: int, aid: int
    ) -> tuple[int, dict[str, str], bytes] | None:
        return 302, {"Location": self.location, "Content-Type": "text/html"}, b"<html>Moved</html>"


@dataclass
class Body(Behaviour):
    """A fixed body and content type, every time."""

    body: bytes = b""
    content_type: str = "text/html"
    times: int = 1_000_000

    async def answer(
        self, server: FaultServer, n: int, aid: int
    ) -> tuple[int, dict[str, str], bytes] | None:
        return 200, {"Content-Type": self.content_type}, self.body


@dataclass
class RequestLog:
    target: str
    activity_id: int | None
    start: float
    end: float = 0.0
    in_flight: int = 0  # requests being served when this one arrived, itself included
    status: int = 0


@dataclass
class FaultServer:
    behaviours: dict[int, Behaviour] = field(default_factory=dict)
    robots: str = "User-agent: *\nDisallow: /private/\n"
    latency: float = 0.0  # seconds before every answer
    listen_port: int = 0  # 0: any free port

    def __post_init__(self) -> None:
        self.log: list[RequestLog] = []
        self.counts: dict[str, int] = {}
        self.in_flight = 0
        self.max_in_flight = 0
        self._pages: dict[int, bytes] = {}
        self._ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.port = 0

    # --- lifecycle ------------------------------------------------------------------------------
    def __enter__(self) -> Self:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._serve())
        self._loop.close()

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        server = await asyncio.start_server(self._connection, "127.0.0.1", self.listen_port)
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._tasks: set[asyncio.Task[None]] = set()
        async with server:
            await self._stop.wait()
            server.close()
            for task in list(self._tasks):  # idle keep-alive connections
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)

    def requests_for(self, activity_id: int) -> list[RequestLog]:
        return [r for r in self.log if r.activity_id == activity_id]

    def page(self, activity_id: int) -> bytes:
        if activity_id not in self._pages:
            self._pages[activity_id] = activity_page(activity_id)
        return self._pages[activity_id]

    # --- HTTP -------------------------------------------------------------------------------
    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                target = head.split(b" ", 2)[1].decode("latin-1")
                if not await self._request(target, writer):
                    break
        except (
            asyncio.IncompleteReadError,
            ConnectionError,
            asyncio.LimitOverrunError,
            asyncio.CancelledError,
        ):
            pass
        finally:
            writer.close()
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await writer.wait_closed()
            self._tasks.discard(task)

    async def _request(self, target: str, writer: asyncio.StreamWriter) -> bool:
        """Serve one request; False when the connection is to be dropped."""
        query = dict(parse_qsl(urlsplit(target).query))
        aid = int(query["ID"]) if query.get("ID", "").isdigit() else None
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        entry = RequestLog(target, aid, time.monotonic(), in_flight=self.in_flight)
        self.log.append(entry)
        self.counts[target] = n = self.counts.get(target, 0) + 1
        try:
            if self.latency:
                await asyncio.sleep(self.latency)
            behaviour = self.behaviours.get(aid) if aid is not None else None
            if isinstance(behaviour, Drop) and n <= behaviour.times:
                body = self.page(aid or 0)
                writer.write(f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\n\r\n".encode())
                writer.write(body[: len(body) // 2])
                await writer.drain()
                return False  # the connection closes mid-body
            status, headers, body = await self._answer(target, aid, n)
            entry.status = status
            lines = [
                f"HTTP/1.1 {status} {'OK' if status == 200 else 'Error'}",
                f"Content-Length: {len(body)}",
            ]
            lines += [f"{k}: {v}" for k, v in headers.items()]
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
            await writer.drain()
            return True
        finally:
            self.in_flight -= 1
            entry.end = time.monotonic()

    async def _answer(
        self, target: str, aid: int | None, n: int
    ) -> tuple[int, dict[str, str], bytes]:
        path = urlsplit(target).path
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, self.robots.encode()
        if path.removeprefix("/CEAD/") in ASSETS:  # what the pages load, as the site serves it
            kind, body = ASSETS[path.removeprefix("/CEAD/")]
            return 200, {"Content-Type": kind}, body
        if aid is None:
            return 404, {"Content-Type": "text/html"}, b"<html>Not found</html>"
        behaviour = self.behaviours.get(aid)
        answer = await behaviour.answer(self, n, aid) if behaviour else None
        return answer or (200, {"Content-Type": "text/html"}, self.page(aid))


MIMETYPES = {
    "css": "text/css",
    "gif": "image/gif",
    "js": "application/x-javascript",
    "pdf": "application/pdf",
    "doc": "application/msword",
    "rtf": "application/rtf",
}


@dataclass
class Capture:
    """One capture in the fake Wayback Machine: what the CDX lists and what `id_` replays."""

    timestamp: str
    original: str
    body: bytes
    status: str = "200"  # "-" for a revisit row
    digest: str | None = None  # None: the body's own SHA-1; set it to lie
    served_status: int = 200  # what the replay answers, with Memento-Datetime (an archived 404)

    @property
    def cdx_digest(self) -> str:
        import base64
        import hashlib

        return self.digest or base64.b32encode(hashlib.sha1(self.body).digest()).decode()

    @property
    def mimetype(self) -> str:
        """What the CDX says it is (by the URL's extension, as the Archive records it)."""
        if self.status == "-":
            return "warc/revisit"
        extension = urlsplit(self.original).path.rsplit(".", 1)[-1].lower()
        return MIMETYPES.get(extension, "text/html")


@dataclass
class FakeWayback(FaultServer):
    """CDX API with paging and resume keys, `id_` replay, 429 bursts, lying digests."""

    captures: list[Capture] = field(default_factory=list)
    page_size: int = 3  # rows per CDX page, whatever `limit` asks, so that paging happens
    throttle_replays: int = 0  # the first N replay requests get 429 + Retry-After
    throttle_cdx: int = 0
    retry_after: str | None = "1"  # None: 429s without Retry-After, as the real one sends
    # The real service's habits (the defaults are the kinder fake of before):
    real_headers: bool = False  # the Archive's headers, the originals as x-archive-orig-*
    nearest_offset: int = 0  # seconds between a CDX timestamp and the capture it serves
    unplayable: set[str] = field(default_factory=set)  # listed, but 404 without Memento
    repeat_rows: bool = False  # every CDX row twice
    cdx_max_months: int | None = None  # wider (or open) from/to windows answer 504

    def __post_init__(self) -> None:
        super().__post_init__()
        # Linear at the real site's scale: requests counted by kind as they come, captures
        # looked up by their original URL, each CDX query's rows sorted once.
        self._seen: dict[str, int] = {}
        self._by_original: dict[str, list[Capture]] = {}
        for c in self.captures:
            self._by_original.setdefault(c.original, []).append(c)
        self._rows: dict[tuple[str, str | None, str | None], list[Capture]] = {}

    def kind_of(self, target: str) -> str:
        return "cdx" if target.startswith("/cdx/") else "replay" if "id_/" in target else "other"

    async def _answer(
        self, target: str, aid: int | None, n: int
    ) -> tuple[int, dict[str, str], bytes]:
        kind = self.kind_of(target)
        seen = self._seen[kind] = self._seen.get(kind, 0) + 1
        limit = (
            self.throttle_cdx if kind == "cdx" else self.throttle_replays if kind == "replay" else 0
        )
        if seen <= limit:
            headers = {"Content-Type": "text/plain"}
            if self.retry_after is not None:
                headers["Retry-After"] = self.retry_after
            return 429, headers, b"Too Many Requests"
        if kind == "cdx":
            return self._cdx(target)
        behaviour = self.behaviours.get(aid) if aid is not None else None
        if kind == "replay" and behaviour is not None:  # a slow 5xx, say, by activity
            answer = await behaviour.answer(self, n, aid or 0)
            if answer is not None:
                return answer
        if kind == "replay":
            return self._replay(target)
        return 404, {"Content-Type": "text/plain"}, b"not here"

    def _cdx(self, target: str) -> tuple[int, dict[str, str], bytes]:
        import json as _json

        pairs = parse_qsl(urlsplit(target).query)
        query = dict(pairs)
        if self.cdx_max_months is not None and not self._narrow(query):
            return 504, {"Content-Type": "text/html"}, b"<html>Gateway Time-out</html>"
        key = (query["url"], query.get("from"), query.get("to"))
        if key not in self._rows:
            self._rows[key] = self._query_rows(*key)
        rows = self._rows[key]
        for name, value in pairs:  # filter=!mimetype:text/html, as the real CDX server
            if name == "filter" and value.startswith("!mimetype:"):
                rows = [c for c in rows if c.mimetype != value.split(":", 1)[1]]
        if query.get("collapse") == "urlkey":
            rows = list({c.original.lower(): c for c in reversed(rows)}.values())[::-1]
        start = int(query.get("resumeKey", "0"))
        page = rows[start : start + self.page_size]
        fields = query["fl"].split(",")
        out: list[list[str]] = [fields]
        for c in page:
            values = {
                "urlkey": c.original.lower(),
                "timestamp": c.timestamp,
                "original": c.original,
                "mimetype": c.mimetype,
                "statuscode": c.status,
                "digest": c.cdx_digest,
                "length": str(len(c.body)),
            }
            out.append([values[f] for f in fields])
        if start + self.page_size < len(rows):
            out += [[], [str(start + self.page_size)]]
        return 200, {"Content-Type": "application/json"}, _json.dumps(out).encode()

    def _query_rows(self, prefix: str, start: str | None, end: str | None) -> list[Capture]:
        rows = sorted(
            (c for c in self.captures if c.original.split("://", 1)[1].startswith(prefix)),
            key=lambda c: (c.original, c.timestamp),
        )
        if start is not None:
            rows = [c for c in rows if c.timestamp[: len(start)] >= start]
        if end is not None:
            rows = [c for c in rows if c.timestamp[: len(end)] <= end]
        if self.repeat_rows:
            rows = [c for c in rows for _ in range(2)]
        return rows

    def _narrow(self, query: dict[str, str]) -> bool:
        """Whether a query's from/to window is narrow enough to answer."""
        if "from" not in query or "to" not in query:
            return False

        def months(stamp: str, end: bool) -> int:
            month = int(stamp[4:6]) if len(stamp) >= 6 else (12 if end else 1)
            return int(stamp[:4]) * 12 + month

        assert self.cdx_max_months is not None
        return months(query["to"], True) - months(query["from"], False) < self.cdx_max_months

    def served_stamp(self, c: Capture) -> str:
        """When the capture really was: the CDX's timestamp, `nearest_offset` seconds on."""
        from datetime import datetime, timedelta

        moment = datetime.strptime(c.timestamp, "%Y%m%d%H%M%S") + timedelta(
            seconds=self.nearest_offset
        )
        return moment.strftime("%Y%m%d%H%M%S")

    def _replay(self, target: str) -> tuple[int, dict[str, str], bytes]:
        stamp, original = target.split("/web/", 1)[1].split("id_/", 1)
        for c in self._by_original.get(original, []):
            if c.status != "200":
                continue
            if c.timestamp in self.unplayable and stamp in (c.timestamp, self.served_stamp(c)):
                return (
                    404,
                    {"Content-Type": "text/html", "Server": "nginx"},
                    b"<html>Wayback</html>",
                )
            if stamp == c.timestamp and self.nearest_offset:
                served = self.served_stamp(c)
                return 302, {
                    "Location": f"/web/{served}id_/{original}",
                    "x-archive-redirect-reason": f"found capture at {served}",
                    "Content-Type": "text/plain",
                }, b""  # fmt: skip
            if stamp == self.served_stamp(c):
                return c.served_status, self._replay_headers(c, stamp), c.body
        held = [c for c in self._by_original.get(original, []) if c.status == "200"]
        if held and stamp.isdigit() and len(stamp) == 14:  # as the Archive: the nearest one
            near = min(held, key=lambda c: abs(int(c.timestamp) - int(stamp)))
            if near.timestamp != stamp:
                return 302, {"Location": f"/web/{near.timestamp}id_/{original}",
                             "Content-Type": "text/plain"}, b""  # fmt: skip
        return 404, {"Content-Type": "text/plain"}, b"not in the archive"

    def _replay_headers(self, c: Capture, stamp: str) -> dict[str, str]:
        from datetime import UTC, datetime
        from email.utils import format_datetime

        moment = datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
        if not self.real_headers:
            return {"Content-Type": "text/html", "Memento-Datetime": format_datetime(moment, usegmt=True),
                    "X-Archive-Src": "fake.warc.gz"}  # fmt: skip
        return {
            "Server": "nginx",
            "Cache-Control": "max-age=1800",
            "x-app-server": "wwwb-app212",
            "Content-Type": "text/html",
            "x-archive-orig-server": "Microsoft-IIS/6.0",
            "x-archive-orig-date": format_datetime(moment, usegmt=True),
            "x-archive-orig-content-length": str(len(c.body) + 17),  # as sent, before rewrite
            "x-archive-orig-set-cookie": "ASPSESSIONIDQQ=ABC; path=/",
            "x-archive-orig-x-powered-by": "ASP.NET",
            "x-archive-src": "spotcheck-20071101/SPOT-20071101-000000.arc.gz",
            "Memento-Datetime": format_datetime(moment, usegmt=True),
            "Link": f'<{c.original}>; rel="original"',
        }


def child_pids(parent: int) -> list[int]:
    """The processes whose parent is `parent` (read from /proc; Linux)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        if int(fields[1]) == parent:
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie, ended and not yet reaped, does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
