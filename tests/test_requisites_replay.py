"""A page harvested with what it loads replays in pywb, in headless Chromium, as the page
looked: every request it makes for a resource of the site is answered from the archive
(none fails, none 404s), and the stylesheet really applies."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Response, sync_playwright

from pipeline.archive import Index
from pipeline.fixtures.assets import ASSETS
from pipeline.fixtures.server import FixtureServer
from tests.conftest import run_cli
from tests.servers import free_port, wait_until_up
from tests.test_pywb_replay import PYWB
from tests.test_web_browser import CHROMIUM


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


def test_a_replayed_page_makes_no_failed_request_for_a_site_resource(
    tmp_path: Path, browser: Browser
) -> None:
    data = tmp_path / "data"
    with FixtureServer() as site:
        done = run_cli("harvest", "--base-url", site.url, "--ids", "18356", "--rate", "0",
                       "--data", str(data), "--no-progress")  # fmt: skip
        origin = site.url
    assert done.returncode == 0, done.stdout + done.stderr
    warcs = [str(p) for p in sorted((data / "raw").glob("*.warc.gz"))]
    for args in (["init", "jp"], ["add", "jp", *warcs]):
        subprocess.run([PYWB / "wb-manager", *args], cwd=tmp_path, check=True, capture_output=True)
    port = free_port()
    pywb = subprocess.Popen([PYWB / "wayback", "-b", "127.0.0.1", "-p", str(port)], cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        url = f"{origin}/CEAD/Countries.asp?ID=18356&ActSyn=True"
        with Index(data / "raw" / "index.sqlite3", readonly=True) as index:
            [when] = [c.fetched_at for c in index.captures() if c.url == url]
        stamp = "".join(ch for ch in when if ch.isdigit())  # its own time: no redirect
        replay = f"http://127.0.0.1:{port}/jp/{stamp}/{url}"  # pywb's frame, the page inside
        wait_until_up(port)
        page = browser.new_page()
        answered: list[Response] = []
        failed: list[str] = []
        page.on("response", lambda r: answered.append(r))
        page.on("requestfailed", lambda r: failed.append(f"{r.url} ({r.failure})"))
        page.goto(replay, wait_until="networkidle")
        archived = next(f for f in page.frames if f"{stamp}mp_/" in f.url)
        logo = archived.evaluate("document.images[0].naturalWidth")
        background = archived.evaluate("getComputedStyle(document.body).backgroundImage")
        page.close()
    finally:
        pywb.terminate()
        pywb.wait(10)
    site_host = urlsplit(origin).netloc
    of_site = [r for r in answered if site_host in r.url]
    bad = [(r.url, r.status) for r in of_site if r.status >= 400]
    assert not bad and not [u for u in failed if site_host in u], (bad, failed)
    loaded = {urlsplit(r.url.split(site_host, 1)[1]).path for r in of_site}
    assert {"/CEAD/styles/jp.css", "/CEAD/images/logo.gif", "/CEAD/images/bg.gif"} <= loaded
    assert len(loaded) >= len(ASSETS) - 2  # print.css and crumb.gif may not be asked on screen
    assert logo == 1 and "bg.gif" in background  # the image decoded, the stylesheet applied
