"""Who is who: the people named on activity pages, each mention linked to one person.

Precision first, since merging two people is worse than splitting one:

1. `folded`: one name however written ("GERCKE, Marco", "Prof. Dr. Marco Gercke",
   "Gercke Marco", "Przemyslaw Musialkowski" for "MUSIAŁKOWSKI, Przemysław") is one
   person; so is one e-mail address (`email`).
2. `probabilistic`: two spellings close enough ("Oleksandr"/"Olexandr") are one person
   only when the context agrees too: a score from the names' similarity (rapidfuzz's
   Jaro-Winkler) and what their activities share (programme, years within one,
   countries, co-participants, e-mail, the country written after the name), in
   Fellegi-Sunter fashion: each agreement adds its weight, each disagreement takes
   some; the sum is a probability through the logistic function.
3. `initial`: "M. Gercke" goes to the one person of the family name whose given names
   start so; among several (Marco and Maria Gercke), to the one the context scores over
   `UPPER` and clearly ahead of the next (`probabilistic`); else it stays apart, and a
   score over `LOWER` is listed for review. Mentions by initials that found nobody
   are one person per family name and initials only where the context joins them.

Pure: mentions in, a `Resolution` out; `overrides` (the archivist's) applied last.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz.distance import JaroWinkler, Levenshtein

from pipeline.build.entities.names import Name, fold, read_name

UPPER = 0.9  # link at or above
LOWER = 0.5  # list for review at or above (and below UPPER); apart below
_MARGIN = 2.0  # log-odds the best candidate for an initial must lead the next by
_CLOSE = 0.9  # names this similar (Jaro-Winkler, folded) are worth scoring
# an initial's one candidate is taken unless the context is against it (p < 0.18)
_CONTRADICTED = -1.5


@dataclass(frozen=True, slots=True)
class Mention:
    activity_id: int
    role: str
    name: str  # as written
    email: str | None = None
    programme: str | None = None
    year: int | None = None
    countries: frozenset[str] = frozenset()


@dataclass(slots=True)
class Context:
    """What the mentions of one person (or one mention) share with others."""

    programmes: set[str] = field(default_factory=set)
    years: set[int] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    co: set[str] = field(default_factory=set)  # family names of co-participants
    emails: set[str] = field(default_factory=set)
    origins: set[str] = field(default_factory=set)  # "KÜNNAPU, Estonia"

    def add(self, other: Context) -> None:
        for name in ("programmes", "years", "countries", "co", "emails", "origins"):
            getattr(self, name).update(getattr(other, name))


def log_odds(a: Context, b: Context, similarity: float | None = None) -> float:
    """The evidence that `a` and `b` are one person, as log-odds (see the docstring)."""
    w = -1.5
    if a.emails and b.emails:
        w += 8.0 if a.emails & b.emails else -8.0
    if a.origins and b.origins and not a.origins & b.origins:
        w -= 4.0
    if a.programmes and b.programmes:
        w += 2.0 if a.programmes & b.programmes else -1.0
    if a.years and b.years:
        near = any(abs(x - y) <= 1 for x in a.years for y in b.years)
        w += 1.5 if near else -1.0
    if a.countries and b.countries:
        w += 1.0 if a.countries & b.countries else -0.5
    w += 2.5 * min(2, len(a.co & b.co))
    if similarity is not None:
        w += (similarity - 0.92) * 40
    return w


def probability(w: float) -> float:
    return 1 / (1 + math.exp(-max(-50.0, min(50.0, w))))


@dataclass(frozen=True, slots=True)
class Link:
    match: str  # exact, folded, email, initial, probabilistic, override
    score: float | None = None


@dataclass(slots=True)
class Resolution:
    people: list[list[int]]  # each person's mentions (indexes), in mention order
    links: list[Link]  # per mention
    review: list[dict[str, object]]  # uncertain links, left apart

    def labels(self) -> list[int]:
        """Each mention's person, as the index of its person in `people`."""
        found = [0] * len(self.links)
        for k, members in enumerate(self.people):
            for i in members:
                found[i] = k
        return found


class _Sets:
    """Union-find over mention indexes."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> int:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)
        return min(ra, rb)


class _Resolver:
    def __init__(self, mentions: Sequence[Mention]) -> None:
        self.mentions = mentions
        self.names = [read_name(m.name) for m in mentions]
        self.sets = _Sets(len(mentions))
        self.links: dict[int, Link] = {}
        self.review: list[dict[str, object]] = []
        families: dict[int, set[str]] = defaultdict(set)
        for m, n in zip(mentions, self.names, strict=True):
            families[m.activity_id].add(n.family_key)
        self.contexts = [self._context(m, n, families[m.activity_id])
                         for m, n in zip(mentions, self.names, strict=True)]  # fmt: skip

    @staticmethod
    def _context(m: Mention, n: Name, families: set[str]) -> Context:
        return Context(
            {m.programme} if m.programme else set(),
            {m.year} if m.year else set(),
            set(m.countries),
            families - {n.family_key},
            {m.email.lower()} if m.email else set(),
            {n.country} if n.country else set(),
        )

    def full(self, i: int) -> bool:
        n = self.names[i]
        return bool(n.given) and not n.initials_only

    def by_key(self) -> None:
        """Step 1: one folded name, one person; one e-mail address, one person."""
        first: dict[str, int] = {}
        for i, n in enumerate(self.names):
            if self.full(i):
                self.sets.union(first.setdefault(n.key, i), i)
        by_email: dict[str, int] = {}
        for i, m in enumerate(self.mentions):
            if m.email:
                j = by_email.setdefault(m.email.lower(), i)
                if self.sets.find(i) != self.sets.find(j):
                    self.sets.union(i, j)
                    self.links[i] = Link("email")

    def groups(self, which: Iterable[int]) -> dict[int, list[int]]:
        found: dict[int, list[int]] = defaultdict(list)
        for i in which:
            found[self.sets.find(i)].append(i)
        return found

    def context(self, members: list[int]) -> Context:
        total = Context()
        for i in members:
            total.add(self.contexts[i])
        return total

    def close_spellings(self) -> None:
        """Step 2: spellings close enough, and a context that agrees."""
        people = self.groups(i for i in range(len(self.names)) if self.full(i))
        blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
        for root, members in people.items():
            n = self.names[members[0]]
            for family, given in _orientations(n):
                blocks[(family[:3], given[:1])].append(root)
        seen: set[tuple[int, int]] = set()
        for roots in blocks.values():
            for x, a in enumerate(roots):
                for b in roots[x + 1 :]:
                    if (a, b) not in seen:
                        seen.add((a, b))
                        self._compare(people[a], people[b])

    def _compare(self, a: list[int], b: list[int]) -> None:
        na, nb = self.names[a[0]], self.names[b[0]]
        if self.sets.find(a[0]) == self.sets.find(b[0]) or na.key == nb.key:
            return
        similarity = _similarity(na, nb)
        if similarity < _CLOSE:
            return
        p = probability(log_odds(self.context(a), self.context(b), similarity))
        if p >= UPPER:
            self.sets.union(a[0], b[0])
            for i in b if len(b) <= len(a) else a:
                self.links[i] = Link("probabilistic", round(p, 4))
        elif p >= LOWER:
            self.review.append(self._uncertain(b[0], a[0], p))

    def _uncertain(self, i: int, candidate: int, p: float) -> dict[str, object]:
        m = self.mentions[i]
        return {"activity_id": m.activity_id, "role": m.role, "name": m.name,
                "candidate": self.mentions[candidate].name, "score": round(p, 4)}  # fmt: skip

    def initials(self) -> None:
        """Step 3: mentions by initials (or by family name alone) to a full name."""
        people = self.groups(i for i in range(len(self.names)) if self.full(i))
        block: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for root, members in people.items():
            for family, given in _orientations(self.names[members[0]]):
                block[family].append((given, root))
        contexts = {root: self.context(members) for root, members in people.items()}
        leftover: list[int] = []
        for i, n in enumerate(self.names):
            if self.full(i):
                continue
            candidates = {r for g, r in block.get(n.family_key, ()) if g.startswith(n.initials)}
            if not self._link_initial(i, sorted(candidates), contexts):
                leftover.append(i)
        self._join_leftovers(leftover)

    def _link_initial(self, i: int, candidates: list[int], contexts: dict[int, Context]) -> bool:
        if not candidates:
            return False
        scored = sorted(((log_odds(self.contexts[i], contexts[r]), r) for r in candidates),
                        reverse=True)  # fmt: skip
        best, root = scored[0]
        p = probability(best)
        if len(scored) == 1 and self.names[i].initials and best >= _CONTRADICTED:
            self.sets.union(i, root)
            self.links[i] = Link("initial", round(p, 4))
            return True
        lead = best - scored[1][0] if len(scored) > 1 else math.inf
        if p >= UPPER and lead >= _MARGIN:
            self.sets.union(i, root)
            self.links[i] = Link("probabilistic", round(p, 4))
            return True
        if p >= LOWER:
            self.review.append(self._uncertain(i, root, p))
        return False

    def _join_leftovers(self, leftover: list[int]) -> None:
        """Initials that found nobody: one person per family name and initials, split
        where the context says nothing in common."""
        by_form: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i in leftover:
            by_form[(self.names[i].family_key, self.names[i].initials)].append(i)
        for members in by_form.values():
            heads: list[tuple[int, Context]] = []
            for i in members:
                for head, ctx in heads:
                    if log_odds(self.contexts[i], ctx) >= 0.0:
                        self.sets.union(head, i)
                        ctx.add(self.contexts[i])
                        break
                else:
                    heads.append((i, Context()))
                    heads[-1][1].add(self.contexts[i])

    def resolution(self) -> Resolution:
        people = sorted(self.groups(range(len(self.names))).values(), key=lambda ms: ms[0])
        links: list[Link] = [Link("folded")] * len(self.names)
        for members in people:
            canonical = max(members, key=lambda i: self.names[i].fullness)
            for i in members:
                if i in self.links:
                    links[i] = self.links[i]
                elif self.mentions[i].name == self.mentions[canonical].name:
                    links[i] = Link("exact")
        return Resolution(people, links, self.review)


def _orientations(n: Name) -> list[tuple[str, str]]:
    """(family name, initials) the way it was written, and the other way round when
    the form does not say ("Gercke Marco")."""
    found = [(n.family_key, n.initials)]
    if n.either_way:
        found.append((fold(n.given).replace(" ", ""), fold(n.family)[:1]))
    return found


def _similarity(a: Name, b: Name) -> float:
    """How alike two full names are: the lesser of their family names' and their given
    names' similarity, whichever way round each was written ("Aram"/"Armen" is two
    people however long the family name they share)."""
    best = 0.0
    for x, y in ((a, b), (b, a)) if a.either_way or b.either_way else ((a, b),):
        for fx, gx in _parts(x):
            for fy, gy in _parts(y):
                if _edits(fx, fy, 12) and _edits(gx, gy, 7):
                    family = JaroWinkler.normalized_similarity(fx, fy)
                    best = max(best, min(family, JaroWinkler.normalized_similarity(gx, gy)))
    return best


def _edits(a: str, b: str, long: int) -> bool:
    """Few enough edits for a second spelling of one name ("Tsiklauri"/"Tsiklaury",
    "Oleksandr"/"Olexandr"): one, two from `long` letters; not another name that starts
    alike ("Vandenberghe"/"Vanderberg", which Jaro-Winkler's bonus for a shared start
    would call close; "Popescu"/"Popeanu", two families)."""
    allowed = 1 if min(len(a), len(b)) < long else 2
    return Levenshtein.distance(a, b, score_cutoff=allowed) <= allowed


def _parts(n: Name) -> list[tuple[str, str]]:
    """(family, given) folded, as written and, when the form does not say, swapped."""
    family, given = fold(n.family).replace(" ", ""), fold(n.given).replace(" ", "")
    return [(family, given), (given, family)] if n.either_way else [(family, given)]


def resolve(mentions: Sequence[Mention]) -> Resolution:
    """Each mention's person (see the module's docstring)."""
    resolver = _Resolver(mentions)
    resolver.by_key()
    resolver.close_spellings()
    resolver.initials()
    return resolver.resolution()
