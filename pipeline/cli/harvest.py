"""`jparchive harvest`: its flags, and the HarvestConfig they describe."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Any

import click

from pipeline import stopping
from pipeline.cli.common import EXIT_CODES, data_option, expected_errors, main
from pipeline.errors import ConfigError

# The names in pipeline.sources.SOURCES, written out so that `jparchive --help` need not
# import every source (a test holds the two equal).
SOURCE_NAMES = ["site", "wayback", "warc"]

HARVEST_HELP = """Fetch pages politely into WARC files under DATA/raw/.

    Every response is archived with its request; the crawl state is kept in
    DATA/raw/index.sqlite3, so rerunning the same command resumes where it stopped.
    A JSON report goes to DATA/reports/harvest-<time>.json.

    \b
    Sources:
      site     the site itself, or a mirror at --base-url (needs --ids or --discover)
      wayback  the Internet Archive: the CDX API lists captures, `id_` replays them
               (4 a second, 4 in flight; a 429 pauses it 60 s; 429s for a minute stop
               it; --list first says what there is and how long it will take)
      warc     existing WARC or ARC files, gzipped or not, given as FILE arguments
               (checked, then copied as written: responses, revisits, their requests
               and metadata, and the text renderings of WET files)

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
    type=click.Choice(SOURCE_NAMES),
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
    "--requisites/--no-requisites",
    default=True,
    show_default=True,
    help="Also fetch what each page loads to look as it did (stylesheets and what they "
    "@import and url(), images, scripts, frames) from the site's host, once per URL.",
)
@click.option(
    "--variants/--no-variants",
    default=True,
    show_default=True,
    help="Also archive each activity's Countries.asp?ID=n view (without its synopsis), the "
    "URL the site's listings and its 'Hide Synopsis' link point at, so that a replay of the "
    "archive follows them: a second request per activity.",
)
@click.option(
    "--documents/--no-documents",
    default=None,
    help="Also fetch the documents pages link to (PDF, DOC, DOCX, RTF, ODT, XLS, XLSX, PPT, "
    "PPTX, TXT), once per URL. Default: on for --source wayback (they survive only there), "
    "off for --source site (a mirror's documents are on other hosts; ask for them).",
)
@click.option(
    "--document-hosts",
    metavar="HOST[,HOST...]",
    help="The hosts documents are taken from, replacing the default: the site's host and "
    "the Council of Europe's document hosts (www.coe.int, rm.coe.int, wcd.coe.int, ...).",
)
@click.option(
    "--max-document-bytes",
    type=click.IntRange(1),
    default=50 * 1024 * 1024,
    show_default=True,
    help="A larger document is archived cut there, marked WARC-Truncated, and reported.",
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
    help="Requests per second per host (0: no limit). Default: 1 for the site, 4 for "
    "Wayback replays (40% of the Archive's limit of 600 a minute).",
)
@click.option(
    "--concurrency",
    type=int,
    help="Requests in flight per host. Default: 2 for the site, 4 for the Wayback Machine.",
)
@click.option(
    "--backoff",
    type=float,
    metavar="SECONDS",
    help="Pause a host's clock this long after a 429 without Retry-After "
    "(Wayback default: 60, as the Archive's 429s carry none).",
)
@click.option(
    "--list",
    "list_only",
    is_flag=True,
    help="Wayback: ask the CDX what it holds and how long a harvest would take; fetch nothing.",
)
@click.option(
    "--max-pages",
    type=click.IntRange(1),
    metavar="N",
    help="Wayback: replay at most N pages this run (rerun for the next N).",
)
@click.option(
    "--strict-digests",
    is_flag=True,
    help="Wayback: count a body unlike its CDX digest as failed (by default: flagged only).",
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
    "--retry-failed",
    is_flag=True,
    help="Retry only what failed before (see `jparchive status`): nothing new is queued.",
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

    config = _harvest_config(**options)
    report = run(config)
    if stopping.stop_requested() is not None:
        stopping.said()  # the summary says it was interrupted, and how to resume
    if config.wayback.list_only and not report.stopped:
        click.echo(_listing(report.discovered, config.policy.rate))
        click.echo(f"report: {report.report_path}")
        sys.exit(0)
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
    from pipeline.sources import source_class

    kind = source_class(source)
    policy = FetchPolicy(
        rate=kind.default_rate if o["rate"] is None else o["rate"],
        concurrency=kind.default_concurrency if o["concurrency"] is None else o["concurrency"],
        throttle_pause=o["backoff"],
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
        strict_digests=o["strict_digests"],
        list_only=o["list_only"],
        max_pages=o["max_pages"],
    )
    if source != "wayback" and (o["list_only"] or o["max_pages"] or o["strict_digests"]):
        raise ConfigError("--list, --max-pages and --strict-digests go with --source wayback")
    return HarvestConfig(
        base_url=o["base_url"],
        data=o["data"],
        policy=policy,
        ids=tuple(parse_id_spec(ids_spec)) if ids_spec else (),
        discover=o["discover"],
        requisites=o["requisites"],
        variants=o["variants"],
        documents=o["documents"],
        document_hosts=_hosts(o["document_hosts"]),
        max_document_bytes=o["max_document_bytes"],
        command_line=shlex.join(["jparchive", *sys.argv[1:]]),
        progress=o["progress"],
        source=source,
        wayback=wayback,
        files=files,
        retry_failed=o["retry_failed"],
    )


def _hosts(text: str | None) -> frozenset[str] | None:
    """`--document-hosts a,b` as a set of host names (checked by HarvestConfig)."""
    if text is None:
        return None
    return frozenset(h.strip() for h in text.split(","))


def _listing(found: dict[str, Any], rate: float) -> str:
    """What `--list` says: what the CDX holds, and how long its harvest would take."""
    replays = found.get("captures_chosen", 0)
    seconds = replays / rate if rate else 0.0
    hours, rest = divmod(int(seconds), 3600)
    return (
        f"CDX: {found.get('activities', 0):,} activities and {found.get('logframes', 0):,} "
        f"logframes with captures, {found.get('cdx_rows', 0):,} rows "
        f"({found.get('repeated_rows', 0):,} repeated, counted once; "
        f"{found.get('revisit_rows', 0):,} revisits), years {found.get('years') or 'none'}; "
        f"captures per page: {found.get('captures_per_page_mean', 0)} on average, "
        f"{found.get('captures_per_page_max', 0)} at most; "
        f"{found.get('cdx_pages', 0)} CDX pages\n"
        f"a harvest would make {replays:,} replays{_variants(found)}: about {hours} h "
        f"{rest // 60} min at {rate:g} a second (more if some must fall back to older "
        "captures)" + _loads(found)
    )


def _variants(found: dict[str, Any]) -> str:
    n = found.get("variant_replays", 0)
    return f" ({n:,} of them views without the synopsis, which --no-variants skips)" if n else ""


def _loads(found: dict[str, Any]) -> str:
    """What `--list` says of requisites and documents (when the harvest would take them)."""
    if "requisites_held" not in found:
        return ""
    return (
        f"\nand, of the site's host, up to {found['requisites_held']:,} requisites (stylesheets, "
        f"scripts, images) and {found['documents_held']:,} documents the Archive holds: those "
        "the pages load and link (documents on the Council of Europe's other hosts are found "
        "as the pages are read)"
    )
