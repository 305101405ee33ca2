"""The per-account lockout and the link that lets an account's owner lift it.

allauth counts failed sign-ins per account, from any address (ACCOUNT_RATE_LIMITS
"login_failed", see cil/settings.py), and refuses every password once the limit is reached.
Whoever fails on purpose could so keep the owner out; so when an account is first refused, its
owner is mailed a link (signed, valid for CIL_UNLOCK_LINK_HOURS, usable once) that clears the
count and lets the browser that opens it sign in to that account regardless of the count.
"""

from __future__ import annotations

import hashlib
from typing import Any

from allauth.core import ratelimit
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cil.mail import notify
from cil.models import User

SALT = "cil.lockout.unlock"
# The session remembers which account its browser may sign in to despite the lock.
SESSION_KEY = "cil_unlocked_login"


def _max_age() -> int:
    return int(settings.CIL_UNLOCK_LINK_HOURS) * 3600


def _mailed_key(user: User) -> str:
    return f"cil:unlock-mailed:{user.pk}"


def _used_key(token: str) -> str:
    return "cil:unlock-used:" + hashlib.sha256(token.encode()).hexdigest()


def _last_login(user: User) -> str:
    return user.last_login.isoformat() if user.last_login else ""


def make_unlock_token(user: User) -> str:
    """A signed token naming the user and their last sign-in (a sign-in voids the link)."""
    return signing.dumps({"u": user.pk, "l": _last_login(user)}, salt=SALT, compress=True)


def user_for_token(token: str) -> User | None:
    """The user the token was made for, if it is genuine, recent and still current."""
    try:
        data = signing.loads(token, salt=SALT, max_age=_max_age())
    except signing.BadSignature:
        return None
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or data.get("l") != _last_login(user):
        return None
    return user


def account_refused(request: HttpRequest, login: str) -> None:
    """An account was refused for too many failures: mail its owner the link, once per lock."""
    user = User.objects.filter(email__iexact=login, is_active=True).first()
    if user is None:
        return
    window = settings.CIL_ACCOUNT_FAILURE_WINDOW_MINUTES * 60
    if not cache.add(_mailed_key(user), True, timeout=window):
        return  # mailed already: an attacker must not be able to flood the owner's inbox
    token = make_unlock_token(user)
    notify(
        user=user,
        template="account/mail/unlock",
        context={
            "unlock_path": reverse("account_unlock", kwargs={"token": token}),
            "limit": settings.CIL_ACCOUNT_FAILURE_LIMIT,
            "hours": settings.CIL_UNLOCK_LINK_HOURS,
        },
    )


def unlock_account(request: HttpRequest, user: User) -> None:
    """Clear the account's failure counts and let this browser sign in to it."""
    login = user.email.lower()
    ratelimit.clear(request, action="login_failed", key=login)
    axes_reset(username=login)
    cache.delete(_mailed_key(user))
    request.session[SESSION_KEY] = login


def may_skip_account_limit(request: HttpRequest, login: str) -> bool:
    session = getattr(request, "session", None)
    return bool(session is not None and login and session.get(SESSION_KEY) == login.lower())


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def unlock(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks for confirmation (mail scanners open links); POST lifts the lock, once."""
    user = user_for_token(token)
    used = cache.get(_used_key(token)) is not None
    if user is None or used:
        return render(request, "account/unlock.html", {"valid": False}, status=400)
    if request.method == "POST":
        if not cache.add(_used_key(token), True, timeout=_max_age()):
            return render(request, "account/unlock.html", {"valid": False}, status=400)
        unlock_account(request, user)
        messages.success(request, _("Your account is unlocked. Sign in now."))
        return HttpResponseRedirect(reverse("account_login"))
    return render(request, "account/unlock.html", {"valid": True, "email": user.email})


def credentials_login(credentials: dict[str, Any]) -> str:
    return (credentials.get("email") or credentials.get("username") or "").strip().lower()
