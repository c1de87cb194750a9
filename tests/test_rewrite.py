"""A page rewritten for replay: what it loads and links made whole against its address
(and its <base>) and pointed at the archive; a link's target dropped (in a sandboxed
frame a new window or the top page is refused); what is no web address left alone."""

from __future__ import annotations

from pipeline.requisites.rewrite import rewrite_css, rewrite_html

PAGE = "http://www.jp.coe.int/CEAD/Countries.asp?ID=18356"


def to(url: str) -> str:
    return f"/replay/20070321000000/{url}"


def test_links_and_loads_point_at_the_archive_and_open_in_place() -> None:
    html = (
        b'<link rel="stylesheet" href="styles/jp.css"><img src="/CEAD/images/logo.gif">'
        b'<a href="JP/Default.asp?TransID=112" target="_top">logframe</a>'
        b'<area href="Programmes.asp" target="_blank"><a href="mailto:a@coe.int">mail</a>'
        b'<div style="background: url(images/bg.gif)"></div>'
    )
    out = rewrite_html(html, PAGE, "text/html", to)
    assert f'href="{to("http://www.jp.coe.int/CEAD/styles/jp.css")}"' in out
    assert f'src="{to("http://www.jp.coe.int/CEAD/images/logo.gif")}"' in out
    assert f'<a href="{to("http://www.jp.coe.int/CEAD/JP/Default.asp?TransID=112")}">' in out
    assert f'<area href="{to("http://www.jp.coe.int/CEAD/Programmes.asp")}">' in out
    assert "target=" not in out and 'href="mailto:a@coe.int"' in out
    assert to("http://www.jp.coe.int/CEAD/images/bg.gif") in out


def test_a_base_makes_the_links_whole_and_is_dropped() -> None:
    html = b'<base href="http://www.jp.coe.int/CEAD/JP/"><a href="Default.asp?TransID=1">x</a>'
    out = rewrite_html(html, PAGE, "text/html", to)
    assert "<base" not in out
    assert to("http://www.jp.coe.int/CEAD/JP/Default.asp?TransID=1") in out


def test_a_stylesheets_imports_and_urls_point_at_the_archive() -> None:
    css = '@import "print.css"; body { background: url(../images/bg.gif) }'
    out = rewrite_css(css, "http://www.jp.coe.int/CEAD/styles/jp.css", to)
    assert to("http://www.jp.coe.int/CEAD/styles/print.css") in out
    assert to("http://www.jp.coe.int/CEAD/images/bg.gif") in out
