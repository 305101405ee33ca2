from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import template
from django.utils import formats
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from cil import identity
from cil.markdown import render_markdown

register = template.Library()


@register.filter
def minutes(value: timedelta | None) -> int:
    """Whole minutes in a timedelta, rounded up (a lockout of 90 s reads as 2 minutes)."""
    if not value:
        return 0
    return -(-int(value.total_seconds()) // 60)


@register.filter(name="markdown")
def markdown_filter(value: str | None) -> SafeString:
    """Staff-written Markdown as sanitised HTML (see cil/markdown.py)."""
    return render_markdown(value or "")


@register.filter
def get_item(mapping: dict[Any, object], key: object) -> object:
    """``mapping[key]`` in a template, or None."""
    return mapping.get(key) if mapping else None


@register.filter
def get_lang(value: dict[str, str] | str, language: str) -> str:
    """A {"en": ..., "nb": ...} text in ``language``, falling back to English."""
    if isinstance(value, dict):
        return value.get(language) or value.get("en", "")
    return value


@register.filter
def iso_date(value: str | None) -> str:
    """An ISO date (as kept in snapshots) in the active language's short format."""
    if not value:
        return ""
    return formats.date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")


@register.filter
def institutional_id(account: Any) -> str:
    """The institutional id (e.g. eduPersonPrincipalName) kept with a linked login."""
    return identity.institutional_id(account)


@register.filter
def provider_name(account: Any) -> str:
    """The identity provider of a linked login, named in the page's language."""
    return identity.provider_name(str(account.provider), get_language())
