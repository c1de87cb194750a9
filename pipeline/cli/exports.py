"""`jparchive export`: the built tables in the formats of other tools."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline.cli.common import data_option, expected_errors, main


@main.command()
@click.option("--format", "fmt", type=click.Choice(["csl-json", "bibtex", "ris"]),
              required=True, help="CSL-JSON (Zotero, Pandoc), BibTeX or RIS.")  # fmt: skip
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
    fmt: str, out: Path | None, ids: str | None, programme: str | None,
    country: str | None, treaty: int | None, words: str | None, data: Path,
) -> None:  # fmt: skip
    """Cite activities in the formats reference managers read: each as the archived web
    page it is (title; the Council of Europe as author and publisher; the programme;
    the activity's dates; its address on www.jp.coe.int; when it was captured and where
    the capture can be seen). All activities, or those the options choose (together).

    \b
    Examples:
      jparchive export --format bibtex --programme PACO-Serbia --out paco.bib
      jparchive export --format csl-json --search cybercrime --country RS
      jparchive export --format ris --ids 18356,20107
    """
    from pipeline.exports import ExportConfig, export, write_out
    from pipeline.harvest.ids import parse_id_spec

    chosen = tuple(parse_id_spec(ids)) if ids else ()  # a bad one: a ConfigError that says so
    config = ExportConfig(data=data, fmt=fmt, ids=chosen, programme=programme, country=country,
                          treaty=treaty, words=tuple((words or "").split()))  # fmt: skip
    text, count = export(config)
    if out is None:
        sys.stdout.write(text)
    else:
        write_out(text, out)
    click.echo(f"export: {count} activities as {fmt}" + (f" in {out}" if out else ""), err=True)
