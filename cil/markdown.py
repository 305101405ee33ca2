"""Markdown written by staff, turned into HTML that is safe to put on a public page.

Python-Markdown passes raw HTML through, so its output is never trusted: nh3 (the Rust
``ammonia`` sanitiser) keeps only the tags and attributes below and only web and mail links.
Images are not allowed: a page must never make a visitor's browser fetch a URL a user typed.
"""

from __future__ import annotations

import functools
import threading

import markdown as md
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "b", "i", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


_local = threading.local()


def _converter() -> md.Markdown:
    """One Markdown converter per thread: building one costs more than converting a text."""
    if not hasattr(_local, "converter"):
        _local.converter = md.Markdown(extensions=["sane_lists", "tables"], output_format="html")
    converter: md.Markdown = _local.converter
    return converter


def render_markdown(text: str) -> SafeString:
    """Markdown to sanitised HTML. Headings start at level 2: the page owns the h1."""
    return _render(text or "")


# The same texts (catalogue descriptions, programme pages) are shown over and over, and the
# result depends on the text alone: remember the latest ones.
@functools.lru_cache(maxsize=2048)
def _render(text: str) -> SafeString:
    converter = _converter()
    html = converter.reset().convert(text)
    # A "# Heading" in the text would be a second h1 on the page; demote every heading by one.
    for level in (5, 4, 3, 2, 1):
        html = html.replace(f"<h{level}", f"<h{level + 1}").replace(
            f"</h{level}>", f"</h{level + 1}>"
        )
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return mark_safe(clean)  # noqa: S308 - nh3 has just removed everything not allowed  # nosec B308 B703
