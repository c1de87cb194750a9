"""How fast the build reads documents for their text, by type, in the sandbox (a child
process with a time and a memory limit), and what a hostile document costs.

    python benchmarks/documents_bench.py [--copies 40] [--write]

Documents are written by the fixture site's writers (fpdf2, python-docx, python-pptx,
openpyxl, RTF) at a realistic size: a 20-page report, a 40-paragraph study, 20 slides, a
300-row list of participants; the DOC is the fixture's Word 97 file. Each is read
`--copies` times through one sandbox (the child stays up between documents, as in a
build). OCR is measured per scanned page; the hostile ones once each.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import machine, write_section
from pipeline.documents import Sandbox
from pipeline.fixtures.documents import DOCUMENTS, FILLER, document_bytes
from tests.test_documents import pdf_bomb, scanned_pages, zip_bomb


def bigger() -> dict[str, tuple[bytes, str]]:
    """(bytes, content type) per type, at the size a real document has."""
    base = {d.path.rsplit(".", 1)[1]: d for d in DOCUMENTS.values() if "none" not in d.extraction}
    long_text = " ".join([FILLER] * 40)
    out: dict[str, tuple[bytes, str]] = {}
    for kind, doc in base.items():
        grown = dataclasses.replace(doc, sentence=f"{doc.sentence} {long_text}", pages=20)
        if kind == "xlsx":
            grown = dataclasses.replace(doc, sentence=long_text[:300])
        out[kind] = (document_bytes(grown if kind != "doc" else doc), doc.content_type)
    return out


def timed(box: Sandbox, data: bytes, content_type: str, url: str, copies: int) -> tuple[float, str]:
    started = time.monotonic()
    found = box.read(data, content_type, url)
    for _ in range(copies - 1):
        box.read(data, content_type, url)
    return (time.monotonic() - started) / copies, found.extraction


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=40)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    rows = []
    with Sandbox() as box:
        box.read(b"warm up", "text/plain", "a.txt")  # the child's start is paid once
        for kind, (data, content_type) in sorted(bigger().items()):
            each, how = timed(box, data, content_type, f"http://x/a.{kind}", args.copies)
            size = f"{len(data) / 1e3:,.0f} KB"
            rows.append(f"| {kind} | {size} | {1 / each:,.0f} | {each * 1e3:.1f} | {how} |")
    with Sandbox(ocr=True, seconds=600) as box:
        pages = 5
        each, how = timed(box, scanned_pages(pages), "application/pdf", "scan.pdf", 1)
        per_page = f"{each * 1e3:,.0f} ({each / pages:.2f} s a page)"
        ocr = f"| scanned PDF, --ocr | {pages} pages | {1 / each:.2f} | {per_page} | {how} |"
    hostile = []
    for name, data, seconds, memory in (
        ("zip bomb DOCX (200 MB inflated)", zip_bomb(), 30.0, 1 << 30),
        ("PDF bomb (400 MB content stream)", pdf_bomb(400 << 20), 30.0, 300 << 20),
        ("30 scanned pages, --ocr, 2 s limit", scanned_pages(30), 2.0, 1 << 30),
    ):
        with Sandbox(seconds=seconds, memory=memory, ocr="ocr" in name) as box:
            each, how = timed(
                box, data, "application/octet-stream", "x.docx" if "zip" in name else "x.pdf", 1
            )
        hostile.append(f"| {name} | {len(data) / 1e6:.1f} MB | {each:.2f} s | {how} |")
    lines = [
        "## Documents (`benchmarks/documents_bench.py`)",
        "",
        f"{machine()}. Each document read {args.copies} times through one sandbox (a child "
        "process; the documents go to it through a pipe and its text comes back as JSON).",
        "",
        "| type | size | documents/s | ms each | extraction |",
        "|---|---:|---:|---:|---|",
        *rows,
        ocr,
        "",
        "What a hostile document costs (each becomes `none: <why>`; the next document is read "
        "by a new child when the old one was stopped):",
        "",
        "| document | bytes | time | extraction |",
        "|---|---:|---:|---|",
        *hostile,
    ]  # fmt: skip
    print("\n".join(lines))
    if args.write:
        write_section("documents", "\n".join(lines))
        print("wrote docs/benchmarks.md")


if __name__ == "__main__":
    main()
