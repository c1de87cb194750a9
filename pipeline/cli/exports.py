"""`jparchive export`: the built tables in the formats of other tools."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import click

from pipeline.cli.common import data_option, expected_errors, main


@main.command()
@click.option("--format", "fmt", type=click.Choice(["csl-json", "bibtex", "ris", "iati"]),
              required=True, help="CSL-JSON (Zotero), BibTeX, RIS or IATI 2.03.")  # fmt: skip
@click.option("--reporting-org-ref", metavar="REF", help="IATI: the publisher's identifier.")
@click.option("--reporting-org-name", metavar="NAME", help="IATI: the publisher's name.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write here (whole or not at all); default: standard output.")  # fmt: skip
@click.option("--ids", metavar="SPEC", help="Only these activities: 18356,20107 or 18000-19000.")
@click.option("--programme", metavar="CODE", help="Only this programme's, e.g. PACO-Serbia.")
@click.option("--country", metavar="CODE", help="Only those for or in this country, e.g. RS.")
@click.option("--treaty", type=click.IntRange(1), metavar="ETS", help="Only those naming it.")
@click.option("--search", "words", metavar="WORDS", help="Only those the search finds.")
@data_option
@expected_errors
def export(
    fmt: str, reporting_org_ref: str | None, reporting_org_name: str | None, out: Path | None,
    ids: str | None, programme: str | None, country: str | None, treaty: int | None,
    words: str | None, data: Path,
) -> None:  # fmt: skip
    """Export activities: as citations reference managers read, each the archived web
    page it is (title; the Council of Europe as author and publisher; the programme;
    the activity's dates; its address on www.jp.coe.int; when it was captured and where
    the capture can be seen), or as IATI activity data with their programmes. All
    activities, or those the options choose (together). Mappings: docs/exports.md.

    \b
    Examples:
      jparchive export --format bibtex --programme PACO-Serbia --out paco.bib
      jparchive export --format csl-json --search cybercrime --country RS
      jparchive export --format ris --ids 18356,20107
      jparchive export --format iati --out jp.xml    # IATI 2.03, programmes and activities

    IATI needs a status and a date: an activity without one is left out (and said); so
    is a linked document whose link, title and file name do not say what kind it is.
    """
    from pipeline.exports import ExportConfig, export, write_out
    from pipeline.exports.iati import Reporter
    from pipeline.harvest.ids import parse_id_spec

    chosen = tuple(parse_id_spec(ids)) if ids else ()  # a bad one: a ConfigError that says so
    reporter = Reporter()  # the defaults, and what the options give instead
    reporter = replace(reporter, ref=reporting_org_ref or reporter.ref,
                       name=reporting_org_name or reporter.name)  # fmt: skip
    config = ExportConfig(data=data, fmt=fmt, ids=chosen, programme=programme, country=country,
                          treaty=treaty, words=tuple((words or "").split()),
                          reporter=reporter)  # fmt: skip
    text, count, left_out = export(config)
    if out is None:
        sys.stdout.write(text)
    else:
        write_out(text, out)
    click.echo(f"export: {count} activities as {fmt}" + (f" in {out}" if out else ""), err=True)
    for why in left_out:  # IATI needs a status and a date: nothing is made up
        click.echo(f"  left out: {why}", err=True)
