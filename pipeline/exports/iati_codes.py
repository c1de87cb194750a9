"""The site's words as IATI codes, each rule a table that docs/exports.md repeats: the
status as ActivityStatus, a region the site names as a recipient region, a linked
document's kind as a DocumentCategory, its file type as a FileFormat.

    region("South-East Europe")          # ("89", "1"): DAC's "Europe, regional"
    region("Eastern Partnership")        # ("Eastern-Partnership", "99"): the site's own
    category("Agenda (DOC)", None, "docs/agenda-20107.doc")    # "A02"
    category("List of participants", None, "x.xlsx")           # None: it says not what

Nothing here guesses: a region maps to a DAC region only where every country it holds
lies in that one, and a document gets a category only when its link, its title or its
file name names its kind (an agenda, a report, minutes, an evaluation...). It imports
nothing of the project; the IATI writer imports it.
"""

from __future__ import annotations

import re

# the site's status → ActivityStatus (1 pipeline, 2 implementation, 3 completion,
# 5 cancelled, 6 suspended)
STATUS = {"planned": "1", "ongoing": "2", "active": "2", "in progress": "2",
          "completed": "3", "cancelled": "5", "canceled": "5", "postponed": "6",
          "suspended": "6"}  # fmt: skip

DAC, OWN = "1", "99"  # RegionVocabulary: OECD DAC; the reporting organisation's own
# a region the site names → the DAC region (Region codelist) that holds all its
# countries: South-East Europe and the Western Balkans lie in DAC's "Europe"; the South
# Caucasus (Armenia, Azerbaijan, Georgia) in its "Central Asia". The Eastern
# Partnership spans both (Ukraine, Moldova and Belarus are "Europe"), so it keeps the
# site's name, as does any region not listed here.
DAC_REGIONS = {"south-east europe": "89", "south east europe": "89",
               "south-eastern europe": "89", "western balkans": "89", "balkans": "89",
               "europe": "89", "south caucasus": "619", "central asia": "619"}  # fmt: skip


def region(name: str) -> tuple[str, str]:
    """`(code, vocabulary)` of a region the site names: a DAC region where the table
    above has it, else the site's own name as a code of the reporter's vocabulary."""
    key = " ".join(name.lower().split())
    if key in DAC_REGIONS:
        return DAC_REGIONS[key], DAC
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-") or "region", OWN


# a document's kind, named in its link text, title or file name → DocumentCategory;
# the first rule that matches wins (an evaluation report is an evaluation)
_WORDS = (
    ("A07", r"evaluation|[eé]valuation"),  # review of project performance and evaluation
    ("A09", r"memorandum of understanding|mou"),
    ("A11", r"contract|contrat"),
    ("A10", r"tender|call for proposals?"),
    ("A05", r"budget"),
    ("A02", r"agenda|ordre du jour|concept note|terms of reference|tor"),  # objectives
    ("A08", r"reports?|rapport|conclusions?|recommendations?|minutes|proc[eè]s[- ]verbal"
            r"|compte[- ]rendu|proceedings|findings|declaration|d[eé]claration|handbook"
            r"|manual|manuel|guidelines|study|[eé]tude|opinion|avis"),  # results, outputs
)  # fmt: skip
CATEGORIES = tuple((code, re.compile(rf"(?<![^\W_])(?:{words})(?![^\W_])", re.IGNORECASE))
                   for code, words in _WORDS)  # fmt: skip


def category(label: str | None, title: str | None, url: str) -> str | None:
    """The DocumentCategory a linked document's own words give it, or None when its
    link text, title and file name name none of the kinds above."""
    name = url.rsplit("/", 1)[-1].split("?", 1)[0]
    for text in (label, title, name):
        for code, words in CATEGORIES:
            if text and words.search(text.replace("_", " ")):
                return code
    return None


# what the build reads a document as (documents.kind) → FileFormat (IANA media types)
FORMATS = {
    "pdf": "application/pdf", "doc": "application/msword", "rtf": "application/rtf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel", "ppt": "application/vnd.ms-powerpoint",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text", "txt": "text/plain",
    "html": "text/html",
}  # fmt: skip
UNKNOWN_FORMAT = "application/octet-stream"


def file_format(kind: str | None) -> str:
    return FORMATS.get(kind or "", UNKNOWN_FORMAT)


def language(tag: str | None) -> str | None:
    """ISO 639-1 of a document's language tag (`en-GB` → `en`), if it has one."""
    code = (tag or "").split("-", 1)[0].lower()
    return code if re.fullmatch(r"[a-z]{2}", code) else None
