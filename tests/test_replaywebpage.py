"""Our WACZ in ReplayWeb.page, as an archivist receiving it would open it: Webrecorder's
own viewer (its npm package, `make test` fetches it into `.rwp/`), embedded in a page
served from 127.0.0.1 with the WACZ (range requests, as a web server answers them), in
the tests' headless Chromium. Every page the package lists opens, at its own time: the
site harvest's with its imported history, and a Wayback harvest's."""

from __future__ import annotations

import json
import re
import threading
import time
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from tests.conftest import run_cli
from tests.servers import FakeWayback
from tests.test_wayback import captures as wayback_captures
from tests.test_wayback import harvest as wayback_harvest

RWP = Path(__file__).resolve().parents[1] / ".rwp" / "package"
CHROMIUM = "/usr/bin/chromium"
# every iframe's address, through shadow roots and frames (the viewer nests both)
FRAMES = """() => {
  const found = [];
  const walk = (root, depth) => {
    if (!root || depth > 12) return;
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot) walk(el.shadowRoot, depth + 1);
      if (el.tagName === 'IFRAME') {
        found.push(el.src);
        try { walk(el.contentDocument, depth + 1); } catch (e) {}
      }
    }
  };
  walk(document, 0);
  return found;
}"""


# a replay address opened in a frame of the viewer's page, as the viewer frames it; its text
OPEN = """(src) => new Promise((resolve) => {
  const frame = document.createElement('iframe');
  frame.onload = () => { const text = frame.contentDocument.body.innerText; frame.remove();
                         resolve(text); };
  frame.src = src;
  document.body.appendChild(frame);
})"""


def viewer(wacz: Path, first_url: str) -> type[BaseHTTPRequestHandler]:
    """The embedding page, the viewer's files, and the WACZ (with byte ranges)."""
    page = ('<!doctype html><html><head><script src="/ui.js"></script></head><body>'
            f'<replay-web-page source="/archive.wacz" url="{first_url}" embed="replayonly">'
            "</replay-web-page></body></html>").encode()  # fmt: skip
    files = {"/ui.js": RWP / "ui.js", "/replay/ui.js": RWP / "ui.js",
             "/replay/sw.js": RWP / "sw.js", "/replay/": RWP / "index.html",
             "/archive.wacz": wacz}  # fmt: skip
    kinds = {".js": "application/javascript", ".html": "text/html", ".wacz": "application/zip"}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            if path == "/":
                body, kind = page, "text/html"
            elif path in files:
                body, kind = files[path].read_bytes(), kinds[files[path].suffix]
            else:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            asked = re.match(r"bytes=(\d+)-(\d*)$", self.headers.get("Range") or "")
            if asked:
                start = int(asked.group(1))
                end = int(asked.group(2)) if asked.group(2) else len(body) - 1
                part = body[start : end + 1]
                self.send_response(206)
                self.send_header(
                    "Content-Range", f"bytes {start}-{start + len(part) - 1}/{len(body)}"
                )
            else:
                part = body
                self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Content-Length", str(len(part)))
            self.end_headers()
            self.wfile.write(part)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@pytest.fixture(scope="module")
def wacz(archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("rwp") / "jparchive.wacz"
    result = run_cli("wacz", str(out), "--data", str(archive))
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def tab() -> Iterator[Page]:
    assert (RWP / "sw.js").exists(), "ReplayWeb.page is missing: `make test` fetches it (npm)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser.new_page()
        browser.close()


@pytest.fixture(scope="module")
def wayback_wacz(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Wayback harvest's package: its pages at the site's URLs and the Archive's times."""
    tmp = tmp_path_factory.mktemp("rwp-wayback")
    with FakeWayback(captures=wayback_captures(), page_size=2) as server:
        code, out = wayback_harvest(server, tmp / "data")
    assert code == 0, out
    assert run_cli("build", "--data", str(tmp / "data"), "--no-progress").returncode == 0
    result = run_cli("wacz", str(tmp / "wayback.wacz"), "--data", str(tmp / "data"))
    assert result.returncode == 0, result.stderr
    return tmp / "wayback.wacz"


@pytest.mark.parametrize("source", ["site and import", "wayback"])
def test_replaywebpage_opens_every_listed_page_at_its_time(
    source: str, wacz: Path, wayback_wacz: Path, tab: Page
) -> None:
    opened(wacz if source == "site and import" else wayback_wacz, tab)


def opened(wacz: Path, tab: Page) -> None:
    """Open every page `wacz` lists in ReplayWeb.page; each shows its own page."""
    with zipfile.ZipFile(wacz) as z:
        lines = z.read("pages/pages.jsonl").decode().splitlines()[1:]
    pages = [json.loads(line) for line in lines]
    server = ThreadingHTTPServer(("127.0.0.1", 0), viewer(wacz, pages[0]["url"]))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        tab.goto(base + "/")
        collection, deadline = None, time.monotonic() + 90
        while collection is None and time.monotonic() < deadline:  # the viewer loads it
            found = [re.search(r"/replay/w/([^/]+)/", src) for src in tab.evaluate(FRAMES)]
            collection = next((m.group(1) for m in found if m), None)
            time.sleep(0.3)
        assert collection, "ReplayWeb.page never showed the first page"
        for page in pages:  # the service worker replays each from the package, framed
            stamp = re.sub(r"\D", "", page["ts"])
            text = tab.evaluate(OPEN, f"{base}/replay/w/{collection}/{stamp}mp_/{page['url']}")
            if "activity_id" in page:
                assert f"(ID# {page['activity_id']})" in text, page
            else:
                assert "Logframe" in text or "Project Purpose" in text, page
    finally:
        server.shutdown()
        server.server_close()
