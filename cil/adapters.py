from __future__ import annotations

from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django import forms
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from activities.roles import has_staff_role
from cil import lockout
from cil.identity import SAML_EPPN, OIDCProvider, SAMLProvider, provider_name
from cil.mfa import SECOND_FACTORS
from cil.ratelimit import client_ip


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

    # --- Who may sign in with a password (CIL_LOCAL_LOGIN) ------------------------------------

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Local sign-up (e-mail and password) only where everyone may use a password."""
        return bool(settings.CIL_LOCAL_LOGIN == "all")

    def authenticate(self, request: HttpRequest, **credentials: Any) -> Any:
        """The right password is still refused to those CIL_LOCAL_LOGIN sends to their
        institution's sign-in."""
        user = super().authenticate(request, **credentials)
        if user is not None and not local_login_allowed(user):
            raise forms.ValidationError(local_login_refusal())
        return user

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

    # --- Where requests come from ----------------------------------------------------------

    def get_client_ip(self, request: HttpRequest) -> str:
        """allauth's rate limits and session list see the address the trusted proxies saw."""
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    # --- Links in mail ------------------------------------------------------------------------

    def build_absolute_uri(self, location: str) -> str:
        """The address on the portal, under SITE_URL: never under the request's Host header,
        which a client chooses (any port of an allowed host passes Django's check)."""
        parts = urlsplit(location)
        return str(settings.SITE_URL) + urlunsplit(
            ("", "", parts.path or "/", parts.query, parts.fragment)
        )

    def get_reset_password_from_key_url(self, key: str) -> str:
        return self.build_absolute_uri(super().get_reset_password_from_key_url(key))

    def get_email_confirmation_url(self, request: HttpRequest, emailconfirmation: Any) -> str:
        return self.build_absolute_uri(
            super().get_email_confirmation_url(request, emailconfirmation)
        )

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Every allauth mail: its links under SITE_URL, and what the portal's layout needs
        (templates/account/email/base_message.txt)."""
        context = {
            key: self.build_absolute_uri(value)
            if key.endswith("_url") and isinstance(value, str) and value
            else value
            for key, value in context.items()
        }
        context.setdefault("site_url", settings.SITE_URL)
        context.setdefault("institution_name", settings.CIL_INSTITUTION_NAME)
        # allauth's own texts name the site by current_site, which without django.contrib.sites
        # is made from the Host header.
        context["current_site"] = SimpleNamespace(
            name=settings.CIL_INSTITUTION_NAME, domain=urlsplit(settings.SITE_URL).netloc
        )
        super().send_mail(template_prefix, email, context)

    # --- Telling the old address ------------------------------------------------------------

    def send_notification_mail(
        self,
        template_prefix: str,
        user: AbstractBaseUser,
        context: dict[str, Any] | None = None,
        email: str | None = None,
    ) -> None:
        context = {"user": user, **(context or {})}
        if template_prefix == "account/email/email_changed":
            from cil.accounts import email_change_undo_url

            context["undo_url"] = email_change_undo_url(
                user=user, from_email=context["from_email"], to_email=context["to_email"]
            )
            context["undo_hours"] = settings.CIL_EMAIL_CHANGE_UNDO_HOURS
        super().send_notification_mail(template_prefix, user, context, email)

    def confirm_email(self, request: HttpRequest, email_address: Any) -> bool:
        """Confirming an added address tells the primary address, before the new one can take
        its place: a thief with a stolen session cannot add their own address unnoticed."""
        confirmed: bool = super().confirm_email(request, email_address)
        if confirmed and not email_address.primary:
            from allauth.account.models import EmailAddress

            primary = EmailAddress.objects.get_primary_email(email_address.user)
            if primary and primary.lower() != email_address.email.lower():
                self.send_notification_mail(
                    "account/email/email_added",
                    email_address.user,
                    {"added_email": email_address.email},
                    email=primary,
                )
        return confirmed


def local_login_allowed(user: Any) -> bool:
    """May ``user`` sign in with a password? CIL_LOCAL_LOGIN: all, staff or none."""
    mode = settings.CIL_LOCAL_LOGIN
    if mode == "all":
        return True
    if mode == "staff":
        return has_staff_role(user)
    return False


def local_login_refusal() -> str:
    providers: list[OIDCProvider | SAMLProvider] = [
        *settings.CIL_OIDC_PROVIDERS,
        *settings.CIL_SAML_PROVIDERS,
    ]
    names = [provider.name(get_language()) for provider in providers]
    if settings.CIL_LOCAL_LOGIN == "staff":
        return _(
            "Students sign in through their institution (%(providers)s), not with a password. "
            "Use the button above."
        ) % {"providers": ", ".join(names)}
    return _("Sign in through your institution (%(providers)s); passwords are not used here.") % {
        "providers": ", ".join(names)
    }


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Institutional sign-in: keyed on the provider and ``sub``, never on the e-mail."""

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        """A first institutional sign-in creates the account, whatever CIL_LOCAL_LOGIN says."""
        return True

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        """Refuse a new institutional login whose e-mail already belongs to an account.

        allauth would otherwise offer a sign-up form for it. The person who owns the account
        signs in as before and links the institutional login from their account page; a
        stranger who got the same address (reused, or from another institution) gets nothing.

        Before that, a new login that central staff recorded a pending link for joins the
        account they named (``_claim_pending_link``).
        """
        if is_saml(sociallogin.account.provider):
            saml_checks(request, sociallogin)
        if sociallogin.is_existing:
            return
        if sociallogin.state.get("process") != "connect" and self._claim_pending_link(
            request, sociallogin
        ):
            return
        if request.user.is_authenticated:
            return
        emails = {a.email.lower() for a in sociallogin.email_addresses if a.email}
        if sociallogin.user.email:
            emails.add(sociallogin.user.email.lower())
        if not emails:
            return
        from allauth.account.models import EmailAddress

        from cil.models import User

        same = Q()
        for email in emails:
            same |= Q(email__iexact=email)
        taken = User.objects.filter(same).exists() or EmailAddress.objects.filter(same).exists()
        if not taken:
            return
        raise ImmediateHttpResponse(
            render(
                request,
                "socialaccount/link_first.html",
                {
                    "provider_name": provider_name(sociallogin.account.provider, get_language()),
                    "local_login": settings.CIL_LOCAL_LOGIN,
                },
                status=409,
            )
        )

    def _claim_pending_link(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        """Attach a new institutional login to the account central staff recorded a pending
        link for (cil/institutional.py): matched on the provider and the institutional id the
        provider asserts now, never on the e-mail; the link is used up."""
        from django.db import transaction

        from cil.institutional import claim_pending_link

        with transaction.atomic():
            user = claim_pending_link(account=sociallogin.account)
            if user is None:
                return False
            sociallogin.connect(request, user)
        return True

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: Any = None,
        extra_context: Any = None,
    ) -> None:
        """A refused SAML response gets the portal's page, with the reason in words."""
        super().on_authentication_error(request, provider, error, exception, extra_context)
        if getattr(provider, "id", None) != "saml":
            return
        if error == "cancelled":
            return
        detail = str((extra_context or {}).get("saml_last_error_reason") or "")
        errors = (extra_context or {}).get("saml_errors")
        raise saml_refusal(request, saml_reason(detail, errors), provider.sub_id)

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data: Any) -> Any:
        """The new account's e-mail (lower case, as the portal keeps it), name and language."""
        user = super().populate_user(request, sociallogin, data)
        if user.email:
            user.email = user.email.lower()
        claims = sociallogin.account.extra_data or {}
        claims = claims.get("userinfo") or claims.get("id_token") or claims
        name = "" if is_saml(sociallogin.account.provider) else str(claims.get("name") or "")
        # SAML: displayName, else givenName and sn (cil/identity.py maps them).
        name = (
            name
            or str(data.get("name") or "")
            or " ".join(str(data.get(k) or "") for k in ("first_name", "last_name"))
        ).strip()
        if name:
            user.full_name = name[:200]
        language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
        if language in dict(settings.LANGUAGES):
            user.language = language
        return user


def is_saml(provider_id: str) -> bool:
    return any(p.id == provider_id for p in settings.CIL_SAML_PROVIDERS)


def saml_refusal(request: HttpRequest, reason: str, provider_id: str) -> ImmediateHttpResponse:
    """The page for a SAML response the portal does not accept (templates/socialaccount/
    saml_refused.html names the reason)."""
    return ImmediateHttpResponse(
        render(
            request,
            "socialaccount/saml_refused.html",
            {"reason": reason, "provider_name": provider_name(provider_id, get_language())},
            status=403,
        )
    )


def saml_reason(detail: str, errors: Any) -> str:
    """python3-saml's reason for refusing a response, as one of the page's reasons."""
    text = detail.lower()
    if not errors:
        # allauth refuses a response that answers no sign-in started in this browser (an
        # unsolicited one, or the ACS cookie is gone) without a SAML error.
        return "not_started"
    if "audience" in text or "destination" in text or "recipient" in text:
        return "audience"
    if "expired" in text or "too early" in text or "notonorafter" in text or "timestamp" in text:
        return "expired"
    if "not signed" in text or "no signature" in text:
        return "unsigned"
    return "invalid"


def saml_checks(request: HttpRequest, sociallogin: SocialLogin) -> None:
    """A SAML login is keyed on the eduPersonPrincipalName: without it allauth would fall back
    to the NameID, often transient (a new account at every sign-in). The institution vouches
    for the address it releases, as for OpenID Connect (docs/architecture.md)."""
    data = sociallogin.account.extra_data or {}
    eppn = data.get(SAML_EPPN) or []
    if not eppn or sociallogin.account.uid != str(eppn[0]):
        raise saml_refusal(request, "no_eppn", sociallogin.account.provider)
    for address in sociallogin.email_addresses:
        address.verified = True


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Staff, who must sign in with two factors, keep at least one second factor."""
        if authenticator.type not in SECOND_FACTORS or not settings.CIL_MFA_REQUIRED_FOR_STAFF:
            return True
        if not has_staff_role(authenticator.user):
            return True
        others = Authenticator.objects.filter(user=authenticator.user, type__in=SECOND_FACTORS)
        return bool(others.exclude(pk=authenticator.pk).exists())


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
