"""The documents' tables' schemas: the documents archived, which activities link them,
and their text; `schemas` gathers them."""

from __future__ import annotations

import pyarrow as pa

from pipeline.build.columns import CODE, UTC_TIME
from pipeline.build.columns import table as _table

DOCUMENTS = _table(
    [
        ("document_id", pa.string(), False, "Key: the first 16 hex digits of sha1(url)"),
        ("url", pa.string(), False, "The document's address, as pages link it"),
        (
            "final_url",
            pa.string(),
            False,
            "Where the archived bytes came from (the url unless the source says otherwise)",
        ),
        ("content_type", pa.string(), True, "The Content-Type it was served with"),
        ("kind", CODE, True, "What it is, read from its bytes first: pdf, doc, docx, rtf, ..."),
        (
            "bytes",
            pa.int64(),
            True,
            "Size of the archived payload in bytes (null: over what a build reads, 200 MB)",
        ),
        ("sha1", pa.string(), False, "sha1:base32 digest of the archived payload"),
        ("captured_at", UTC_TIME, False, "When the archived capture was made (UTC)"),
        ("capture_id", pa.int64(), False, "The capture the row was read from"),
        ("source", CODE, False, "site, wayback or warc"),
        ("truncated", pa.bool_(), False, "Archived cut at --max-document-bytes"),
        ("pages", pa.int32(), True, "Pages (PDF), slides (PPTX) or sheets, where it says"),
        ("title", pa.string(), True, "The title the document gives itself, where it does"),
        ("language", pa.string(), True, "The language it says it is in (e.g. en-GB), if any"),
        ("text_chars", pa.int64(), False, "Characters of text read (0 when none)"),
        (
            "extraction",
            pa.string(),
            False,
            "How the text was got: pdf, docx, doc, rtf, xlsx, xls, pptx, ppt, odt, txt, ocr; "
            "or 'none: <why>' (scanned, encrypted, truncated, damaged, zip bomb, over the "
            "time or memory limit, unknown type)",
        ),
    ],
    "One row per document linked from the pages and archived (its latest whole capture)",
)

ACTIVITY_DOCUMENTS = _table(
    [
        ("activity_id", pa.int64(), False, "Activity"),
        ("document_id", pa.string(), False, "Document it links to"),
        ("label", pa.string(), True, "The link's text as the page wrote it"),
        (
            "field",
            CODE,
            False,
            "Where the page links it: links (Web Pages, Documents & links), description, "
            "objectives, results, follow_up, participants, or page (elsewhere)",
        ),
    ],
    "Which activities link which archived documents",
)

DOCUMENT_TEXTS = _table(
    [
        ("document_id", pa.string(), False, "Document"),
        ("text", pa.string(), False, "Its text as read (at most 5,000,000 characters)"),
    ],
    "The text of each document that has any (also in jparchive.db's full-text index)",
)
