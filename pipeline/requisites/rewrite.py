"""An archived page and its stylesheets with every URL they load or link pointed elsewhere:
at the archive's replay of it, so that a page shows with its own archived stylesheets and
images, from the archive and nothing else.

    rewrite_html(html, url, content_type, to) -> str   # markup, each URL x → to(x)
    rewrite_css(css, url, to) -> str                   # a stylesheet's @import and url()

The URLs are the ones `find` reads (the same selectors, the same CSS tokenizer), plus
links (`<a href>`, `<area href>`), each made whole against the page's address (and its
`<base href>`, which is then dropped) before `to` is asked; a link's `target` is dropped
(a link opens where the page is: in a sandboxed frame a new window or the top page is
refused, and the link would do nothing). Pure: text in, text out; the page comes back as
text (its charset is the caller's to declare).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import tinycss2
from selectolax.lexbor import LexborHTMLParser, LexborNode
from tinycss2.serializer import serialize_string_value, serialize_url

from parsers.encoding import decode_html
from pipeline.requisites.find import _BACKGROUND, _LOADED, MAX_CSS_BYTES, _absolute

_ATTRIBUTES = (*_LOADED, ("link", "href"), ("a", "href"), ("area", "href"))
_SELECTOR = ", ".join(
    ["style", "[style]", "[background]", "base[href]", *(f"{t}[{a}]" for t, a in _ATTRIBUTES)]
)
Rewrite = Callable[[str], str]


def _walk(tokens: Iterable[object], base: str, to: Rewrite) -> None:
    """Point every url(...) among `tokens` (and the blocks within) at `to(url)`, in place."""
    stack = list(tokens)
    while stack:
        token = stack.pop()
        kind = getattr(token, "type", None)
        if kind == "url":
            _point(token, base, to)
        elif kind == "function" and getattr(token, "lower_name", "") == "url":
            for arg in getattr(token, "arguments", []):
                if arg.type == "string":
                    _point(arg, base, to)
        elif kind == "at-rule" and getattr(token, "lower_at_keyword", "") == "import":
            for arg in getattr(token, "prelude", []):
                if arg.type == "string":
                    _point(arg, base, to)
        for name in ("prelude", "content", "arguments", "value"):
            inner = getattr(token, name, None)
            if isinstance(inner, list):
                stack.extend(inner)


def _point(token: object, base: str, to: Rewrite) -> None:
    """Point one url token or string at `to(whole URL)` (tokens serialize their
    `representation`, so that is written too)."""
    whole = _absolute(base, str(getattr(token, "value", "")))
    if not whole:
        return
    value = to(whole)
    token.value = value  # type: ignore[attr-defined]
    if getattr(token, "type", None) == "url":
        token.representation = f"url({serialize_url(value)})"  # type: ignore[attr-defined]
    else:
        token.representation = f'"{serialize_string_value(value)}"'  # type: ignore[attr-defined]


def rewrite_css(css: str, url: str, to: Rewrite) -> str:
    """The stylesheet with its @imports and url()s pointed at `to(whole URL)`."""
    if len(css) > MAX_CSS_BYTES:
        return css
    rules = tinycss2.parse_stylesheet(css)
    _walk(rules, url, to)
    return str(tinycss2.serialize(rules))


def _style_attribute(value: str, base: str, to: Rewrite) -> str:
    declarations = tinycss2.parse_blocks_contents(value)
    _walk(declarations, base, to)
    return str(tinycss2.serialize(declarations))


def _rewrite_node(node: LexborNode, base: str, to: Rewrite) -> None:
    tag, attrs = node.tag or "", node.attributes
    for t, a in _ATTRIBUTES:
        if tag == t and (whole := _absolute(base, attrs.get(a))):
            node.attrs[a] = to(whole)
    if tag in ("a", "area") and "target" in attrs:
        del node.attrs["target"]  # a link opens where the page is (a sandboxed frame's own)
    background = _absolute(base, attrs.get("background")) if tag in _BACKGROUND else None
    if background:
        node.attrs["background"] = to(background)
    if attrs.get("style"):
        node.attrs["style"] = _style_attribute(attrs.get("style") or "", base, to)


def rewrite_html(html: bytes, url: str, content_type: str | None, to: Rewrite) -> str:
    """The page as text with what it loads and links pointed at `to(whole URL)`."""
    tree = LexborHTMLParser(decode_html(html, content_type).text)
    base = url
    for node in tree.css(_SELECTOR):
        if node.tag == "base":
            base = _absolute(url, node.attributes.get("href")) or base
            node.decompose()  # the URLs are whole now: a base would misdirect them
            continue
        if node.tag == "style":
            css = rewrite_css(node.text(deep=True), base, to)
            node.replace_with(LexborHTMLParser(f"<style>{css}</style>").css_first("style"))  # type: ignore[arg-type]
            continue
        _rewrite_node(node, base, to)
    return tree.html or ""
