"""The documents in the built tables: one row per archived document with its type, size,
pages, title, language and how its text was read (or why not); which activities link it,
with the link's text; its text in `document_texts`, in jparchive.db's full-text index and
in `search`, which says whether the words were on the page or in which document."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.build import BuildConfig, build
from pipeline.build.documents import document_id
from pipeline.fixtures.documents import DOCUMENTS, LINKED, document_bytes
from pipeline.fixtures.server import FixtureServer, Response
from tests.conftest import run_cli
from tests.warcs import read_all


def table(archive: Path, name: str) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = pq.read_table(
        archive / "parquet" / f"{name}.parquet"
    ).to_pylist()
    return rows


def by_path(rows: list[dict[str, object]]) -> dict[str, dict[str, object]]:
    return {str(r["url"]).split("/CEAD/", 1)[1]: r for r in rows}


def test_every_archived_document_has_a_row_saying_how_its_text_was_read(archive: Path) -> None:
    rows = by_path(table(archive, "documents"))
    texts = {r["document_id"]: r["text"] for r in table(archive, "document_texts")}
    assert set(rows) == set(DOCUMENTS)
    for path, doc in DOCUMENTS.items():
        row = rows[path]
        assert str(row["extraction"]).startswith(doc.extraction), (path, row["extraction"])
        assert row["bytes"] == len(document_bytes(doc)) and row["content_type"] == doc.content_type
        assert row["document_id"] == document_id(str(row["url"]))
        if doc.extraction.startswith("none"):
            assert row["text_chars"] == 0
        else:
            assert (row["title"], row["language"]) == (doc.title, doc.language)
            assert row["text_chars"] == len(str(texts[row["document_id"]]))
    assert rows["docs/paco-serbia-final-report.pdf"]["pages"] == 3
    assert rows["docs/agenda-20107.doc"]["kind"] == "doc"


def test_activities_link_their_documents_with_the_page_s_words(archive: Path) -> None:
    ids = {r["document_id"]: p for p, r in by_path(table(archive, "documents")).items()}
    links = {
        (r["activity_id"], ids[r["document_id"]]): r for r in table(archive, "activity_documents")
    }
    assert set(links) == {(aid, path) for aid, paths in LINKED.items() for path in paths}
    for (_, path), row in links.items():
        assert row["label"] == DOCUMENTS[path].label and row["field"] == "links"


def test_document_texts_are_in_the_full_text_index(archive: Path) -> None:
    texts = {r["document_id"]: r["text"] for r in table(archive, "document_texts")}
    readable = [d for d in DOCUMENTS.values() if not d.extraction.startswith("none")]
    assert len(texts) == len(readable)
    db = sqlite3.connect(archive / "jparchive.db")
    for doc in readable:
        found = db.execute(
            "SELECT d.url FROM document_texts_fts f JOIN document_texts t ON t.rowid = f.rowid "
            "JOIN documents d ON d.document_id = t.document_id WHERE document_texts_fts MATCH ?",
            (f'"{doc.sentence.rstrip(".")}"',),
        ).fetchall()
        assert [str(u).split("/CEAD/", 1)[1] for (u,) in found] == [doc.path]


@pytest.mark.parametrize(
    "path", [p for p, d in DOCUMENTS.items() if d.sentence and not d.extraction.startswith("none")]
)
def test_search_finds_each_document_s_sentence_and_says_where(archive: Path, path: str) -> None:
    doc = DOCUMENTS[path]
    [aid] = [a for a, paths in LINKED.items() if path in paths]
    result = run_cli("search", doc.sentence.rstrip("."), "--format", "csv", "--data", str(archive))
    assert result.returncode == 0, result.stderr
    [header, row] = result.stdout.splitlines()
    assert header.endswith(",matched")
    assert row.startswith(f"{aid},")
    ids = {p: r["document_id"] for p, r in by_path(table(archive, "documents")).items()}
    assert row.endswith(f"({ids[path]})") and "document: " in row


def test_words_on_the_page_say_page_and_unread_documents_match_nothing(archive: Path) -> None:
    page = run_cli("search", "ratification", "--format", "csv", "--data", str(archive))
    assert "20107," in page.stdout and page.stdout.splitlines()[1].endswith(",page")
    # the encrypted report's title words are in no text read
    none = run_cli("search", "anti-corruption strategy review", "--data", str(archive))
    assert none.stdout.splitlines()[-1] == "(0 rows)"


def test_a_rebuild_reads_no_document_again(archive: Path, tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(archive, copy, symlinks=True)
    report = build(BuildConfig(data=copy, progress=False))
    assert report.documents.documents == len(DOCUMENTS)
    assert report.documents.read_now == 0  # every text from the cache
    assert report.documents.unread == {"encrypted": 1, "scanned": 1, "truncated": 1}
    assert table(copy, "document_texts") == table(archive, "document_texts")
    assert (
        "11 documents, 8 with text (without: 1 encrypted, 1 scanned, 1 truncated)"
        in report.summary()
    )


def test_build_ocr_reads_the_scan_and_search_finds_its_words(archive: Path, tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(archive, copy, symlinks=True)
    result = run_cli("build", "--data", str(copy), "--ocr", "--no-progress")
    assert result.returncode == 0, result.stderr
    assert "11 documents, 9 with text (without: 1 encrypted, 1 truncated)" in result.stdout
    rows = by_path(table(copy, "documents"))
    assert rows["docs/scanned-declaration-35761.pdf"]["extraction"] == "ocr"
    found = run_cli("search", "Dubrovnik", "--format", "csv", "--data", str(copy))
    assert found.stdout.splitlines()[1].startswith("35761,")
    report = json.loads(Path(result.stdout.split("report: ", 1)[1].strip()).read_text())
    unread = {
        r["url"].split("/CEAD/", 1)[1]: r["extraction"] for r in report["documents"]["without_text"]
    }
    assert set(unread) == {"docs/restricted-38230.pdf", "docs/draft-law-review-38877.pdf"}


def test_a_site_harvest_archives_each_linked_document_once(tmp_path: Path) -> None:
    data = tmp_path / "data"
    ids = ",".join(str(a) for a in LINKED)
    with FixtureServer() as server:
        for _ in range(2):  # the rerun archives none again
            result = run_cli("harvest", "--base-url", server.url, "--ids", ids, "--rate", "0",
                             "--documents", "--document-hosts", "127.0.0.1", "--data", str(data),
                             "--no-progress")  # fmt: skip
            assert result.returncode == 0, result.stdout + result.stderr
    records = [
        r for r in read_all(data / "raw") if r.type == "response" and "/docs/" in (r.uri or "")
    ]
    by_path_ = {str(r.uri).split("/CEAD/", 1)[1]: r for r in records}
    assert len(records) == len(by_path_) == len(DOCUMENTS)  # each once
    for path, doc in DOCUMENTS.items():
        assert by_path_[path].payload == document_bytes(doc)


class Moved(FixtureServer):
    """The fixture site, where one document has moved: its old address redirects (301)."""

    def __init__(self) -> None:
        super().__init__()
        route = self.site.route

        def moved(target: str) -> Response:
            if target.endswith("/CEAD/docs/paco-serbia-final-report.pdf"):
                return Response(
                    301, "text/html", b"moved", (("Location", "/files/final-report.pdf"),)
                )
            if target.endswith("/files/final-report.pdf"):
                return route("/CEAD/docs/paco-serbia-final-report.pdf")
            return route(target)

        self.site.route = moved  # type: ignore[method-assign]


def test_a_document_behind_a_redirect_is_the_document_its_page_links(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Moved() as server:
        result = run_cli("harvest", "--base-url", server.url, "--ids", "20107", "--rate", "0",
                         "--documents", "--document-hosts", "127.0.0.1", "--data", str(data),
                         "--no-progress")  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert run_cli("build", "--data", str(data), "--no-progress").returncode == 0
    rows = {str(r["url"]).rsplit("/", 1)[1]: r for r in table(data, "documents")}
    report = rows["paco-serbia-final-report.pdf"]
    assert str(report["final_url"]).endswith("/files/final-report.pdf")
    assert report["extraction"] == "pdf" and report["document_id"] == document_id(
        str(report["url"])
    )
    links = {r["document_id"]: r for r in table(data, "activity_documents")}
    assert set(links) == {r["document_id"] for r in rows.values()}
    label = DOCUMENTS["docs/paco-serbia-final-report.pdf"].label
    assert links[report["document_id"]]["label"] == label
