"""The text of one document, by its type: run inside the sandbox's child process only.

    read_document(data, content_type, url, ocr=False) -> Extracted

Each type is read by a well-kept reader (docs/dependencies.md says why each):
PDF by pypdfium2 (PDFium, Chromium's PDF engine), DOCX by python-docx, PPTX by
python-pptx, XLS/XLSX/ODS by python-calamine, RTF by striprtf, DOC by antiword (catdoc
when antiword cannot), PPT by catppt (Debian's catdoc package), ODT by its `content.xml`,
and a PDF with no text layer by tesseract behind `--ocr`. The type comes from the bytes
first (a server's Content-Type and a URL's extension are often wrong on old sites), then
from the Content-Type, then from the extension.

Nothing here bounds time or memory: the sandbox does (a child process with limits). What
is refused here is what a reader would be wrong to try: a zip whose members inflate past
`MAX_INFLATED`, a PDF that needs a password, bytes no reader knows.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree

MAX_TEXT_CHARS = 5_000_000  # text kept of one document (the bytes stay whole in the WARC)
MAX_INFLATED = 200 * 1024 * 1024  # a DOCX/XLSX/PPTX/ODT inflating past this is a zip bomb
MAX_OCR_PAGES = 50
TOOL_SECONDS = 60  # antiword, catdoc, tesseract: the sandbox's own limit is the real bound
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BY_TYPE = {
    "application/pdf": "pdf",
    "application/msword": "doc",
    "application/rtf": "rtf",
    "text/rtf": "rtf",
    "application/vnd.ms-excel": "xls",
    "application/vnd.ms-powerpoint": "ppt",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "text/plain": "txt",
}
_ZIP_KINDS = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}


class Unreadable(Exception):
    """The document has no text to give; the message is the reason (`none: <message>`)."""


@dataclass(frozen=True, slots=True)
class Extracted:
    extraction: str  # pdf, docx, doc, ocr, ... or "none: <why>"
    text: str = ""
    pages: int | None = None
    title: str | None = None
    language: str | None = None


def kind_of(data: bytes, content_type: str | None, url: str) -> str | None:
    """What the document is: sniffed from its bytes, else its Content-Type, else its URL."""
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    declared = _BY_TYPE.get((content_type or "").split(";")[0].strip().lower())
    extension = urlsplit(url).path.lower().rsplit(".", 1)[-1]
    if data.startswith(OLE):  # Word, Excel and PowerPoint 97 look alike from outside
        guess = declared if declared in ("doc", "xls", "ppt") else extension
        return guess if guess in ("doc", "xls", "ppt") else "doc"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data) or declared or extension
    return declared or (extension if extension in _BY_TYPE.values() else None)


def _zip_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = z.namelist()
            if "mimetype" in names:
                mimetype = z.read("mimetype")[:100].decode("ascii", "replace").strip()
                return _BY_TYPE.get(mimetype)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    return next((k for p, k in _ZIP_KINDS.items() if any(n.startswith(p) for n in names)), None)


def _check_zip(data: bytes) -> None:
    """Refuse a zip whose members claim to inflate past MAX_INFLATED (a zip bomb)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            inflated = sum(info.file_size for info in z.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise Unreadable(f"damaged: not a whole zip file ({exc})") from exc
    if inflated > MAX_INFLATED:
        raise Unreadable(f"zip bomb: its parts inflate to {inflated:,} bytes")


def _pdf(data: bytes, ocr: bool) -> Extracted:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise Unreadable("encrypted: it asks for a password") from exc
        reason = "truncated" if b"%%EOF" not in data[-2048:] else "damaged"
        raise Unreadable(f"{reason}: PDFium cannot open it ({exc})") from exc
    try:
        texts = []
        for page in pdf:
            textpage = page.get_textpage()
            texts.append(textpage.get_text_bounded())
            textpage.close()
            page.close()
        meta = pdf.get_metadata_dict(skip_empty=True)
        text = "\n".join(texts).strip()
        found = Extracted("pdf", text, len(pdf), meta.get("Title") or None, _language(pdf))
        if text:
            return found
        if not ocr:
            why = "none: scanned: no text layer (--ocr reads it)"
            return Extracted(why, "", found.pages, found.title, found.language)
        return Extracted("ocr", _ocr(pdf), found.pages, found.title, found.language)
    finally:
        pdf.close()


def _language(pdf: Any) -> str | None:
    """The catalog's /Lang, when the PDF says its language."""
    import pypdfium2.raw as raw

    size = raw.FPDFCatalog_GetLanguage(pdf.raw, None, 0)
    if size <= 2 or size > 200:
        return None
    buffer = (raw.c_ushort * (size // 2))()
    raw.FPDFCatalog_GetLanguage(pdf.raw, buffer, size)
    return bytes(buffer).decode("utf-16-le", "replace").rstrip("\x00").strip() or None


def _ocr(pdf: Any) -> str:
    if shutil.which("tesseract") is None:
        raise Unreadable("scanned: --ocr needs tesseract (Debian package tesseract-ocr)")
    texts = []
    for i, page in enumerate(pdf):
        if i >= MAX_OCR_PAGES:
            break
        image = page.render(scale=300 / 72).to_pil()
        png = io.BytesIO()
        image.save(png, format="PNG")
        texts.append(_tool(["tesseract", "stdin", "stdout", "--psm", "3"], png.getvalue()))
    return "\n".join(texts).strip()


def _tool(argv: list[str], data: bytes, suffix: str = "") -> str:
    """A Debian tool's output for `data` (given as a file when `suffix` says so)."""
    if shutil.which(argv[0]) is None:
        raise Unreadable(f"no reader: {argv[0]} is not installed")
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    with tempfile.NamedTemporaryFile(suffix=suffix) as fh:
        if suffix:
            fh.write(data)
            fh.flush()
            argv = [*argv, fh.name]
        done = subprocess.run(
            argv, input=None if suffix else data, capture_output=True, timeout=TOOL_SECONDS,
            env=env, check=False,
        )  # fmt: skip
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise Unreadable(f"{argv[0]} could not read it ({said[-1] if said else done.returncode})")
    return done.stdout.decode("utf-8", "replace")


def _doc(data: bytes) -> Extracted:
    try:
        return Extracted("doc", _tool(["antiword", "-m", "UTF-8.txt", "-w", "0"], data, ".doc"))
    except Unreadable:  # antiword reads Word 97 and later; catdoc older ones too
        return Extracted("doc", _tool(["catdoc", "-d", "utf-8", "-w"], data, ".doc"))


def _docx(data: bytes) -> Extracted:
    import docx

    _check_zip(data)
    document = docx.Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines += ["\t".join(cell.text for cell in row.cells) for row in table.rows]
    props = document.core_properties
    return Extracted("docx", "\n".join(lines), None, props.title or None, props.language or None)


def _pptx(data: bytes) -> Extracted:
    import pptx

    _check_zip(data)
    deck = pptx.Presentation(io.BytesIO(data))
    lines = [
        shape.text_frame.text
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_text_frame
    ]
    props = deck.core_properties
    return Extracted("pptx", "\n".join(lines), len(deck.slides), props.title or None,
                     props.language or None)  # fmt: skip


def _sheet(kind: str) -> Callable[[bytes], Extracted]:
    def read(data: bytes) -> Extracted:
        from python_calamine import CalamineWorkbook

        if kind != "xls":
            _check_zip(data)
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        lines = []
        for name in book.sheet_names:
            rows = book.get_sheet_by_name(name).to_python(skip_empty_area=True)
            lines += ["\t".join(str(v) for v in row if v != "") for row in rows]
        return Extracted(kind, "\n".join(line for line in lines if line), len(book.sheet_names))

    return read


def _odt(data: bytes) -> Extracted:
    _check_zip(data)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = ElementTree.fromstring(z.read("content.xml"))
    paragraph = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
    wanted = (f"{paragraph}p", f"{paragraph}h")
    lines = ["".join(e.itertext()) for e in root.iter() if e.tag in wanted]
    return Extracted("odt", "\n".join(lines))


def _rtf(data: bytes) -> Extracted:
    from striprtf.striprtf import rtf_to_text

    text: str = rtf_to_text(data.decode("latin-1"), errors="ignore")  # type: ignore[no-untyped-call]
    return Extracted("rtf", text)


def _txt(data: bytes) -> Extracted:
    for encoding in ("utf-8", "windows-1252"):
        try:
            return Extracted("txt", data.decode(encoding))
        except UnicodeDecodeError:
            continue
    return Extracted("txt", data.decode("latin-1"))


def _ppt(data: bytes) -> Extracted:
    return Extracted("ppt", _tool(["catppt", "-d", "utf-8"], data, ".ppt"))


READERS: dict[str, Callable[[bytes], Extracted]] = {
    "doc": _doc,
    "docx": _docx,
    "pptx": _pptx,
    "ppt": _ppt,
    "xls": _sheet("xls"),
    "xlsx": _sheet("xlsx"),
    "ods": _sheet("ods"),
    "odt": _odt,
    "rtf": _rtf,
    "txt": _txt,
}


def read_document(data: bytes, content_type: str | None, url: str, ocr: bool = False) -> Extracted:
    """The document's text and what it says of itself, or `none: <why>`; never raises
    for a bad document (a reader's own error becomes `none: damaged: ...`)."""
    if not data:
        return Extracted("none: empty")
    kind = kind_of(data, content_type, url)
    if kind is None:
        return Extracted(f"none: unknown type ({content_type or 'no Content-Type'})")
    try:
        found = _pdf(data, ocr) if kind == "pdf" else READERS[kind](data)
    except Unreadable as exc:
        return Extracted(f"none: {exc}")
    except MemoryError:
        return Extracted("none: too large to read within the memory limit")
    except Exception as exc:  # readers raise many kinds on broken files; all mean "damaged"
        return Extracted(f"none: damaged: {type(exc).__name__}: {str(exc)[:200]}")
    text = found.text.replace("\x00", "")[:MAX_TEXT_CHARS]
    return Extracted(found.extraction, text, found.pages, found.title, found.language)
