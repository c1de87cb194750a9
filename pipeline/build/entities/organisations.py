"""Organisations named on activity pages, each written form linked to one organisation.

The pages name organisations in the Organisations, Contributors and Partners rows and
beside people ("Marco Gercke (University of Cologne)"). One organisation is written as
"OSCE", "Organization for Security and Co-operation in Europe", "Organisation for
Security and Cooperation in Europe" and "the OSCE". Forms are linked:

- `exact` / `folded`: the same name once folded (case, diacritics, punctuation, a
  leading "the", "Co-operation" and "Cooperation");
- `acronym`: an acronym and its expansion, when the pages write them together
  ("National Anticorruption Centre (NAC)") or the project's list of well-known ones
  (`data/organisations.json`) has them, and only when the acronym stands for one
  organisation in the archive.

Pure: written forms in, organisations out.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pipeline.build.entities.names import fold

_ACRONYM = re.compile(r"^\s*(.{3,300}?)\s*\(\s*([A-Za-z][A-Za-z&./-]{1,14})\s*\)\s*$")
_SHORT = re.compile(r"^[A-Z][A-Za-z&./-]{1,11}$")  # "OSCE", "ODIHR", "Europol", "OSCE/ODIHR"


@dataclass(frozen=True, slots=True)
class Known:
    acronym: str
    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Written:
    name: str  # the form as written, acronym in brackets taken off
    acronym: str | None  # "NAC" of "National Anticorruption Centre (NAC)", or "OSCE" alone


def key(name: str) -> str:
    """Folded for comparing: "The Organisation for Security and Co-operation" →
    "organisation for security and cooperation"."""
    folded = fold(name.replace("-operation", "operation"))
    return folded[4:] if folded.startswith("the ") else folded


def read_written(text: str) -> Written:
    """ "National Anticorruption Centre (NAC)" → that name and "NAC"; "OSCE" → an acronym."""
    text = " ".join(text.split())
    found = _ACRONYM.match(text)
    if found:
        return Written(found.group(1), found.group(2))
    bare = text[4:] if text.lower().startswith("the ") else text
    if _SHORT.match(bare) and sum(c.isupper() for c in bare) >= 2:
        return Written(bare, bare)
    return Written(text, None)


@dataclass(slots=True)
class Organisation:
    organisation_id: str
    name: str
    variants: list[str] = field(default_factory=list)
    acronyms: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class Resolved:
    organisations: list[Organisation]
    of: dict[str, tuple[str, str]]  # written form → (organisation_id, match)


def resolve(written: Iterable[str], known: Sequence[Known] = ()) -> Resolved:
    """Every written form's organisation (see the module's docstring)."""
    forms = {w: read_written(w) for w in dict.fromkeys(written)}
    groups: dict[str, list[str]] = defaultdict(list)  # key of a full name → written forms
    for w, f in forms.items():
        if f.acronym != f.name:
            groups[key(f.name)].append(w)
    expansions: dict[str, set[str]] = defaultdict(set)  # acronym key → keys of full names
    for form in forms.values():
        if form.acronym and form.acronym != form.name:
            expansions[key(form.acronym)].add(key(form.name))
    aliases: dict[str, str] = {}
    for entry in known:
        for alias in (*entry.aliases, entry.name):
            aliases[key(alias)] = key(entry.name)
        if entry.acronym:
            expansions[key(entry.acronym)].add(key(entry.name))
    merged: dict[str, list[str]] = defaultdict(list)
    for full, ws in groups.items():
        merged[aliases.get(full, full)] += ws
    of: dict[str, tuple[str, str]] = {}
    organisations = {full: _organisation(full, ws, forms, of) for full, ws in merged.items()}
    for w, f in forms.items():
        if f.acronym == f.name:
            _acronym(w, expansions.get(key(w), set()), organisations, known, of)
    return Resolved(sorted(organisations.values(), key=lambda o: o.organisation_id), of)


def _organisation(
    k: str, ws: list[str], forms: dict[str, Written], of: dict[str, tuple[str, str]]
) -> Organisation:
    names = [forms[w].name for w in ws]
    best = max(names, key=lambda n: (sum(not c.isascii() for c in n), len(n), n))
    o = Organisation(hashlib.sha1(k.encode()).hexdigest()[:16], best, sorted(set(ws)))
    o.acronyms.update(a for w in ws if (a := forms[w].acronym))
    for w in ws:
        of[w] = (o.organisation_id, "exact" if forms[w].name == best else "folded")
    return o


def _acronym(
    w: str,
    expansions: set[str],
    organisations: dict[str, Organisation],
    known: Sequence[Known],
    of: dict[str, tuple[str, str]],
) -> None:
    """An acronym written alone: to its one expansion in the archive, else to the known
    one's name (an organisation of its own), else an organisation named by it."""
    present = [e for e in expansions if e in organisations]
    if len(present) == 1:
        o = organisations[present[0]]
        o.acronyms.add(w)
        o.variants = sorted({*o.variants, w})
        of[w] = (o.organisation_id, "acronym")
        return
    listed = [k for k in known if k.acronym and key(k.acronym) == key(w)]
    name = listed[0].name if len(listed) == 1 and len(present) != 1 else w
    k = key(name)
    if k not in organisations:
        organisations[k] = Organisation(hashlib.sha1(k.encode()).hexdigest()[:16], name)
    o = organisations[k]
    o.acronyms.add(w)
    o.variants = sorted({*o.variants, w})
    of[w] = (o.organisation_id, "acronym" if name != w else "exact")
