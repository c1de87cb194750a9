"""Every command exits as `jparchive --help` documents: 0 all done, 1 finished with
failures, 2 usage or configuration, 3 stopped by rate limiting (130/143, interrupted, are
in test_faults.py). One case per command and code."""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.fixtures.server import SITE, FixtureServer
from tests.conftest import run_cli
from tests.servers import Behaviour, Fail, FaultServer


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, str]]:
    throttled: dict[int, Behaviour] = {n: Fail(status=429, times=99) for n in range(1, 4)}
    with FixtureServer() as site, FaultServer({5: Fail(status=500, times=99)}) as flaky, \
            FaultServer(throttled) as busy:  # fmt: skip
        yield {"site": site.url, "flaky": flaky.url, "busy": busy.url}


def good_warc(path: Path) -> Path:
    body = (SITE / "CEAD" / "activities" / "18356.html").read_bytes()
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            "http://www.jp.coe.int/CEAD/Countries.asp?ID=18356", "response",
            payload=io.BytesIO(body), length=len(body), http_headers=http))  # fmt: skip
    return path


Case = Callable[[Path, Path, dict[str, str]], list[str]]
FAST = ["--rate", "0", "--no-progress"]
CASES: dict[str, tuple[Case, int]] = {
    "harvest all done": (lambda d, a, s: ["harvest", "--base-url", s["site"], "--ids", "18356",
                                          *FAST, "--data", str(d)], 0),
    "harvest with a failure": (lambda d, a, s: ["harvest", "--base-url", s["flaky"], "--ids",
                                                "4-5", "--retries", "0", *FAST,
                                                "--data", str(d)], 1),
    "harvest with a bad flag": (lambda d, a, s: ["harvest", "--ids", "x", "--data", str(d)], 2),
    "harvest rate-limited": (lambda d, a, s: ["harvest", "--base-url", s["busy"], "--ids", "1-3",
                                              "--retries", "5", "--give-up-after", "0.5", *FAST,
                                              "--data", str(d)], 3),
    "import all done": (lambda d, a, s: ["harvest", "--source", "warc",
                                         str(good_warc(d.parent / "g.warc.gz")),
                                         "--data", str(d), "--no-progress"], 0),
    "import of the wrong kind of file": (lambda d, a, s: ["harvest", "--source", "warc",
                                                          str(SITE / "robots.txt"),
                                                          "--data", str(d)], 2),
    "build all done": (lambda d, a, s: ["build", "--data", str(a), "--no-progress"], 0),
    "build without an archive": (lambda d, a, s: ["build", "--data", str(d)], 2),
    "sql all done": (lambda d, a, s: ["sql", "SELECT 1", "--data", str(a)], 0),
    "sql with a mistake": (lambda d, a, s: ["sql", "SELEC 1", "--data", str(a)], 2),
    "sql without tables": (lambda d, a, s: ["sql", "SELECT 1", "--data", str(d)], 2),
    "search all done": (lambda d, a, s: ["search", "cybercrime", "--data", str(a)], 0),
    "search with a bad country": (lambda d, a, s: ["search", "x", "--country", "ZZ",
                                                   "--data", str(a)], 2),
    "parse all done": (lambda d, a, s: ["parse", str(SITE / "CEAD/activities/18356.html")], 0),
    "parse of no activity page": (lambda d, a, s: ["parse", str(SITE / "robots.txt")], 1),
    "parse of a missing file": (lambda d, a, s: ["parse", str(d / "none.html")], 2),
    "verify all sound": (lambda d, a, s: ["verify", "--data", str(a)], 0),
    "verify without an archive": (lambda d, a, s: ["verify", "--data", str(d)], 2),
    "status all done": (lambda d, a, s: ["status", "--data", str(a)], 0),
    "status without an archive": (lambda d, a, s: ["status", "--data", str(d)], 2),
}  # fmt: skip


@pytest.mark.parametrize("name", CASES)
def test_each_command_exits_as_documented(
    name: str, tmp_path: Path, archive: Path, servers: dict[str, str]
) -> None:
    copy = tmp_path / "archive"
    shutil.copytree(archive, copy, symlinks=True)
    make, code = CASES[name]
    result = run_cli(*make(tmp_path / "data", copy, servers))
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
