"""Staff-written Markdown on public pages renders harmless, whatever is typed into it."""

from __future__ import annotations

import pytest

from cil.markdown import render_markdown

HOSTILE = [
    ("<script>alert('x')</script>Hello", "<script", "Hello"),
    ("[click](javascript:alert(1))", "javascript:", "click"),
    ("[click](JaVaScRiPt:alert(1))", "avascript:", "click"),
    ("[data](data:text/html;base64,PHNjcmlwdD4=)", "data:", "data"),
    ('<a href="https://uni.example" onclick="steal()">site</a>', "onclick", "site"),
    ('<img src="https://tracker.example/x.png" onerror="alert(1)">', "<img", ""),
    ('<div style="position:fixed">over</div>', "style=", "over"),
    ("<iframe src='https://evil.example'></iframe>", "<iframe", ""),
    ('<svg onload="alert(1)"><circle/></svg>', "onload", ""),
    ("![pixel](https://tracker.example/p.png)", "<img", ""),
    ('<form action="https://evil.example"><input name="pw"></form>', "<form", ""),
]


@pytest.mark.parametrize(("source", "forbidden", "kept"), HOSTILE)
def test_hostile_markup_is_removed(source: str, forbidden: str, kept: str) -> None:
    html = render_markdown(source)
    assert forbidden.lower() not in html.lower()
    assert kept in html


def test_ordinary_markdown_keeps_its_structure() -> None:
    html = render_markdown(
        "# Title\n\nSome **bold** and *italic* text.\n\n- one\n- two\n\n"
        "[Our page](https://uni.example/cil) or [mail us](mailto:cil@uni.example)."
    )
    assert "<h2>Title</h2>" in html  # the page has its own h1
    assert "<strong>bold</strong>" in html and "<em>italic</em>" in html
    assert "<li>one</li>" in html
    assert 'href="https://uni.example/cil"' in html
    assert 'href="mailto:cil@uni.example"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_empty_text_gives_empty_html() -> None:
    assert render_markdown("") == ""
