from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.conf import settings
from django.utils.translation import gettext as _


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        """Limit sign-up to the institution's e-mail domains when CIL_SIGNUP_EMAIL_DOMAINS is set."""
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
