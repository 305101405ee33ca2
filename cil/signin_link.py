"""Signing in with a one-time link mailed to the address after graduation.

A graduate whose institutional login has lapsed enters their address on the sign-in page. If
it is the confirmed address after graduation of an active student account (cil/graduation.py),
a signed link valid for CIL_SIGNIN_LINK_MINUTES is mailed to it; the page says the same either
way, so nobody learns whose address it is. Opening the link asks for confirmation (mail
scanners open links); the button signs the browser in through allauth's login flow, so a
second factor the person has set up is still asked for. A link works once: it names the
account's password, addresses and last sign-in, which the sign-in itself changes, and a used
link is remembered as in cil/lockout.py. This works whatever CIL_LOCAL_LOGIN says.

Staff (activities.roles.has_staff_role) are never sent a link: they sign in with two factors,
and their institution keeps their login while they hold a role.
"""

from __future__ import annotations

import hashlib

from allauth.account.internal.flows.login import perform_login
from allauth.account.models import EmailAddress, Login
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from activities.roles import has_staff_role
from cil import audit, ratelimit
from cil.graduation import confirmed_graduation_email, user_with_graduation_email
from cil.mail import notify
from cil.models import User

SALT = "cil.signin_link"


def _max_age() -> int:
    return int(settings.CIL_SIGNIN_LINK_MINUTES) * 60


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _used_key(token: str) -> str:
    return "cil:signin-link-used:" + _digest(token)


def _state(user: User) -> str:
    """What a link is made for: it is void once the password, any of the account's addresses or
    its last sign-in (the link's own sign-in too) has changed."""
    addresses = sorted(
        f"{a.email.lower()}:{a.verified}:{a.primary}"
        for a in EmailAddress.objects.filter(user=user)
    )
    last_login = user.last_login.isoformat() if user.last_login else ""
    return _digest("|".join([user.password, last_login, user.email.lower(), *addresses]))[:32]


def may_use_links(user: User) -> bool:
    return bool(user.is_active) and not has_staff_role(user)


def make_token(user: User) -> str:
    return signing.dumps(
        {"u": user.pk, "e": confirmed_graduation_email(user).lower(), "s": _state(user)},
        salt=SALT,
        compress=True,
    )


def user_for_token(token: str) -> User | None:
    """The account the link signs in to, if it is genuine, recent, unused and still current."""
    try:
        data = signing.loads(token, salt=SALT, max_age=_max_age())
    except signing.BadSignature:  # SignatureExpired is one, too
        return None
    if cache.get(_used_key(token)) is not None:
        return None
    user = User.objects.filter(pk=data.get("u")).first()
    if user is None or not may_use_links(user):
        return None
    email = confirmed_graduation_email(user).lower()
    if not email or data.get("e") != email or data.get("s") != _state(user):
        return None
    return user


def send_link(email: str) -> bool:
    """Mail a sign-in link if ``email`` is an account's confirmed address after graduation;
    whether one was sent (for tests and the trail: never for the person asking)."""
    user = user_with_graduation_email(email)
    if user is None or not may_use_links(user):
        return False
    token = make_token(user)
    notify(
        user=user,
        template="account/mail/signin_link",
        context={
            "signin_path": reverse("account_link_signin", kwargs={"token": token}),
            "minutes": settings.CIL_SIGNIN_LINK_MINUTES,
        },
        to=confirmed_graduation_email(user),
    )
    audit.record(actor=None, action="account.signin_link_sent", target=user, subject=user)
    return True


class LinkRequestForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Your private e-mail address"),
        help_text=gettext_lazy("The address for after graduation that you confirmed."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def request_link(request: HttpRequest) -> HttpResponse:
    """Ask for a sign-in link; the answer is the same whether or not the address is known."""
    form = LinkRequestForm(request.POST or None)
    if request.method == "POST":
        client = ratelimit.client_ip(request) or "unknown"
        if ratelimit.count("signin-link", client) > settings.CIL_SIGNIN_LINK_RATE_PER_MINUTE:
            return ratelimit.too_many(request)
        if form.is_valid():
            email = str(form.cleaned_data["email"]).strip().lower()
            # Over the limit for this address, nothing is sent, and the answer is the same.
            sent = ratelimit.count("signin-link-address", _digest(email), window_seconds=3600)
            if sent <= settings.CIL_SIGNIN_LINK_PER_ADDRESS_PER_HOUR:
                send_link(email)
            return render(
                request,
                "account/signin_link_sent.html",
                {"email": email, "minutes": settings.CIL_SIGNIN_LINK_MINUTES},
            )
    return render(request, "account/signin_link_request.html", {"form": form})


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def signin(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks for confirmation; POST signs the browser in, once."""
    user = user_for_token(token)
    if user is None:
        return render(request, "account/signin_link.html", {"valid": False}, status=400)
    if request.method == "POST":
        if not cache.add(_used_key(token), True, timeout=_max_age()):
            return render(request, "account/signin_link.html", {"valid": False}, status=400)
        audit.record(actor=user, action="account.signin_link_used", target=user, subject=user)
        email = confirmed_graduation_email(user)
        response: HttpResponse = perform_login(request, Login(user=user, email=email))
        return response
    email = confirmed_graduation_email(user)
    return render(request, "account/signin_link.html", {"valid": True, "email": email})
