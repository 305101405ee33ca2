from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cil import lockout
from cil.mfa import SECOND_FACTORS
from cil.policy import has_staff_role


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": gettext_lazy(
            "This account is locked after too many failed sign-ins. If it is yours, we have "
            "e-mailed you a link that unlocks it; or wait an hour, or reset your password."
        ),
    }

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """Count failed sign-ins per account alone. allauth adds the request's host name,
        which a client chooses among the allowed hosts; password reset clears the same key."""
        return lockout.credentials_login(credentials)

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Refuse a locked account (and mail its owner the unlock link), unless this browser
        opened that link."""
        login = lockout.credentials_login(credentials)
        if lockout.may_skip_account_limit(request, login):
            self._login_failed_rl_usage = None
            return
        try:
            super().pre_authenticate(request, **credentials)
        except forms.ValidationError:
            lockout.account_refused(request, login)
            raise

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


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Staff, who must sign in with two factors, keep at least one second factor."""
        if authenticator.type not in SECOND_FACTORS or not settings.CIL_MFA_REQUIRED_FOR_STAFF:
            return True
        if not has_staff_role(authenticator.user):
            return True
        others = Authenticator.objects.filter(user=authenticator.user, type__in=SECOND_FACTORS)
        return others.exclude(pk=authenticator.pk).exists()


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
