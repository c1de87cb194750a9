"""The `jparchive` command: flags in, one library call, errors mapped to exit codes.

Exit codes: 0 everything succeeded; 1 the run finished but some items failed (listed in
the report and summarised); 2 usage or configuration error; 3 stopped because the server
kept rate-limiting us (rerun the same command later to resume).
"""

from __future__ import annotations

import contextlib
import json
import shlex
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from pipeline import __version__
from pipeline.errors import ArchiveError, ConfigError

F = TypeVar("F", bound=Callable[..., Any])
EXIT_CODES = """\b
Exit codes:
  0  everything succeeded
  1  finished, but some items failed (see the report)
  2  usage or configuration error
  3  stopped by rate limiting; rerun the same command to resume"""

data_option = click.option(
    "--data",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("data"),
    show_default=True,
    help="Data root: raw/ (WARC + index), parquet/, reports/.",
)


def _fail(exc: ArchiveError) -> None:
    click.echo(f"Error: {type(exc).__name__}: {exc}", err=True)
    sys.exit(2 if isinstance(exc, ConfigError) else 1)


def expected_errors(fn: F) -> F:
    """Print expected errors on one line; unexpected ones keep their traceback (bugs)."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ArchiveError as exc:
            _fail(exc)

    return wrapper  # type: ignore[return-value]


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=EXIT_CODES,
)
@click.version_option(__version__, prog_name="jparchive")
def main() -> None:
    """Harvest and archive the Council of Europe Joint Programmes site (www.jp.coe.int).

    \b
    A typical run on the embedded fixture site:
      jparchive serve-fixtures --port 8000 &
      jparchive harvest --base-url http://127.0.0.1:8000 --ids @fixtures/site/ids.txt --rate 20
      jparchive build
    """


@main.command("serve-fixtures")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port on 127.0.0.1 (0: any free port).",
)
def serve_fixtures(port: int) -> None:
    """Serve the embedded fixture site on 127.0.0.1 with the real site's URL scheme.

    \b
    Example:
      jparchive serve-fixtures --port 8000
      curl 'http://127.0.0.1:8000/CEAD/Countries.asp?ID=18356&ActSyn=True'
    """
    from pipeline.fixtures.server import FixtureServer

    try:
        server = FixtureServer(port)
    except OSError as exc:
        raise click.UsageError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}") from exc
    click.echo(
        f"serving the fixture site at {server.url}/CEAD/Default.asp (Ctrl-C to stop)", err=True
    )
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


HARVEST_HELP = """Fetch pages politely into WARC files under DATA/raw/.

    Every response is archived with its request; the crawl state is kept in
    DATA/raw/index.sqlite3, so rerunning the same command resumes where it stopped.
    A JSON report goes to DATA/reports/harvest-<time>.json.

    \b
    Sources:
      site     the site itself, or a mirror at --base-url (needs --ids or --discover)
      wayback  the Internet Archive: the CDX API lists captures, `id_` replays them
               (one connection; --cdx-rate and --rate pace it; 429s for a minute stop it)
      warc     existing WARC or ARC files, gzipped or not, given as FILE arguments
               (responses, revisits, and the text renderings of WET files)

    \b
    Examples:
      jparchive harvest --base-url http://127.0.0.1:8000 --ids 15700-16100,18356 --rate 5
      jparchive harvest --source wayback --from 2006 --to 2012 --contact you@example.org
      jparchive harvest --source warc crawl-2009.warc.gz old-crawl.arc.gz
    """


@main.command(epilog=EXIT_CODES, help=HARVEST_HELP)
@click.argument("files", nargs=-1, type=click.Path(path_type=Path), metavar="[FILE]...")
@click.option(
    "--source",
    type=click.Choice(["site", "wayback", "warc"]),
    default="site",
    show_default=True,
    help="Where the pages come from (see above).",
)
@click.option(
    "--base-url",
    default="http://www.jp.coe.int",
    show_default=True,
    help="Site root to fetch from (the real site, or a mirror).",
)
@click.option(
    "--ids",
    "ids_spec",
    metavar="SPEC",
    help="Activity IDs: ranges and lists (15000-15100,18356) or @file, one spec a line. "
    "With --source wayback: only these activities.",
)
@click.option(
    "--discover", is_flag=True, help="Also crawl the listing pages and logframes for activity IDs."
)
@click.option(
    "--wayback-url",
    default="https://web.archive.org",
    show_default=True,
    help="The Wayback Machine (or a mirror of its API).",
)
@click.option("--from", "year_from", type=int, metavar="YEAR", help="Wayback: captures from YEAR.")
@click.option("--to", "year_to", type=int, metavar="YEAR", help="Wayback: captures up to YEAR.")
@click.option(
    "--captures",
    type=click.Choice(["latest", "all"]),
    default="latest",
    show_default=True,
    help="Wayback: the latest capture of each page, or every distinct version.",
)
@click.option(
    "--cdx-rate",
    type=float,
    default=0.4,
    show_default=True,
    help="Wayback: CDX queries per second (the Archive asks for one per 2.5 s at most).",
)
@click.option(
    "--rate",
    type=float,
    default=1.0,
    show_default=True,
    help="Requests per second per host (0: no limit).",
)
@click.option(
    "--concurrency",
    type=int,
    default=2,
    show_default=True,
    help="Requests in flight per host (always 1 for the Wayback Machine).",
)
@click.option(
    "--retries",
    type=int,
    default=3,
    show_default=True,
    help="Retries for connection errors, timeouts, 408, 429 and 5xx.",
)
@click.option(
    "--timeout", type=float, default=30.0, show_default=True, help="Seconds per response."
)
@click.option(
    "--max-body",
    type=int,
    default=10 * 1024 * 1024,
    show_default=True,
    help="Bytes kept per response; larger ones are cut and marked truncated.",
)
@click.option(
    "--give-up-after",
    type=float,
    metavar="SECONDS",
    help="Stop (exit 3) when 429/503 answers go on this long (Wayback default: 60).",
)
@click.option(
    "--contact",
    default="https://github.com/jparchive",
    show_default=True,
    help="Operator contact (URL or e-mail) sent in the User-Agent.",
)
@click.option(
    "--ignore-robots", is_flag=True, help="Do not obey robots.txt (recorded in the WARC)."
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bar (default: on a terminal only; log lines otherwise).",
)
@data_option
@expected_errors
def harvest(**options: Any) -> None:
    from pipeline.harvest import harvest as run

    report = run(_harvest_config(**options))
    click.echo(report.summary())
    for failure in report.failures[:20]:
        click.echo(f"  failed: {failure['url']}: {failure['error']}")
    if len(report.failures) > 20:
        click.echo(f"  ... and {len(report.failures) - 20} more")
    click.echo(f"report: {report.report_path}")
    sys.exit(report.exit_code)


def _harvest_config(files: tuple[Path, ...], source: str, ids_spec: str | None, **o: Any) -> Any:
    """The HarvestConfig the harvest flags describe."""
    from pipeline.fetch.policy import FetchPolicy
    from pipeline.harvest import HarvestConfig
    from pipeline.harvest.ids import parse_id_spec
    from pipeline.sources.wayback import WaybackOptions

    if files and source != "warc":
        raise ConfigError(f"FILE arguments go with --source warc, not --source {source}")
    if o["cdx_rate"] <= 0:
        raise ConfigError(f"--cdx-rate {o['cdx_rate']} must be more than 0")
    policy = FetchPolicy(
        rate=o["rate"],
        concurrency=o["concurrency"],
        retries=o["retries"],
        read_timeout=o["timeout"],
        max_body=o["max_body"],
        contact=o["contact"],
        obey_robots=not o["ignore_robots"],
        give_up_after=o["give_up_after"],
    )
    wayback = WaybackOptions(
        wayback_url=o["wayback_url"],
        year_from=o["year_from"],
        year_to=o["year_to"],
        captures=o["captures"],
        cdx_interval=1.0 / o["cdx_rate"],
    )
    return HarvestConfig(
        base_url=o["base_url"],
        data=o["data"],
        policy=policy,
        ids=tuple(parse_id_spec(ids_spec)) if ids_spec else (),
        discover=o["discover"],
        command_line=shlex.join(["jparchive", *sys.argv[1:]]),
        progress=o["progress"],
        source=source,
        wayback=wayback,
        files=files,
    )


@main.command()
@data_option
@click.option(
    "--progress/--no-progress", default=None, help="Progress bar (default: on a terminal)."
)
@expected_errors
def build(data: Path, progress: bool | None) -> None:
    """Parse the archive under DATA/raw/ into Parquet tables in DATA/parquet/.

    \b
    Example:
      jparchive build --data data
      python -c "import pandas; print(pandas.read_parquet('data/parquet/activities.parquet'))"
    """
    from pipeline.build import BuildConfig
    from pipeline.build import build as run

    report = run(BuildConfig(data=data, progress=progress))
    click.echo(report.summary())
    click.echo(report.details())
    click.echo(f"report: {report.report_path}")


@main.command()
@click.argument("sources", nargs=-1, required=True, metavar="PATH_OR_URL...")
@click.option(
    "--format", "fmt", type=click.Choice(["json", "jsonl"]), default="json", show_default=True
)
@expected_errors
def parse(sources: tuple[str, ...], fmt: str) -> None:
    """Parse activity pages (files, or http(s) URLs) and print their records as JSON.

    A page is HTML as saved or served, or a text rendering of one (one table row a line);
    a file or URL that is no activity page prints its reason and makes the exit code 1.

    \b
    Examples:
      jparchive parse fixtures/site/CEAD/activities/18356.html --format jsonl
      jparchive parse fixtures/text/activity-18356.txt
    """
    from pipeline.pages import parse_sources

    failed = 0
    for record in parse_sources(sources):
        failed += "not_an_activity" in record
        click.echo(json.dumps(record, ensure_ascii=False, indent=None if fmt == "jsonl" else 1))
    sys.exit(1 if failed else 0)  # 1: some pages were not activity pages (said in the output)


format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)


@main.command()
@click.argument("query")
@format_option
@data_option
@expected_errors
def sql(query: str, fmt: str, data: Path) -> None:
    """Run a DuckDB SQL query over the tables (each table is a view of its name).

    \b
    Example: activities on cybercrime in Serbia in 2007, with their experts
      jparchive sql "SELECT a.activity_id, a.start_date, a.title,
                            string_agg(p.name, ', ' ORDER BY p.name) AS experts
                     FROM activities a
                     LEFT JOIN activity_people p ON p.activity_id = a.activity_id
                                                AND p.role = 'expert'
                     WHERE a.activity_id IN (SELECT activity_id FROM activity_countries
                                             WHERE country_code = 'RS')
                       AND year(a.start_date) = 2007 AND a.title ILIKE '%cybercrime%'
                     GROUP BY ALL ORDER BY a.start_date"

    Tables: activities, programmes, project_purposes, expected_results, countries,
    activity_countries, activity_groups, activity_people, activity_links, captures,
    parse_issues (see docs/data-dictionary.md).
    """
    from pipeline.query import render, run_sql

    click.echo(render(run_sql(data, query), fmt))


@main.command()
@click.argument("terms", nargs=-1, required=True, metavar="TEXT...")
@click.option("--country", metavar="CODE", help="ISO 3166-1 alpha-2 code, e.g. RS (Kosovo: XK).")
@click.option("--programme", metavar="CODE", help="Joint programme code, e.g. PACO-Serbia.")
@click.option(
    "--from", "year_from", type=int, metavar="YEAR", help="Activities ending in or after YEAR."
)
@click.option(
    "--to", "year_to", type=int, metavar="YEAR", help="Activities starting in or before YEAR."
)
@click.option("--limit", type=click.IntRange(1), default=100, show_default=True)
@format_option
@data_option
@expected_errors
def search(
    terms: tuple[str, ...],
    country: str | None,
    programme: str | None,
    year_from: int | None,
    year_to: int | None,
    limit: int,
    fmt: str,
    data: Path,
) -> None:
    """Find activities whose title, description or synopsis contain every TEXT.

    \b
    Example:
      jparchive search cybercrime --country RS --from 2007 --to 2007
    """
    from pipeline.query import render
    from pipeline.query import search as run

    result = run(
        data,
        list(terms),
        country=country,
        programme=programme,
        year_from=year_from,
        year_to=year_to,
        limit=limit,
    )
    click.echo(render(result, fmt))
