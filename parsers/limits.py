"""How much a page may be before a parser refuses it: the bounds that keep work on
hostile input linear in its size.

The site's pages are 10 to 60 KB with about 450 tags, nested 21 deep at most; the limits
stand 20 to 100 times above that. Past them a page is not parsed (`NotAnActivity` with
`over_limits`, recorded by the build as a parse issue), so one crafted page cannot stall
a build. Deep nesting is what makes tree work grow faster than the page (every query
over a subtree pays for its depth), so depth is bounded; it is checked only on pages
with many tags, since the check costs about 35 µs and a small page cannot nest deep
enough to hurt.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

MAX_PAGE_BYTES = 4 * 1024 * 1024
MAX_TAGS = 20_000
MAX_DEPTH = 100
DEPTH_CHECK_FROM = 600  # tags
_TOO_DEEP = " > ".join(["*"] * MAX_DEPTH)


def bytes_problem(html: bytes) -> str | None:
    if len(html) > MAX_PAGE_BYTES:
        return f"page of {len(html):,} bytes: over the parser's limit of {MAX_PAGE_BYTES:,}"
    return None


def tags_problem(tags: int) -> str | None:
    """`tags`: the page's `<` count, an upper bound of its elements."""
    if tags > MAX_TAGS:
        return f"page of {tags:,} tags: over the parser's limit of {MAX_TAGS:,}"
    return None


def depth_problem(tree: LexborHTMLParser, tags: int) -> str | None:
    if tags < DEPTH_CHECK_FROM or tree.css_first(_TOO_DEEP) is None:
        return None
    return f"page nested over {MAX_DEPTH} elements deep: over the parser's limit"
