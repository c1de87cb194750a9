"""Decode page bytes to text the way a browser would, without letting mojibake through.

Order (WHATWG, as the issue asks): the HTTP header's charset, then a BOM, then a
`<meta>` charset in the first 4 KiB, then UTF-8 if the bytes are valid UTF-8, else
windows-1252. latin-1 and ascii labels mean windows-1252, as browsers treat them.

One departure from a browser, on purpose: legacy servers often declared one charset and
sent another. A declaration that cannot be right (UTF-8 declared, bytes invalid as UTF-8;
or a single-byte charset declared on bytes that are valid multi-byte UTF-8) is skipped
for the next source, and the caller is told, so no mojibake reaches a field.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_SNIFF_BYTES = 4096

# Labels browsers map to windows-1252 (the WHATWG encoding standard).
_WINDOWS_1252_ALIASES = frozenset(
    {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii", "cp1252"}
)

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text of a page, the encoding used and, when a declaration was overruled, why."""

    text: str
    encoding: str
    note: str | None = None


def normalise_label(label: str) -> str | None:
    """Map a charset label to a Python codec name, or None when unknown.

    >>> normalise_label("ISO-8859-1")
    'windows-1252'
    """
    name = label.strip().strip("\"'").lower()
    if name in _WINDOWS_1252_ALIASES:
        return "windows-1252"
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    return "windows-1252" if codec in {"cp1252", "latin_1", "ascii"} else codec


def _is_utf8(name: str) -> bool:
    return name in {"utf-8", "utf_8"}


def _valid_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _plausible(body: bytes, codec: str) -> bool:
    """Could `body` really be in `codec`? Only UTF-8 validity is decidable cheaply."""
    if _is_utf8(codec):
        return _valid_utf8(body)
    if codec.startswith("utf-16"):
        return len(body) % 2 == 0
    # A single-byte label on bytes that are valid UTF-8 with non-ASCII: UTF-8 mislabelled.
    return body.isascii() or not _valid_utf8(body)


def declared_charsets(body: bytes, content_type: str | None) -> list[tuple[str, str]]:
    """Every (source, codec) that declares an encoding, in the order a browser reads them."""
    header = _HEADER_CHARSET.search(content_type or "")
    meta = _META_CHARSET.search(body[:_SNIFF_BYTES])
    labels: list[tuple[str, str | None]] = [
        ("http header", header.group(1) if header else None),
        *(("byte order mark", codec) for bom, codec in _BOMS if body.startswith(bom)),
        ("meta", meta.group(1).decode("ascii", "replace") if meta else None),
    ]
    codecs_found = [(source, normalise_label(label)) for source, label in labels if label]
    return [(source, codec) for source, codec in codecs_found if codec is not None]


def decode_html(body: bytes, content_type: str | None = None) -> Decoded:
    """Decode `body`; never raises.

    >>> decode_html(b"caf\\xe9", "text/html; charset=utf-8").text
    'café'
    """
    skipped: list[str] = []
    for source, codec in declared_charsets(body, content_type):
        if _plausible(body, codec):
            text = body.decode(codec, errors="replace")
            if text.startswith("\ufeff"):
                text = text[1:]
            note = f"ignored {', '.join(skipped)}" if skipped else None
            return Decoded(text, codec, note)
        skipped.append(f"{source} charset {codec} (bytes do not fit it)")
    codec = "utf-8" if _valid_utf8(body) else "windows-1252"
    note = f"ignored {', '.join(skipped)}" if skipped else None
    return Decoded(body.decode(codec, errors="replace"), codec, note)
