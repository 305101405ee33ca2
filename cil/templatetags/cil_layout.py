"""The frame of every page (base.html): its head links, navigation, footer and scripts.

Each part depends on few things: the language, the user's roles, which navigation entry is the
current page, the settings. So each is rendered once per process for each combination of them
and then reused; the only values that differ from request to request (the user's e-mail
address, the CSRF token, the address to come back to after switching language) are left as
holes in the stored text and filled in per request, escaped as the template would.

Everything a part shows is in its key, so nothing stored can go stale while the process runs;
a change of settings (tests) empties the store.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Hashable
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.template.loader import get_template
from django.urls import get_script_prefix, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

# A hole in a stored part: text no template or translation produces, and that escaping keeps.
_HOLE = "@@cil-hole:{}@@"
_HOLE_RE = re.compile(r"@@cil-hole:(\w+)@@")

# Entries of the main navigation that mark themselves as the current page (aria-current).
NAVIGATION = (
    "activities:programmes",
    "portfolio:home",
    "activities:manage",
    "certificates:review_home",
    "certificates:overview",
    "activities:groups",
    "people",
    "retention:queue",
    "retention:periods",
)

# The keys are few (languages x role combinations x navigation entries); the bound only guards
# against a mistake that would put something unbounded in them.
_MAX_PARTS = 2000
_parts: dict[Hashable, list[str]] = {}
_lock = threading.Lock()


def forget() -> None:
    """Render every part afresh (after a change of settings)."""
    with _lock:
        _parts.clear()


def _forget_on_setting_changed(**kwargs: Any) -> None:
    forget()


setting_changed.connect(_forget_on_setting_changed, dispatch_uid="cil_layout_forget")


def _part(key: Hashable, render: Callable[[], str]) -> list[str]:
    """The stored part for ``key`` as text split at its holes (odd items name the holes)."""
    parts = _parts.get(key)
    if parts is None:
        parts = _HOLE_RE.split(render())
        with _lock:
            if len(_parts) >= _MAX_PARTS:
                _parts.clear()
            _parts[key] = parts
    return parts


def _fill(parts: list[str], holes: dict[str, str]) -> SafeString:
    """The part with its holes filled: the text came from the template engine, which escaped
    it, and the callers escape what they put in the holes."""
    text = "".join(holes[p] if i % 2 else p for i, p in enumerate(parts))
    return mark_safe(text)  # noqa: S308  # nosec B308 B703


def _render(name: str, context: dict[str, Any]) -> str:
    return str(get_template(name).render(context)).strip()


def _current_entry(path: str, language: str | None, prefix: str) -> str:
    """The navigation entry's address if ``path`` is one, else '' (so the key stays small)."""
    key = ("navigation-paths", language, prefix)
    paths = _parts.get(key)
    if paths is None:
        paths = [reverse(name) for name in NAVIGATION]
        with _lock:
            _parts[key] = paths
    return path if path in paths else ""


@register.simple_tag
def layout_head() -> SafeString:
    """Style sheets, icon and htmx settings (they change only with the static files)."""
    return _fill(_part(("head",), lambda: _render("layout/_head.html", {})), {})


@register.simple_tag
def layout_scripts() -> SafeString:
    return _fill(_part(("scripts",), lambda: _render("layout/_scripts.html", {})), {})


@register.simple_tag(takes_context=True)
def layout_header(context: template.Context) -> SafeString:
    """The skip link and the navigation bar, with the language switcher."""
    request = context.get("request")
    user = context.get("user")
    # The user's roles, from the portal context processor (absent without a request: no roles).
    roles = context.get("roles")
    authenticated = bool(getattr(user, "is_authenticated", False))
    language = get_language()
    prefix = get_script_prefix()
    current = _current_entry(request.path if request else "", language, prefix)
    institution_name = context.get("institution_name", "")
    # Rendered without a request (so without a token), the forms carry none, as {% csrf_token %}.
    token = context.get("csrf_token")
    has_token = bool(token) and str(token) != "NOTPROVIDED"
    key = (
        "header",
        language,
        prefix,
        institution_name,
        authenticated,
        bool(getattr(user, "is_staff", False)),
        bool(getattr(roles, "administers_any", False)),
        bool(getattr(roles, "reviews_any", False)),
        bool(getattr(roles, "sees_all_programmes", False)),
        current,
        has_token,
    )

    def render() -> str:
        return _render(
            "layout/_header.html",
            {
                "authenticated": authenticated,
                "is_staff": key[5],
                "roles": {
                    "administers_any": key[6],
                    "reviews_any": key[7],
                    "sees_all_programmes": key[8],
                },
                "institution_name": institution_name,
                "request_path": current,
                "email": _HOLE.format("email"),
                "csrf_token": _HOLE.format("csrf") if has_token else "",
                "next_path": _HOLE.format("next"),
            },
        )

    return _fill(
        _part(key, render),
        {
            "email": conditional_escape(getattr(user, "email", "") or ""),
            "csrf": conditional_escape(str(token)) if has_token else "",
            "next": conditional_escape(request.get_full_path() if request else ""),
        },
    )


@register.simple_tag(takes_context=True)
def layout_footer(context: template.Context) -> SafeString:
    institution_name = context.get("institution_name", "")
    key = ("footer", get_language(), get_script_prefix(), institution_name)
    return _fill(
        _part(key, lambda: _render("layout/_footer.html", {"institution_name": institution_name})),
        {},
    )
