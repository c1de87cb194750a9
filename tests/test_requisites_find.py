"""What a page loads, and what a stylesheet loads: read from markup (selectolax) and CSS
(tinycss2), resolved, each once, bounded; not from comments, data: or javascript: URLs."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.requisites import page_requisites, stylesheet_requisites
from pipeline.requisites.find import MAX_URLS

PAGE = "http://www.jp.coe.int/CEAD/Countries.asp?ID=18356&ActSyn=True"
SITE = "http://www.jp.coe.int/CEAD/"


def test_every_kind_of_requisite_in_a_page() -> None:
    html = b"""<HTML><HEAD><LINK REL="StyleSheet" HREF="styles/jp.css" TYPE="text/css">
    <link rel="alternate stylesheet" href="alt.css"><link rel="icon" href="favicon.ico">
    <style>@import url("imported.css"); body { background: url(images/bg.gif) }
    /* .old { background: url(images/not-this.gif) } */</style>
    <SCRIPT LANGUAGE="JavaScript" SRC="/CEAD/scripts/menu.js"></SCRIPT></HEAD>
    <BODY BACKGROUND="images/body.gif"><TABLE BACKGROUND='images/table.gif'><TR>
    <TD BACKGROUND=images/cell.gif STYLE="background-image: url( 'images/styled.gif' )">
    <IMG SRC="images/logo.gif#top" WIDTH=120><img src="data:image/gif;base64,R0lGOD">
    <img src="javascript:alert(1)"><img src="  images/spaced.gif  "><img src="">
    <INPUT TYPE=image SRC="images/go.gif"><iframe src="frame.asp"></iframe>
    <a href="doc.pdf">not a requisite</a><img src="images/logo.gif"></TD></TR></TABLE>
    </BODY></HTML>"""
    assert page_requisites(html, PAGE) == [
        SITE + u
        for u in ("styles/jp.css", "alt.css", "imported.css", "images/bg.gif", "scripts/menu.js",
                  "images/body.gif", "images/table.gif", "images/cell.gif", "images/styled.gif",
                  "images/logo.gif", "images/spaced.gif", "images/go.gif", "frame.asp")
    ]  # fmt: skip


def test_a_base_href_and_other_hosts() -> None:
    html = (
        b'<base href="http://mirror.example/JP/"><img src="a.gif"><img src="//cdn.example/b.gif">'
    )
    assert page_requisites(html, PAGE) == [
        "http://mirror.example/JP/a.gif",
        "http://cdn.example/b.gif",
    ]


def test_a_stylesheet_imports_and_urls() -> None:
    css = b"""@charset "utf-8";
    @import "print.css" print;
    @import url(more.css) screen;
    .banner { background-image: URL("../images/banner.gif"); }
    /* url(../images/commented.gif) */
    .x { content: "url(not-a-url.gif)"; background: url(../images/x.gif) }
    @media print { .y { background: url(\\2e\\2e/images/escaped.gif) } }
    @font-face { src: url(fonts/jp.woff) format("woff") }"""
    base = SITE + "styles/jp.css"
    assert stylesheet_requisites(css, base) == [
        SITE + "styles/print.css", SITE + "styles/more.css", SITE + "images/banner.gif",
        SITE + "images/x.gif", SITE + "images/escaped.gif", SITE + "styles/fonts/jp.woff",
    ]  # fmt: skip


def test_work_is_bounded() -> None:
    many = b"".join(b'<img src="i%d.gif">' % n for n in range(5 * MAX_URLS))
    assert len(page_requisites(many, PAGE)) == MAX_URLS
    css = b"".join(b".c%d { background: url(i%d.gif) }\n" % (n, n) for n in range(5 * MAX_URLS))
    assert len(stylesheet_requisites(css, SITE)) == MAX_URLS
    assert page_requisites(b"<img src=a.gif>" + b" " * (5 * 1024 * 1024), PAGE) == []


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=4000))
def test_never_raises_on_any_bytes(data: bytes) -> None:
    for url in page_requisites(data, PAGE) + stylesheet_requisites(data, SITE):
        assert url.startswith(("http://", "https://")) and "#" not in url


@pytest.mark.parametrize("text", ["url(", "@import", "@import url(", "a{b:url(x", "\\", "/*"])
def test_broken_css_never_raises(text: str) -> None:
    stylesheet_requisites(text.encode(), SITE)
