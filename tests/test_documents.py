"""The documents pages link to, read for their text in a child process with limits: every
fixture document (written by real writers) gives its sentence or says why not; hostile
and broken files cost a bounded time and memory and become `none: <why>`; the child
never outlives the build."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.documents import Sandbox
from pipeline.documents.read import MAX_INFLATED, kind_of
from pipeline.fixtures.documents import DOCUMENTS, FixtureDocument, document_bytes, scanned_pdf

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(seconds=30) as box:
        yield box


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("doc", DOCUMENTS.values(), ids=list(DOCUMENTS))
def test_each_fixture_document_gives_its_text_or_says_why_not(
    doc: FixtureDocument, sandbox: Sandbox
) -> None:
    found = sandbox.read(document_bytes(doc), doc.content_type, f"http://x/CEAD/{doc.path}")
    assert found.extraction.startswith(doc.extraction), found.extraction
    if doc.extraction.startswith("none"):
        assert found.text == ""
        return
    assert doc.sentence in words(found.text)
    assert (found.title, found.language) == (doc.title, doc.language)
    if doc.pages is not None:
        assert found.pages == doc.pages


def test_a_scanned_pdf_is_read_by_ocr_only_when_asked() -> None:
    doc = DOCUMENTS["docs/scanned-declaration-35761.pdf"]
    with Sandbox(ocr=True, seconds=120) as box:
        found = box.read(document_bytes(doc), doc.content_type, doc.path)
    assert found.extraction == "ocr"
    assert "Dubrovnik" in found.text and "cybercrime units" in words(found.text)


def test_the_type_is_read_from_the_bytes_before_the_server_and_the_url() -> None:
    pdf = document_bytes(DOCUMENTS["docs/paco-serbia-final-report.pdf"])
    docx = document_bytes(DOCUMENTS["docs/prison-standards-study.docx"])
    assert kind_of(pdf, "text/html", "http://x/report.doc") == "pdf"
    assert kind_of(docx, "application/octet-stream", "http://x/download.asp?id=3") == "docx"
    assert kind_of(b"plain words", "text/plain; charset=utf-8", "http://x/a") == "txt"
    assert kind_of(b"\x00\x01", None, "http://x/a.bin") is None


def zip_bomb() -> bytes:
    """A DOCX whose document part inflates past MAX_INFLATED."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as part:
            block = b"<w:t>a</w:t>" * 100_000
            for _ in range(MAX_INFLATED // len(block) + 1):
                part.write(block)
    return out.getvalue()


def pdf_bomb(inflated: int) -> bytes:
    """A one-page PDF whose content stream inflates to `inflated` bytes."""
    squeeze = zlib.compressobj(9)
    chunk = b"0 0 m " * (1 << 20)
    stream = b"".join(squeeze.compress(chunk) for _ in range(inflated // len(chunk)))
    stream += squeeze.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 5\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref


def scanned_pages(pages: int) -> bytes:
    return scanned_pdf(DOCUMENTS["docs/scanned-declaration-35761.pdf"].sentence, pages)


HOSTILE = {
    "zip bomb DOCX": (zip_bomb, "application/msword", "a.docx", "none: zip bomb"),
    "not a zip": (lambda: b"PK\x03\x04" + os.urandom(3000), None, "a.docx", "none: damaged"),
    "garbage called PDF": (lambda: b"%PDF-1.7\n" + os.urandom(5000), None, "a.pdf", "none: "),
    "empty": (lambda: b"", "application/pdf", "a.pdf", "none: empty"),
    "unknown": (lambda: os.urandom(100), "application/octet-stream", "a.bin", "none: unknown type"),
    "garbage DOC": (lambda: bytes.fromhex("d0cf11e0a1b11ae1") + os.urandom(4000), None, "a.doc",
                    "none: "),
    "RTF of control words only": (lambda: b"{\\rtf1" + b"{\\*\\x}" * 200_000 + b"}", None, "a.rtf",
                                  "rtf"),
}  # fmt: skip


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_document_is_bounded_and_said_why(name: str, sandbox: Sandbox) -> None:
    make, content_type, url, said = HOSTILE[name]
    started = time.monotonic()
    found = sandbox.read(make(), content_type, f"http://x/{url}")
    assert found.extraction.startswith(said), found.extraction
    assert time.monotonic() - started < 30


def test_a_pdf_bomb_meets_the_memory_limit_and_the_next_document_is_read() -> None:
    good = DOCUMENTS["docs/cybercrime-ipa-assessment.pdf"]
    with Sandbox(memory=300 * 1024 * 1024) as box:
        started = time.monotonic()
        found = box.read(pdf_bomb(400 * 1024 * 1024), "application/pdf", "bomb.pdf")
        assert time.monotonic() - started < 20
        assert found.extraction.startswith("none: "), found.extraction
        assert box.read(document_bytes(good), good.content_type, good.path).extraction == "pdf"


def test_a_document_over_the_time_limit_is_stopped_and_the_next_is_read() -> None:
    good = DOCUMENTS["docs/judicial-ethics-handbook.pdf"]
    slow = scanned_pages(8)  # OCR: about a second a page
    with Sandbox(seconds=1.0, ocr=True) as box:
        started = time.monotonic()
        found = box.read(slow, "application/pdf", "slow.pdf")
        assert found.extraction == "none: took over 1 s to read (stopped)"
        assert time.monotonic() - started < 3
        assert box.restarts == 1
        assert box.read(document_bytes(good), good.content_type, good.path).extraction == "pdf"


CHILD = """
import sys, time
from pipeline.documents import Sandbox
box = Sandbox(ocr=True, seconds=600)
box._start()
print(box._child.pid, flush=True)
box.read(open(sys.argv[1], "rb").read(), "application/pdf", "slow.pdf")
"""


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def test_the_reader_dies_with_the_build_however_it_ends(tmp_path: Path) -> None:
    slow = tmp_path / "slow.pdf"
    slow.write_bytes(scanned_pages(30))
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(slow)], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert proc.stdout is not None
    reader = int(proc.stdout.readline())
    time.sleep(0.5)  # reading (OCR) now
    assert alive(reader)
    proc.send_signal(signal.SIGKILL)  # no cleanup can run: the kernel ends the reader
    proc.wait()
    proc.stdout.close()
    deadline = time.monotonic() + 2
    while alive(reader) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(reader)
