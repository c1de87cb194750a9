"""What a page loads to look as it did, and what a stylesheet loads: URLs, read purely.

    page_requisites(html, url, content_type)   # stylesheets, images, scripts, frames, url()
    stylesheet_requisites(css, url)            # @import and url() of a stylesheet

Markup is read by selectolax; CSS (stylesheets, `<style>` blocks and `style` attributes)
by tinycss2, a CSS Syntax Level 3 tokenizer, so that comments, escapes and strings are
read as browsers read them. A `<base href>` is honoured. Only http(s) URLs are kept,
without their fragment, each once, in page order; `data:` and `javascript:` are not
requisites. Work is bounded: pages past `parsers.limits` and stylesheets past
`MAX_CSS_BYTES` are not read, and at most `MAX_URLS` come from one document.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from urllib.parse import urldefrag, urljoin, urlsplit

import tinycss2
from selectolax.lexbor import LexborHTMLParser

from parsers.encoding import decode_html
from parsers.limits import bytes_problem
from pipeline.urls import DOCUMENT_EXTENSIONS

MAX_URLS = 500  # requisites of one page or stylesheet (the site's pages load about 10)
MAX_CSS_BYTES = 2 * 1024 * 1024
# (tag, attribute) pairs whose value is a URL the page loads to render
_LOADED = (
    ("img", "src"),
    ("script", "src"),
    ("frame", "src"),
    ("iframe", "src"),
    ("embed", "src"),
    ("input", "src"),  # <input type=image>
    ("object", "data"),
)
_BACKGROUND = {"body", "table", "td", "th", "tr"}  # where old HTML puts `background=`
_SELECTOR = ", ".join(
    ["link", "style", "[style]", "[background]", "base[href]", *(f"{t}[{a}]" for t, a in _LOADED)]
)


def _absolute(base: str, value: str | None) -> str | None:
    """`value` resolved against `base`, an http(s) URL without its fragment, or None."""
    if not value:
        return None
    text = value.strip()
    if not text or text.lower().startswith(("data:", "javascript:", "mailto:", "about:")):
        return None
    try:
        url = urldefrag(urljoin(base, text)).url
    except ValueError:  # a malformed URL (an unclosed IPv6 bracket, say)
        return None
    return url if urlsplit(url).scheme in ("http", "https") else None


def _css_urls(tokens: Iterable[object]) -> Iterator[str]:
    """Every url(...) in a token tree: `url(x)` tokens and `url("x")` functions."""
    stack = list(tokens)[::-1]
    while stack:
        token = stack.pop()
        kind = getattr(token, "type", None)
        if kind == "url":
            yield str(getattr(token, "value", ""))
        elif kind == "function" and getattr(token, "lower_name", "") == "url":
            args = [a for a in getattr(token, "arguments", []) if a.type == "string"]
            if args:
                yield str(args[0].value)
        for name in ("prelude", "content", "arguments", "value"):
            inner = getattr(token, name, None)
            if isinstance(inner, list):
                stack.extend(reversed(inner))


def _imports(rules: Iterable[object]) -> Iterator[str]:
    for rule in rules:
        if getattr(rule, "type", None) == "at-rule" and rule.lower_at_keyword == "import":  # type: ignore[attr-defined]
            for token in rule.prelude:  # type: ignore[attr-defined]
                if token.type in ("string", "url"):
                    yield str(token.value)
                    break


def _css(rules: list[object], base: str) -> list[str]:
    found = [*_imports(rules), *_css_urls(rules)]
    return [u for u in (_absolute(base, v) for v in found) if u]


def stylesheet_requisites(css: bytes, url: str) -> list[str]:
    """The stylesheets it @imports and what its url()s load, resolved against `url`."""
    if len(css) > MAX_CSS_BYTES:
        return []
    rules, _ = tinycss2.parse_stylesheet_bytes(css, skip_comments=True, skip_whitespace=True)
    return _unique(_css(rules, url))


def page_links(
    html: bytes, url: str, content_type: str | None = None
) -> tuple[list[str], list[str]]:
    """(what the page loads, the documents it links to), from one reading of the page."""
    if bytes_problem(html):
        return [], []
    tree = LexborHTMLParser(decode_html(html, content_type).text)
    return _requisites(tree, url), _documents(tree, url)


def page_requisites(html: bytes, url: str, content_type: str | None = None) -> list[str]:
    """What the page at `url` loads to render: see the module docstring."""
    return page_links(html, url, content_type)[0]


def document_links(html: bytes, url: str, content_type: str | None = None) -> list[str]:
    """The documents the page at `url` links to (its "Documents & links" rows, or any
    link in a field): `<a href>` whose path ends in a document's extension."""
    return page_links(html, url, content_type)[1]


def document_anchors(
    html: bytes, url: str, content_type: str | None = None
) -> list[tuple[str, str]]:
    """(URL, the link's text) of each document the page links to, the first link of each."""
    if bytes_problem(html):
        return []
    tree = LexborHTMLParser(decode_html(html, content_type).text)
    return list(_anchors(tree, url).items())


def _requisites(tree: LexborHTMLParser, url: str) -> list[str]:
    base = url
    found: list[str | None] = []
    for node in tree.css(_SELECTOR):
        tag, attrs = node.tag or "", node.attributes
        if tag == "base" and attrs.get("href"):
            base = _absolute(url, attrs.get("href")) or base
        elif tag == "link" and "stylesheet" in (attrs.get("rel") or "").lower().split():
            found.append(_absolute(base, attrs.get("href")))
        elif tag == "style":
            rules = tinycss2.parse_stylesheet(
                node.text(deep=True), skip_comments=True, skip_whitespace=True
            )
            found += _css(rules, base)
        for t, a in _LOADED:
            if tag == t:
                found.append(_absolute(base, attrs.get(a)))
        if attrs.get("background") and tag in _BACKGROUND:
            found.append(_absolute(base, attrs.get("background")))
        if attrs.get("style"):
            declarations = tinycss2.parse_blocks_contents(attrs.get("style") or "")
            found += [u for u in (_absolute(base, v) for v in _css_urls(declarations)) if u]
        if len(found) > MAX_URLS * 2:
            break
    return _unique(u for u in found if u)


def _documents(tree: LexborHTMLParser, url: str) -> list[str]:
    return list(_anchors(tree, url))


def _anchors(tree: LexborHTMLParser, url: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for node in tree.css("a[href]"):
        target = _absolute(url, node.attributes.get("href"))
        if target and urlsplit(target).path.lower().rsplit(".", 1)[-1] in DOCUMENT_EXTENSIONS:
            found.setdefault(target, " ".join(node.text(deep=True).split()))
            if len(found) >= MAX_URLS:
                break
    return found


def _unique(urls: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for url in urls:
        seen.setdefault(url, None)
        if len(seen) >= MAX_URLS:
            break
    return list(seen)
