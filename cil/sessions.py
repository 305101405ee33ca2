"""Signed-in sessions: kept by no cache, ended when idle, and ended after a maximum age.

The idle limit is Django's own expiry (SESSION_COOKIE_AGE), so an idle session expires in the
session store itself. Django renews it whenever the session is saved; rather than save on every
request (SESSION_SAVE_EVERY_REQUEST, a write per page), the middleware below saves at most once
every RENEW_EVERY seconds of activity. The absolute limit needs the time of sign-in, which
Django does not keep: it is written into the session when the user signs in.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

SIGNED_IN_AT = "cil_signed_in_at"
RENEWED_AT = "cil_renewed_at"
# The idle limit is kept to within this many seconds (at most one session write a minute).
RENEW_EVERY = 60


@receiver(user_logged_in)
def stamp_sign_in(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    """Note when the session signed in; logging out flushes it, so it never outlives the login.

    A receiver, because every way of signing in (allauth's forms, the admin, force_login in
    tests) sends this signal, and no view of ours is in all of them.
    """
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = request.session[RENEWED_AT] = time.time()


class SessionLimitsMiddleware:
    """End a signed-in session CIL_SESSION_MAX_AGE after sign-in, and keep renewing its idle
    expiry while it is in use. Runs after authentication and before LoginRequiredMiddleware,
    which sends a visitor whose session ended to sign in again."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            signed_in_at = session.get(SIGNED_IN_AT)
            if signed_in_at is None:  # signed in before this middleware existed
                session[SIGNED_IN_AT] = session[RENEWED_AT] = now
            elif now - signed_in_at > settings.CIL_SESSION_MAX_AGE.total_seconds():
                logout(request)
            elif now - session.get(RENEWED_AT, signed_in_at) > RENEW_EVERY:
                session[RENEWED_AT] = now  # saved, so the expiry moves on by the idle limit
        return self.get_response(request)


class PrivateCacheMiddleware:
    """Pages for a signed-in user are theirs alone: no shared cache may keep them, and the
    browser may not show them again from its cache after sign-out (the back button).

    A response that says how it may be cached keeps its own header; pages for visitors who are
    not signed in stay as they were.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response
