"""The commands an archivist runs on the archive itself: `verify`, `status` and `wacz`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline.cli.common import EXIT_CODES, data_option, expected_errors, main


@main.command(epilog=EXIT_CODES)
@data_option
@expected_errors
def verify(data: Path) -> None:
    """Audit the archive: every WARC record, every index entry, every built table.

    Reads every byte: gzip members whole, each record's framing and its block and payload
    digests (revisits through their original), every index entry pointing at a record
    that is there and is what the index says, and the Parquet files against the sha256
    in datapackage.json. Prints each problem with its file and offset, writes
    DATA/reports/verify-<time>.json, and exits 0 when all is sound, 1 otherwise. Takes
    no lock: it may run beside a harvest.

    \b
    Example (monthly, and after copying an archive elsewhere):
      jparchive verify --data data
    """
    from pipeline.archive.verify import verify as run
    from pipeline.reports import write_report

    report = run(data)
    click.echo(report.summary())
    for line in report.lines():
        click.echo(line)
    click.echo(f"report: {write_report(data, 'verify', report)}")
    sys.exit(0 if report.sound else 1)


@main.command()
@data_option
@expected_errors
def status(data: Path) -> None:
    """Show the crawl state: queue counts by source, kind and state, the latest failures
    with their reasons, the WARC files and their sizes, and who holds the writer lock.

    Read-only; it may run beside a harvest. `harvest --retry-failed` retries what failed.

    \b
    Example:
      jparchive status --data data
    """
    from pipeline.archive.status import status as run

    click.echo(run(data).render())


@main.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@data_option
@click.option(
    "--ids", metavar="SPEC", help="Only these activities, e.g. 18356,19000-19100 or @ids.txt."
)
@click.option(
    "--with-tables",
    is_flag=True,
    help="Add the Parquet tables and their data package (not with --ids).",
)
@click.option("--title", help="The package's title  [default: what the archive is]")
@click.option("--description", help="Its description  [default: drawn from what it holds]")
@click.option("--rights", metavar="TEXT", help="The rights or licence statement, e.g. 'CC BY 4.0'.")
@click.option("--publisher", metavar="TEXT", help="The institution that makes the package.")
@expected_errors
def wacz(out: Path, data: Path, ids: str | None, with_tables: bool, **stated: str | None) -> None:
    """Write the archive as one WACZ 1.1.1 file (OUT.wacz) that replay tools open
    (ReplayWeb.page, pywb): the WARC files as they are, a compressed CDXJ index, the list
    of every capture of every page with its title and text, and a data package with every
    file's sha256, what the archive holds, its sources and dates, and the rights stated.

    --title, --description, --rights and --publisher may also stand in DATA/wacz.json
    (a JSON object with those keys, and contact); flags win. With --ids, the package is a
    part of the archive: those activities' captures with their requests and metadata and
    the warcinfo of the files they come from, and datapackage.json says which.

    \b
    Example:
      jparchive wacz jparchive.wacz --data data --with-tables --rights "CC BY 4.0"
    """
    from pipeline.handoff import write_wacz
    from pipeline.handoff.package import Statement
    from pipeline.harvest.ids import parse_id_spec

    selected = set(parse_id_spec(ids)) if ids else None
    statement = Statement.read(data, **stated)
    click.echo(write_wacz(data, out, selected, with_tables, statement).summary())
