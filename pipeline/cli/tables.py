"""The commands over pages and tables: `build`, `parse`, `sql`, `search`, `coverage`,
`serve-fixtures`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from pipeline.cli.common import data_option, expected_errors, main
from pipeline.errors import ConfigError


@main.command("serve-fixtures")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port on 127.0.0.1 (0: any free port).",
)
@expected_errors
def serve_fixtures(port: int) -> None:
    """Serve the embedded fixture site on 127.0.0.1 with the real site's URL scheme.

    \b
    Example:
      jparchive serve-fixtures --port 8000
      curl 'http://127.0.0.1:8000/CEAD/Countries.asp?ID=18356&ActSyn=True'
    """
    from pipeline import stopping
    from pipeline.fixtures.server import FixtureServer

    stopping.on_stop_say("the fixture site stopped (it writes nothing)")
    try:
        server = FixtureServer(port)
    except OSError as exc:
        raise click.UsageError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}") from exc
    click.echo(
        f"serving the fixture site at {server.url}/CEAD/Default.asp (Ctrl-C to stop)", err=True
    )
    server.serve_forever()  # until Ctrl-C or SIGTERM: 130 or 143, within 2 s


@main.command()
@data_option
@click.option(
    "--progress/--no-progress", default=None, help="Progress bar (default: on a terminal)."
)
@click.option(
    "--max-body",
    type=int,
    default=10 * 1024 * 1024,
    show_default=True,
    help="Bytes of one page decoded at most; a larger one (a gzip bomb) is cut there.",
)
@click.option(
    "--ocr",
    is_flag=True,
    help="Read documents with no text layer (scanned PDFs) with tesseract; slow "
    "(a few seconds a page).",
)
@click.option(
    "--document-seconds",
    type=click.FloatRange(min=0.1),
    default=None,
    help="Wall time one document may take to read  [default: 30; 300 with --ocr]",
)
@click.option(
    "--document-memory",
    type=click.IntRange(min=64),
    default=1024,
    show_default=True,
    help="Memory (MB of address space) the reader of one document may use.",
)
@expected_errors
def build(
    data: Path,
    progress: bool | None,
    max_body: int,
    ocr: bool,
    document_seconds: float | None,
    document_memory: int,
) -> None:
    """Parse the archive under DATA/raw/ into Parquet tables in DATA/parquet/.

    The archived documents (PDF, DOC, DOCX, RTF, XLS(X), PPT(X), ODT, TXT) are read for
    their text, each in a child process within --document-seconds and --document-memory:
    a document that cannot be read (scanned, encrypted, truncated, damaged, hostile) gets
    extraction 'none: <why>' in the documents table. What was read is kept in
    DATA/cache/, so a rebuild reads only new documents.

    \b
    Example:
      jparchive build --data data
      python -c "import pandas; print(pandas.read_parquet('data/parquet/activities.parquet'))"
    """
    from pipeline.build import BuildConfig, ReadLimits
    from pipeline.build import build as run

    limits = ReadLimits(ocr, document_seconds, document_memory * 1024 * 1024)
    config = BuildConfig(data=data, progress=progress, max_body=max_body, documents=limits)
    report = run(config)
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
    """Parse activity or logframe pages (files, or http(s) URLs) and print their records
    as JSON; each record's `page_kind` says which ("activity" or "logframe").

    A page is HTML as saved or served, or a text rendering of one (one table row a line).
    Logframes are read in all three views (a programme, one project purpose, one expected
    result) and their print views. A file or URL that is neither prints its reason and
    makes the exit code 1.

    \b
    Examples:
      jparchive parse fixtures/site/CEAD/activities/18356.html --format jsonl
      jparchive parse fixtures/text/activity-18356.txt
      jparchive parse fixtures/site/CEAD/logframes/programme-112.html
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
    type=click.Choice(["table", "csv", "json", "jsonl"]),
    default="table",
    show_default=True,
    help="json: a list of objects; jsonl: one object a line (valid JSON for every type).",
)


@main.command()
@click.argument("query", required=False)
@click.option(
    "--file",
    "query_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Read the query from a file (or give QUERY as - to read it from standard input).",
)
@format_option
@data_option
@expected_errors
def sql(query: str | None, query_file: Path | None, fmt: str, data: Path) -> None:
    """Run a DuckDB SQL query over the tables (each table is a table of its name).

    Read-only: a query sees the built tables and nothing else (no file, no network, no
    extension); one that tries gets a one-line error and exit code 2.

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
    parse_issues, logframe_pages, coverage, treaties, activity_treaties,
    activity_versions, field_changes, documents, activity_documents, document_texts,
    people, person_mentions, organisations, activity_organisations, places,
    programme_treaties (see docs/data-dictionary.md).
    """
    from pipeline.query import render, run_sql

    click.echo(render(run_sql(data, _query_text(query, query_file)), fmt))


def _query_text(query: str | None, query_file: Path | None) -> str:
    if query is not None and query_file is not None:
        raise ConfigError("sql: give the query or --file, not both")
    if query_file is not None:
        try:
            return query_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"sql: cannot read {query_file}: {exc}") from exc
    if query == "-":
        return sys.stdin.read()
    if query is None:
        raise ConfigError("sql: give a query, --file FILE, or - to read it from standard input")
    return query


@main.command()
@click.argument("terms", nargs=-1, metavar="[TEXT...]")
@click.option("--country", metavar="CODE", help="ISO 3166-1 alpha-2 code, e.g. RS (Kosovo: XK).")
@click.option(
    "--treaty",
    type=click.IntRange(1, 999),
    metavar="N",
    help="Activities that name the treaty ETS/CETS No. N, e.g. 185 (the Budapest Convention).",
)
@click.option("--programme", metavar="CODE", help="Joint programme code, e.g. PACO-Serbia.")
@click.option(
    "--person",
    metavar="NAME",
    help="Activities that name a person whose name, in any form written, holds NAME "
    "(no case, no accents: 'gercke' finds 'Prof. Dr. Marco Gercke' and 'M. Gercke' when "
    "they are one person), or whose person_id is NAME (see `jparchive people`).",
)
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
    treaty: int | None,
    programme: str | None,
    person: str | None,
    year_from: int | None,
    year_to: int | None,
    limit: int,
    fmt: str,
    data: Path,
) -> None:
    """Find activities whose title, description or synopsis contain every TEXT, or that
    link a document (a report, an agenda) whose text contains every TEXT; the `matched`
    column says which: page, or document: TITLE (ID). With --treaty, only those that
    name that Council of Europe treaty; with --person, only those that name that person
    (TEXT may then be left out).

    \b
    Examples:
      jparchive search cybercrime --country RS --from 2007 --to 2007
      jparchive search "seized criminal assets"
      jparchive search --treaty 185 --country RS
      jparchive search --person gercke --country RS
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
        treaty=treaty,
        person=person,
    )
    click.echo(render(result, fmt))
    if result.cut and fmt != "table":  # the table says it in its last line
        click.echo(f"search: {result.cut}; --limit N shows more", err=True)


@main.command()
@click.option("--programme", metavar="CODE", help="Only this programme, e.g. PACO-Serbia.")
@format_option
@data_option
@expected_errors
def coverage(programme: str | None, fmt: str, data: Path) -> None:
    """How complete the archive is: per programme, then per project purpose, the activities
    its logframe counts, those the archive holds, the share, and the IDs the site's
    listings name that the archive lacks (where to look next: another Wayback window,
    another institution's WARC). Counts are empty where no logframe was harvested.

    \b
    Example:
      jparchive coverage --programme PACO-Serbia
    """
    from pipeline.query import coverage as run
    from pipeline.query import render

    click.echo(render(run(data, programme), fmt))


@main.command()
@click.argument("activity_id", type=click.IntRange(1), metavar="ID")
@format_option
@data_option
@expected_errors
def history(activity_id: int, fmt: str, data: Path) -> None:
    """When activity ID's page changed, and how: its versions (identical captures are one
    version) and, field by field, what differs between consecutive ones (lists compared
    as sets). Several captures come from `harvest --captures all` (Wayback) or from
    several harvests.

    \b
    Example:
      jparchive history 18356
    """
    from pipeline.query import history as run
    from pipeline.query import render

    versions, changes = run(data, activity_id)
    if fmt == "json":  # one document: {"versions": [...], "changes": [...]}
        both = {"versions": json.loads(render(versions, "json")),
                "changes": json.loads(render(changes, "json"))}  # fmt: skip
        click.echo(json.dumps(both, ensure_ascii=False, indent=1))
        return
    if fmt in ("jsonl", "csv"):  # one table: the changes (each names its version)
        click.echo(render(changes, fmt))
        return
    n = len(versions.rows)
    click.echo(f"activity {activity_id}: {n} version{'' if n == 1 else 's'}")
    click.echo(render(versions, fmt))
    if changes.rows:
        click.echo(f"\nwhat changed ({len(changes.rows)} fields):")
        click.echo(render(changes, fmt))
    else:
        click.echo("\nno change between captures")


@main.command()
@click.argument("name", required=False, metavar="[NAME]")
@click.option("--limit", type=click.IntRange(1), default=100, show_default=True)
@format_option
@data_option
@expected_errors
def people(name: str | None, limit: int, fmt: str, data: Path) -> None:
    """The people the pages name, one row per person however the pages wrote the name
    ("M. Gercke", "GERCKE, Marco", "Prof. Dr. Marco Gercke"), most active first. With
    NAME (text of any written form, no case or accents, or a person_id): those people;
    when only one, their activities by year, with the role and the form written, and
    the people named with them. `person_mentions` says how each mention was linked.

    \b
    Examples:
      jparchive people
      jparchive people gercke
      jparchive people 3e26138cff516b58 --format csv
    """
    from pipeline.query import render
    from pipeline.query.people import people as find
    from pipeline.query.people import person

    found = find(data, name, limit)
    if name is None or len(found.rows) != 1:
        click.echo(render(found, fmt))
        return
    pid, shown = found.rows[0][0], found.rows[0][1]
    activities, co = person(data, pid)
    if fmt != "table":  # one table: the activities
        click.echo(render(activities, fmt))
        return
    click.echo(f"{shown} ({pid}): {len(activities.rows)} mentions")
    click.echo(render(activities, fmt))
    if co.rows:
        click.echo("\nnamed with:")
        click.echo(render(co, fmt))
