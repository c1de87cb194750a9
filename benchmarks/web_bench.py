"""The web app at scale: latency of its pages over 30,000 activities, with one client
and with ten while hostile SQL runs.

    python benchmarks/web_bench.py [--pages 30000] [--requests 300] [--write]

A synthetic archive (pipeline.fixtures.synth, seed 7, as build_bench) is built with
`jparchive build`, whose time is split into the Parquet build and the SQLite copy; then
`jparchive serve` runs in a child process. First one client asks, one request at a time
over real HTTP, for searches with words (common and rare, with and without a country or
year filter), searches by filters alone, deep result pages, activity pages (random IDs),
programme and country pages. Then ten clients ask for the same mix at once while three
more keep hostile queries running on Datasette's SQL page (each stopped by its time
limit, then sent again). p50, p95 and max per route.
"""

from __future__ import annotations

import argparse
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.build_bench import make_archive
from benchmarks.common import machine, write_section
from pipeline.build import BuildConfig, build
from pipeline.build.sqlite import write_sqlite

BIN = Path(sys.executable).parent
SEARCHES = [
    {"q": "seminar"}, {"q": "training"}, {"q": "conference", "country": "RS"},
    {"q": "workshop", "from": "2010", "to": "2012"}, {"q": "experts", "page": "5"},
    {"q": "judges prosecutors"}, {"q": "cybercrime"}, {"q": "round table", "country": "UA"},
]  # fmt: skip
FILTERS = [
    {"country": "RS"}, {"programme": "PACO-Serbia"},
    {"from": "2010-01-01", "to": "2010-06-30"}, {"country": "UA", "from": "2009"},
]  # fmt: skip
DEEP = [{"q": "the", "page": "40"}, {"country": "TR", "page": "20"}, {"q": "seminar", "page": "60"}]
HOSTILE = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
           "SELECT COUNT(*) FROM n")  # fmt: skip
Draw = Callable[[random.Random], tuple[str, dict[str, str] | None]]


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return statistics.median(ordered) * 1000, p95 * 1000, ordered[-1] * 1000


def timed(client: httpx.Client, url: str, params: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    response = client.get(url, params=params)
    took = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{response.url} answered {response.status_code}: {response.text[:200]}")
    return took


def routes(
    url: str, ids: list[int], programmes: list[str], countries: list[str]
) -> dict[str, Draw]:
    """Each route of the benchmark: how to draw one request of it."""
    return {
        "/search (words)": lambda r: (url + "/search", r.choice(SEARCHES)),
        "/search (filters alone)": lambda r: (url + "/search", r.choice(FILTERS)),
        "/search (deep pages)": lambda r: (url + "/search", r.choice(DEEP)),
        "/activity/<id>": lambda r: (f"{url}/activity/{r.choice(ids)}", None),
        "/programme/<code>": lambda r: (f"{url}/programme/{quote(r.choice(programmes))}", None),
        "/country/<code>": lambda r: (f"{url}/country/{r.choice(countries)}", None),
    }


def first_visits(client: httpx.Client, url: str, programmes: list[str],
                 countries: list[str]) -> dict[str, list[float]]:  # fmt: skip
    """Every country's page and every programme's, each asked once: nothing of them
    was kept before."""
    country = [timed(client, f"{url}/country/{c}") for c in countries]
    programme = [timed(client, f"{url}/programme/{quote(p)}") for p in programmes]
    return {"/country/<code> (first visit)": country,
            "/programme/<code> (first visit)": programme}  # fmt: skip


def one_client(table: dict[str, Draw], n: int) -> dict[str, list[float]]:
    rng = random.Random(1)
    with httpx.Client(timeout=60) as client:
        return {name: [timed(client, *draw(rng)) for _ in range(n)] for name, draw in table.items()}


def under_load(
    url: str, table: dict[str, Draw], n: int, clients: int = 10, attackers: int = 3
) -> dict[str, list[float]]:
    """`clients` clients at once over the routes, `attackers` hostile queries running all
    along."""
    stop = threading.Event()

    def hostile() -> None:
        with httpx.Client(timeout=60) as client:
            while not stop.is_set():
                client.get(url + "/data/jparchive.json", params={"sql": HOSTILE})

    found: dict[str, list[float]] = {name: [] for name in table}
    lock = threading.Lock()

    def client_run(seed: int) -> None:
        rng = random.Random(seed)
        with httpx.Client(timeout=60) as client:
            for _ in range(n):
                name = rng.choice(list(table))
                took = timed(client, *table[name](rng))
                with lock:
                    found[name].append(took)

    running = [threading.Thread(target=hostile) for _ in range(attackers)]
    for t in running:
        t.start()
    time.sleep(0.5)
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client_run, range(clients)))
    stop.set()
    for t in running:
        t.join(30)
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(data: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen([str(BIN / "jparchive"), "serve", "--data", str(data),
                             "--port", str(port)], stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            httpx.get(url + "/", timeout=5)
            return proc, url
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("jparchive serve did not start")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=30_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--hostile", type=int, default=3,
                        help="hostile SQL queries kept running under load (default 3)")  # fmt: skip
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="make and build the archive in DIR and keep it; one already "
                             "there is reused (its build not timed again)")  # fmt: skip
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = (args.keep or Path(tmp)) / "data"
        build_s = sqlite_s = float("nan")
        if not (data / "jparchive.db").exists():
            make_archive(data, args.pages)
            started = time.perf_counter()
            build(BuildConfig(data=data, progress=False))
            build_s = time.perf_counter() - started
            started = time.perf_counter()
            write_sqlite((data / "parquet").resolve())  # again, alone: the copy's own time
            sqlite_s = time.perf_counter() - started
        size = (data / "jparchive.db").stat().st_size / 1e6
        with sqlite3.connect(data / "jparchive.db") as db:
            ids = [r[0] for r in db.execute("SELECT activity_id FROM activities")]
            programmes = [r[0] for r in db.execute("SELECT programme_code FROM programmes")]
            countries = [r[0] for r in db.execute("SELECT country_code FROM countries")]
        proc, url = serve(data)
        table = routes(url, ids, programmes, countries)
        try:
            with httpx.Client(timeout=30) as client:
                for _ in range(10):  # warm the page cache and Datasette's schema cache
                    timed(client, url + "/search", SEARCHES[0])
                first = first_visits(client, url, programmes, countries)
            alone = one_client(table, args.requests // 3)
        finally:
            proc.terminate()
            proc.wait(10)
        proc, url = serve(data)  # again: the load starts with nothing kept from before
        table = routes(url, ids, programmes, countries)
        try:
            loaded = under_load(url, table, args.requests // 5, attackers=args.hostile)
        finally:
            proc.terminate()
            proc.wait(10)
    rows = [
        "| route | one client: p50 | p95 | max | 10 clients + 3 hostile SQL: p50 | p95 | max |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name in table:
        a, b = percentiles(alone[name]), percentiles(loaded[name] or [0.0])
        rows.append(f"| `{name}` | {a[0]:.0f} ms | {a[1]:.0f} ms | {a[2]:.0f} ms "
                    f"| {b[0]:.0f} ms | {b[1]:.0f} ms | {b[2]:.0f} ms |")  # fmt: skip
    for name, samples in first.items():
        a = percentiles(samples)
        rows.append(f"| `{name}` | {a[0]:.0f} ms | {a[1]:.0f} ms | {a[2]:.0f} ms | | | |")
    body = "\n".join([
        "## The web app (`benchmarks/web_bench.py`)",
        "",
        f"{machine()}. {args.pages:,} synthetic activities of the real site's shape "
        "(`pipeline/fixtures/shape.py`: 180 programmes, 47 countries); "
        + (f"`jparchive build` took {build_s:.1f} s, of which the SQLite copy "
           f"(`jparchive.db`, {size:.0f} MB, with its FTS5 index) takes {sqlite_s:.1f} s "
           "on its own. " if build_s == build_s else
           f"the archive of an earlier run reused (`--keep`; `jparchive.db` {size:.0f} MB). ")
        + "`jparchive serve` in a child "
        f"process; first one client over real HTTP, one request at a time "
        f"({args.requests // 3} per route), then ten clients at once "
        f"({args.requests // 5} requests each, routes drawn at random) while three more "
        "keep a query running on Datasette's SQL page that only its one-second time "
        "limit stops; the server is started again before that, so the load begins with "
        "nothing kept (a country's or programme's counts and lists, and the latest "
        "searches' matches, are kept per database file once read). The last two rows: "
        "each country's page, and each programme's, asked for the first time since the "
        "server started, by one client. Targets (issue 25): p95 under 150 ms with one "
        "client, under 600 ms with ten under hostile SQL.",
        "",
        *rows,
    ])  # fmt: skip
    print(body)
    if args.write:
        write_section("web", body)
        print("wrote docs/benchmarks.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
