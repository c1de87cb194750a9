"""`jparchive wacz`: a WACZ 1.1.1 file that py-wacz validates and pywb replays, whose
CDXJ offsets each lead to their record, and whose data package holds every file's hash."""

from __future__ import annotations

import gzip
import hashlib
import html
import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from warcio.archiveiterator import ArchiveIterator

from pipeline.fixtures.server import FixtureServer
from tests.conftest import run_cli
from tests.servers import FakeWayback
from tests.test_pywb_replay import replay, replay_all
from tests.test_wayback import captures as wayback_captures
from tests.test_wayback import harvest as wayback_harvest

TOOLS = Path(__file__).resolve().parents[1] / ".venv-pywb" / "bin"


@pytest.fixture(scope="module")
def whole(archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wacz") / "jparchive.wacz"
    result = run_cli("wacz", str(out), "--data", str(archive))
    assert result.returncode == 0, result.stdout + result.stderr
    # each activity under both its URLs (the variants), 2 earlier versions, the logframes
    assert result.stdout.startswith(f"wacz: {out}: 119 pages")
    return out


def index_lines(z: zipfile.ZipFile) -> list[str]:
    """The CDXJ lines of the WACZ's compressed index (its gzip blocks, read whole)."""
    return gzip.decompress(z.read("indexes/index.cdx.gz")).decode().splitlines()


def listed(z: zipfile.ZipFile) -> list[dict[str, Any]]:
    return [json.loads(line) for line in z.read("pages/pages.jsonl").decode().splitlines()[1:]]


def stamp(ts: str) -> str:
    return ts.replace("-", "").replace(":", "").replace("T", "").rstrip("Z")


def validate(path: Path) -> subprocess.CompletedProcess[str]:
    assert (TOOLS / "wacz").exists(), "py-wacz is missing: `make test` installs it in .venv-pywb"
    return subprocess.run([TOOLS / "wacz", "validate", "-f", str(path)], capture_output=True,
                          text=True, timeout=120, check=False)  # fmt: skip


def test_py_wacz_validates_it(whole: Path) -> None:
    result = validate(whole)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Validation succeeded" in result.stdout + result.stderr


def test_its_layout_pages_and_data_package(whole: Path, archive: Path) -> None:
    with zipfile.ZipFile(whole) as z:
        names = z.namelist()
        assert all(i.compress_type == zipfile.ZIP_STORED for i in z.infolist())
        warcs = sorted(p.name for p in (archive / "raw").glob("*.warc.gz"))
        assert [n for n in names if n.startswith("archive/")] == [f"archive/{w}" for w in warcs]
        for w in warcs:  # the WARC files as they are
            assert z.read(f"archive/{w}") == (archive / "raw" / w).read_bytes()
        lines = z.read("pages/pages.jsonl").decode().splitlines()
        assert json.loads(lines[0])["format"] == "json-pages-1.0"
        pages = listed(z)
        history = [p for p in pages if p.get("activity_id") == 18356]
        # both of the harvest's views (the variants) and the earlier crawl's, latest first
        assert len(history) == 3 and [p["ts"] for p in history] == sorted(
            (p["ts"] for p in history), reverse=True
        )
        [seed] = [p for p in history[:2] if p["url"].endswith("&ActSyn=True")]
        [view] = [p for p in history[:2] if p is not seed]
        assert view["url"].endswith("/CEAD/Countries.asp?ID=18356")
        assert seed["title"] == "Regional Conference on Cybercrime"
        assert seed["url"].endswith("/CEAD/Countries.asp?ID=18356&ActSyn=True")
        assert seed["ts"].endswith("Z") and seed["ts"][10] == "T"
        assert "Regional Conference on Cybercrime" in seed["text"]
        earlier = history[2]  # the imported crawl's: its original URL, not the file's path
        assert earlier["url"] == "http://www.jp.coe.int/CEAD/Countries.asp?ID=18356&ActSyn=True"
        logframes = [p for p in pages if p["title"].startswith("Logframe: ")]
        assert len(logframes) == 35 == len({p["title"] for p in logframes})  # one title a view
        package = json.loads(z.read("datapackage.json"))
        assert package["wacz_version"] == "1.1.1" and package["software"].startswith("jparchive")
        for resource in package["resources"]:
            data = z.read(resource["path"])
            assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
            assert resource["bytes"] == len(data)
        digest = json.loads(z.read("datapackage-digest.json"))
        assert digest["hash"] == "sha256:" + hashlib.sha256(z.read("datapackage.json")).hexdigest()


def test_every_listed_page_is_in_the_index(whole: Path) -> None:
    with zipfile.ZipFile(whole) as z:
        held = set()
        for line in index_lines(z):
            _, ts, fields = line.split(" ", 2)
            held.add((json.loads(fields)["url"], ts))
        pages = listed(z)
    assert pages and all((p["url"], stamp(p["ts"])) in held for p in pages)


def test_every_cdxj_line_leads_to_its_record(whole: Path) -> None:
    with zipfile.ZipFile(whole) as z:
        lines = index_lines(z)
        assert lines == sorted(lines) and len(lines) >= 104
        meta, *blocks = z.read("indexes/index.idx").decode().splitlines()
        assert meta.startswith("!meta 0 ") and '"cdxj-gzip-1.0"' in meta
        assert len(blocks) == -(-len(lines) // 1024)  # a block of 1,024 lines, as py-wacz
        for line in lines:
            _, _, fields = line.split(" ", 2)
            entry = json.loads(fields)
            warc = z.read(f"archive/{entry['filename']}")
            start = int(entry["offset"])
            chunk = warc[start : start + int(entry["length"])]
            record = next(iter(ArchiveIterator(io.BytesIO(chunk))))
            assert record.rec_headers.get_header("WARC-Target-URI") == entry["url"]


def test_part_of_the_archive_carries_its_provenance(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "part.wacz"
    result = run_cli("wacz", str(out), "--data", str(archive), "--ids", "18356,19011")
    assert result.returncode == 0, result.stderr
    check = validate(out)
    assert check.returncode == 0, check.stdout + check.stderr
    with zipfile.ZipFile(out) as z:
        pages = listed(z)
        assert {p["activity_id"] for p in pages} == {18356, 19011}
        urls = {json.loads(line.split(" ", 2)[2])["url"] for line in index_lines(z)}
        assert {u.split("ID=")[1].split("&")[0] for u in urls} == {"18356", "19011"}
        [warc] = [n for n in z.namelist() if n.startswith("archive/")]
        records = list(ArchiveIterator(io.BytesIO(z.read(warc))))
        package = json.loads(z.read("datapackage.json"))
    types = [r.rec_type for r in records]
    # each source file's warcinfo, the requests of our captures, the import's metadata
    # (two activities, each harvested under both its URLs: four requests)
    assert types.count("warcinfo") == 2 and types.count("request") == 4 and "metadata" in types
    ids = {r.rec_headers.get_header("WARC-Record-ID") for r in records}
    assert all(r.rec_headers.get_header("WARC-Warcinfo-ID") in (None, *ids) for r in records)
    assert package["selection"]["activity_ids"] == [18356, 19011]
    assert not any(n.startswith("tables/") for n in zipfile.ZipFile(out).namelist())


def test_a_part_of_the_archive_with_every_table_is_refused(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "part.wacz"
    result = run_cli("wacz", str(out), "--data", str(archive), "--ids", "18356", "--with-tables")
    assert result.returncode == 2 and not out.exists()
    assert result.stderr.startswith("Error: ConfigError: wacz: --with-tables ships the tables")


def test_the_data_package_says_what_it_holds_and_what_is_stated(
    archive: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(archive, data, symlinks=True)
    (data / "wacz.json").write_text(json.dumps({"rights": "CC BY 4.0", "publisher": "An archive",
                                                "contact": "archive@example.org"}))  # fmt: skip
    out = tmp_path / "stated.wacz"
    result = run_cli("wacz", str(out), "--data", str(data), "--publisher", "The Archive")
    assert result.returncode == 0, result.stderr
    assert validate(out).returncode == 0
    with zipfile.ZipFile(out) as z:
        package = json.loads(z.read("datapackage.json"))
    assert package["rights"] == "CC BY 4.0" and package["licenses"][0]["title"] == "CC BY 4.0"
    assert package["publisher"] == "The Archive"  # the flag over the file
    assert package["contributors"] == [{"title": "The Archive", "role": "publisher",
                                        "email": "archive@example.org"}]  # fmt: skip
    # 42 IDs under both their URLs (one missing), and the earlier crawl's 2
    assert package["description"].startswith("86 captures of Activity Details pages and 35 ")
    assert "WARC files of other institutions' crawls" in {s["title"].split(" (")[0] for s in
                                                          package["sources"]}  # fmt: skip
    [earlier] = package["imported_files"]
    assert earlier["name"] == "earlier-crawl.warc.gz" and len(earlier["sha256"]) == 64
    assert package["capture_dates"]["first"] < package["capture_dates"]["last"]
    (data / "wacz.json").write_text('{"licence": "typo"}')
    bad = run_cli("wacz", str(tmp_path / "x.wacz"), "--data", str(data))
    assert bad.returncode == 2 and "unknown keys ['licence']" in bad.stderr


def test_pywb_adds_it_and_replays_its_pages(whole: Path, tmp_path: Path) -> None:
    """pywb 2.10's own `wb-manager add --unpack-wacz` takes the WACZ (its WARCs and its
    compressed index) into a fresh collection, which replays the latest capture of a page
    and the earlier one another institution's crawl held, each at its own time."""
    subprocess.run([str(TOOLS / "wb-manager"), "init", "jp"], cwd=tmp_path, check=True,
                   capture_output=True)  # fmt: skip
    added = subprocess.run([str(TOOLS / "wb-manager"), "add", "--unpack-wacz", "jp", str(whole)],
                           cwd=tmp_path, capture_output=True, text=True)  # fmt: skip
    assert added.returncode == 0 and "does not contain" not in added.stderr, added.stderr
    with zipfile.ZipFile(whole) as z:
        history = [p for p in listed(z) if p.get("activity_id") == 18356]
    for page in history:
        answer = replay(tmp_path, f"/jp/{stamp(page['ts'])}id_/{page['url']}")
        assert answer.status_code == 200, page
        assert "Regional Conference on Cybercrime" in answer.text


def test_it_needs_the_tables_and_says_so(tmp_path: Path, archive: Path) -> None:
    data = tmp_path / "data"
    (data / "raw").mkdir(parents=True)
    (data / "raw" / "index.sqlite3").write_bytes((archive / "raw" / "index.sqlite3").read_bytes())
    result = run_cli("wacz", str(tmp_path / "x.wacz"), "--data", str(data))
    assert result.returncode == 2 and "run `jparchive build" in result.stderr
    assert not (tmp_path / "x.wacz").exists()
    result = run_cli("wacz", str(tmp_path / "no" / "such" / "dir.wacz"), "--data", str(archive))
    assert result.returncode == 2 and "cannot write" in result.stderr


def test_a_wayback_harvest_lists_its_pages_at_their_original_urls_and_times(
    tmp_path: Path,
) -> None:
    """A Wayback capture's page entry is the site's URL at the time the Archive captured
    it (not the Archive's replay address), and it is found in the package's index."""
    data = tmp_path / "data"
    with FakeWayback(captures=wayback_captures(), page_size=2) as server:
        code, out = wayback_harvest(server, data)
    assert code == 0, out
    assert run_cli("build", "--data", str(data), "--no-progress").returncode == 0
    out_file = tmp_path / "wayback.wacz"
    assert run_cli("wacz", str(out_file), "--data", str(data)).returncode == 0
    assert validate(out_file).returncode == 0
    with zipfile.ZipFile(out_file) as z:
        pages = listed(z)
        held = {
            (json.loads(f)["url"], ts) for _, ts, f in (x.split(" ", 2) for x in index_lines(z))
        }
    assert pages and all(p["url"].startswith("http://www.jp.coe.int/CEAD/") for p in pages)
    assert all((p["url"], stamp(p["ts"])) in held for p in pages)
    seed = next(p for p in pages if p.get("activity_id") == 18356)
    assert stamp(seed["ts"]) == "20090101000000"  # the Archive's capture time


def test_with_variants_no_link_between_archived_pages_is_a_404_in_replay(tmp_path: Path) -> None:
    """A harvest with --variants (and --discover) archives every page an activity page
    links on the site: its "Hide Synopsis" form (Countries.asp?ID=n), the listings, the
    logframe; pywb replays each from the WACZ at the page's time."""
    data = tmp_path / "data"
    with FixtureServer() as server:
        result = run_cli("harvest", "--base-url", server.url, "--ids", "18356", "--discover",
                         "--variants", "--rate", "0", "--data", str(data), "--no-progress")  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert run_cli("build", "--data", str(data), "--no-progress").returncode == 0
    package = tmp_path / "site.wacz"
    assert run_cli("wacz", str(package), "--data", str(data)).returncode == 0
    subprocess.run([str(TOOLS / "wb-manager"), "init", "jp"], cwd=tmp_path, check=True,
                   capture_output=True)  # fmt: skip
    subprocess.run([str(TOOLS / "wb-manager"), "add", "--unpack-wacz", "jp", str(package)],
                   cwd=tmp_path, check=True, capture_output=True)  # fmt: skip
    with zipfile.ZipFile(package) as z:
        views = [p for p in listed(z) if p.get("activity_id") == 18356]
    assert len(views) == 2  # with and without its synopsis, both listed
    [latest] = [p for p in views if p["url"].endswith("&ActSyn=True")]
    at = stamp(latest["ts"])
    markup = replay(tmp_path, f"/jp/{at}id_/{latest['url']}").text
    origin = latest["url"].split("/CEAD/")[0]
    hrefs = re.findall(r'href="([^"#]+)"', markup)
    links = sorted({urljoin(latest["url"], html.unescape(h)) for h in hrefs})
    ours = [u for u in links if u.startswith(f"{origin}/CEAD/") and ".asp" in u]
    assert any(u.endswith("Countries.asp?ID=18356") for u in ours), ours
    answers = replay_all(tmp_path, [f"/jp/{at}id_/{u}" for u in ours])
    assert [u for u, a in zip(ours, answers, strict=True) if a.status_code != 200] == []
