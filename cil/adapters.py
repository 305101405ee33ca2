from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.conf import settings
from django.utils.translation import gettext as _


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        """Limit sign-up to the institution's e-mail domains (CIL_SIGNUP_EMAIL_DOMAINS)."""
        email = super().clean_email(email).lower()
        domains = settings.CIL_SIGNUP_EMAIL_DOMAINS
        if domains:
            domain = email.rpartition("@")[2]
            if domain not in domains:
                raise forms.ValidationError(
                    _("Use your institution e-mail address (ending in %(domains)s).")
                    % {"domains": ", ".join("@" + d for d in domains)}
                )
        return email


def axes_username(request: Any, credentials: dict[str, Any] | None) -> str | None:
    """The account a login attempt is for, as django-axes should count it.

    allauth authenticates with ``email=`` while its form field is called ``login``; axes sees
    one or the other depending on where it hooks in, so both are read, lower-cased.
    """
    value = None
    if credentials:
        value = credentials.get("email") or credentials.get("login") or credentials.get("username")
    if not value and request is not None:
        value = request.POST.get("login")
    return value.strip().lower() if value else None
