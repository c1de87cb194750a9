"""A WARC written from the (real-habited) fake Wayback replays in pywb, a replay tool
written by others: `wb-manager add`, then the original URL at its timestamp gives the
page, with the site's own Server header (pywb shows it as X-Archive-Orig-Server)."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import httpx

from tests.servers import FakeWayback, free_port
from tests.test_wayback import harvest
from tests.test_wayback_real import URL, two_pages

PYWB = Path(__file__).resolve().parents[1] / ".venv-pywb" / "bin"


def test_pywb_replays_a_page_with_the_sites_headers(tmp_path: Path) -> None:
    assert (PYWB / "wayback").exists(), "pywb is missing: `make test` installs it in .venv-pywb"
    with FakeWayback(captures=two_pages(), real_headers=True, page_size=10) as server:
        code, out = harvest(server, tmp_path / "data")
    assert code == 0, out
    warcs = [str(p) for p in sorted((tmp_path / "data" / "raw").glob("*.warc.gz"))]
    subprocess.run([PYWB / "wb-manager", "init", "jp"], cwd=tmp_path, check=True,
                   capture_output=True)  # fmt: skip
    subprocess.run([PYWB / "wb-manager", "add", "jp", *warcs], cwd=tmp_path, check=True,
                   capture_output=True)  # fmt: skip
    answer = replay(tmp_path, f"/jp/20090101000000id_/{URL}")
    assert answer.status_code == 200
    assert "Regional Conference on Cybercrime" in answer.text
    assert answer.headers["x-archive-orig-server"] == "Microsoft-IIS/6.0"  # the site's
    assert answer.headers["memento-datetime"] == "Thu, 01 Jan 2009 00:00:00 GMT"
    assert answer.headers["set-cookie"] == "ASPSESSIONIDQQ=ABC; path=/"


def replay(root: Path, path: str) -> httpx.Response:
    """Start pywb's `wayback` over the collections under `root`, GET `path`, stop it."""
    return replay_all(root, [path])[0]


def replay_all(root: Path, paths: list[str]) -> list[httpx.Response]:
    """`replay` of each of `paths`, from one pywb."""
    port = free_port()
    server = subprocess.Popen([PYWB / "wayback", "-b", "127.0.0.1", "-p", str(port)], cwd=root,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        for _ in range(100):
            try:
                first = httpx.get(f"http://127.0.0.1:{port}{paths[0]}", timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise AssertionError("pywb did not start")
        rest = [httpx.get(f"http://127.0.0.1:{port}{p}", timeout=10) for p in paths[1:]]
        return [first, *rest]
    finally:
        server.terminate()
        server.wait(10)
