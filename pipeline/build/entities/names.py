"""A person's name as a page wrote it, read into parts: titles dropped, the family name
found whichever way round it was written, and folded forms to compare.

The site's cells write one person five ways: "Marco Gercke", "M. Gercke", "GERCKE,
Marco", "Prof. Dr. Marco Gercke", "Gercke Marco". The family name is the part before a
comma, else the words in capitals beside words that are not ("Cristina SCHULMAN",
"DE CORDES Jean-Charles"), else the words beside the initials ("M. Gercke", "Gercke M."),
else the last word (and its particles: "van der Berg"); "Gercke Marco" cannot be told
from "Marco Gercke" by its form alone, so it is marked `either_way` and compared
without order. Titles come from nameparser's list; folding ("ł" → "l", "ß" → "ss",
"İ" → "I") from anyascii, for comparing only: the written form is kept for display.

    >>> n = read_name("Prof. Dr. Marco GERCKE")
    >>> (n.family, n.given, n.initials_only)
    ('GERCKE', 'Marco', False)
    >>> read_name("MUSIAŁKOWSKI, Przemysław").key == read_name("Przemyslaw Musialkowski").key
    True
    >>> read_name("M. Gercke").initials, read_name("Gercke M.").family
    ('m', 'Gercke')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from anyascii import anyascii
from nameparser.config import CONSTANTS

from parsers.countries import country_code

# Titles written before names on the site, beyond those ending in "." that nameparser
# knows: a word is a title only at the front, and only while two words stay after it.
_TITLES = frozenset(
    (
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "prof",
        "professor",
        "judge",
        "justice",
        "ambassador",
        "sir",
        "dame",
        "he",
        "mme",
        "mlle",
        "mag",
        "ing",
        "dipl",
        "hon",
        "honourable",
        "honorable",
        "rev",
        "assoc",
        "univ",
        "doc",
        "dott",
        "avv",
        "me",
    )
)
_PARTICLES = frozenset(p.rstrip("-'’") for p in CONSTANTS.prefixes) - {""}
_SUFFIXES = frozenset(CONSTANTS.suffix_acronyms) | frozenset(CONSTANTS.suffix_not_acronyms)
_INITIAL = re.compile(r"^(?:[^\W\d_]\.?-?){1,3}\.?$")  # "M.", "M", "J.-C.", "JC"
_PARENS = re.compile(r"\(([^()]{0,200})\)")
_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^a-z0-9 ]+")
# Words that make a comma's second part an organisation, not given names.
ORGANISATION_WORDS = frozenset(
    (
        "university",
        "universitat",
        "universite",
        "ministry",
        "ministere",
        "office",
        "court",
        "police",
        "council",
        "association",
        "institute",
        "institut",
        "agency",
        "commission",
        "committee",
        "directorate",
        "department",
        "academy",
        "centre",
        "center",
        "service",
        "prosecutor",
        "prosecution",
        "bank",
        "unit",
        "foundation",
        "school",
        "faculty",
        "chamber",
        "parliament",
        "assembly",
        "authority",
        "bureau",
        "group",
        "company",
        "ltd",
        "inc",
        "gmbh",
        "microsoft",
        "osce",
        "undp",
        "oecd",
        "ngo",
    )
)


@cache  # a name's parts are folded again and again while it is compared
def fold(text: str) -> str:
    """Lower case ASCII, punctuation and hyphens as spaces, spaces single."""
    ascii_text = anyascii(text).lower().replace("-", " ")
    return _SPACES.sub(" ", _NOT_WORD.sub(" ", ascii_text)).strip()


@dataclass(frozen=True, slots=True)
class Name:
    written: str  # as the page wrote it
    family: str  # as written
    given: str  # as written; "" when the page gave none
    initials_only: bool  # the given names are initials ("M.", "J.-C.")
    either_way: bool  # "Gercke Marco": no sign which word is the family name
    country: str | None  # "KÜNNAPU, Estonia": where the person is from (ISO code)
    organisation: str | None  # "Marco Gercke (University of Cologne)"

    @property
    def family_key(self) -> str:
        return fold(self.family).replace(" ", "")

    @property
    def given_tokens(self) -> tuple[str, ...]:
        return tuple(fold(self.given).split())

    @property
    def initials(self) -> str:
        """The given names' initials, folded: "Jean-Charles" → "jc", "M." → "m"."""
        if self.initials_only:
            return fold(self.given).replace(" ", "")
        return "".join(t[0] for t in self.given_tokens)

    @property
    def key(self) -> str:
        """Family and given names folded, in no order: one key however it was written."""
        return " ".join(sorted((*fold(self.family).split(), *self.given_tokens)))

    @property
    def fullness(self) -> tuple[int, int, int, bool, bool]:
        """How full a form is: given names spelt out, letters, letters beyond ASCII; then
        written plainly (no title, nothing beside it), then not in capitals."""
        spelt = 0 if self.initials_only else len(self.given_tokens)
        letters = sum(c.isalpha() for c in self.family + self.given)
        plain = fold(self.written) in (fold(f"{self.given} {self.family}"),
                                       fold(f"{self.family} {self.given}"))  # fmt: skip
        return (
            spelt,
            letters,
            sum(not c.isascii() for c in self.written),
            plain,
            not self.family.isupper(),
        )


def _is_title(word: str) -> bool:
    bare = word.lower().replace(".", "")
    return bare in _TITLES or (word.endswith(".") and bare in CONSTANTS.titles and len(bare) > 1)


def _caps(word: str) -> bool:
    """A family name in capitals ("SCHULMAN", "DE"), not initials ("J.-C.", "JC")."""
    letters = [c for c in word if c.isalpha()]
    if len(letters) < 2 or not all(c.isupper() for c in letters):
        return False
    return not _initial(word) or word.lower() in _PARTICLES


def _initial(word: str) -> bool:
    """ "M.", "M", "J.-C.", "JC"; not a particle ("de", "DE") nor a short name ("Li")."""
    if not _INITIAL.match(word):
        return False
    if "." in word or len(word) == 1:
        return True
    return word.isupper() and len(word) <= 3 and word.lower() not in _PARTICLES


def _strip(words: list[str]) -> list[str]:
    """Titles off the front, degrees ("PhD", "LL.M.") off the end."""
    while len(words) > 2 and _is_title(words[0]):
        words = words[1:]
    if len(words) == 2 and _is_title(words[0]) and not _initial(words[1]):
        words = words[1:]
    while len(words) > 2 and words[-1].lower().replace(".", "").strip(",") in _SUFFIXES:
        words = words[:-1]
    return words


def _with_particles(words: list[str], family_from: int) -> int:
    """Where the family name starts once particles before it ("van der") are taken in."""
    while family_from > 1 and words[family_from - 1].lower() in _PARTICLES:
        family_from -= 1
    return family_from


def _aside(text: str) -> tuple[str, str | None, str | None]:
    """The name without what is written beside it: (name, country, organisation)."""
    country = organisation = None
    for found in _PARENS.findall(text):
        if country_code(found.strip()):
            country = country_code(found.strip())
        elif found.strip():
            organisation = found.strip()
    text = _PARENS.sub(" ", text)
    parts = [p.strip() for p in text.split(",")]
    while len(parts) > 1 and country_code(parts[-1]):  # "KÜNNAPU, Estonia"
        country = country_code(parts.pop())
    if len(parts) > 1 and set(fold(parts[-1]).split()) & ORGANISATION_WORDS:
        organisation = parts.pop()
    return ", ".join(p for p in parts if p), country, organisation


def _split(words: list[str]) -> tuple[str, str, bool]:
    """(family, given, either way) of a name written without a comma."""
    caps = [_caps(w) for w in words]
    if any(caps) and not all(caps):  # "Cristina SCHULMAN", "DE CORDES Jean-Charles"
        family = [w for w, c in zip(words, caps, strict=True) if c]
        given = [w for w, c in zip(words, caps, strict=True) if not c]
        return " ".join(family), " ".join(given), False
    if _initial(words[0]) and not all(_initial(w) for w in words):  # "M. Gercke"
        start = next(n for n, w in enumerate(words) if not _initial(w))
        return " ".join(words[start:]), " ".join(words[:start]), False
    if _initial(words[-1]):  # "Gercke M."
        end = next(n for n in range(len(words) - 1, -1, -1) if not _initial(words[n])) + 1
        return " ".join(words[:end]), " ".join(words[end:]), False
    start = _with_particles(words, len(words) - 1)
    either = len(words) == 2 and not any(caps)
    return " ".join(words[start:]), " ".join(words[:start]), either


@cache
def read_name(written: str) -> Name:
    """The parts of one written name (see the module's docstring)."""
    text, country, organisation = _aside(_SPACES.sub(" ", written).strip(" .;:-–"))
    if "," in text:  # "GERCKE, Marco", "DE CORDES, Jean-Charles"
        family_part, _, given_part = text.partition(",")
        family_words = _strip(family_part.split()) if family_part.split() else []
        given_words = given_part.replace(",", " ").split()
        given_words = [w for w in given_words if not _is_title(w)] or given_words
        family, given, either = " ".join(family_words), " ".join(given_words), False
    else:
        words = _strip(text.split())
        if len(words) < 2:
            family, given, either = " ".join(words), "", False
        else:
            family, given, either = _split(words)
    only = bool(given) and all(_initial(w) for w in given.split())
    return Name(written, family or text, given, only, either, country, organisation)
