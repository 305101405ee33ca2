"""Two-factor sign-in is required of the people who issue and approve.

allauth.mfa asks for the second factor at sign-in once a user has an authenticator. This
middleware makes sure that administrators, reviewers, central staff and superusers have one:
until they set one up (an authenticator app or a passkey), every page but the set-up pages and
signing out sends them to the set-up page. Students may add one from their account pages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.webauthn.forms import AddWebAuthnForm
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activities.roles import has_staff_role

# What a staff member without a second factor may still open: the set-up pages (and the
# password check allauth asks for before a new authenticator is added), signing out, and the
# language switch.
SETUP_VIEWS = frozenset(
    {
        "mfa_index",
        "mfa_activate_totp",
        "mfa_add_webauthn",
        "mfa_list_webauthn",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "mfa_reauthenticate",
        "mfa_reauthenticate_webauthn",
        "account_reauthenticate",
        "account_logout",
        "set_language",
        "healthz",
    }
)

# The authenticators that count as a second factor; recovery codes only back one up.
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def needs_second_factor(user: Any) -> bool:
    """True when ``user`` must set up an authenticator before using the portal."""
    if not settings.CIL_MFA_REQUIRED_FOR_STAFF or not getattr(user, "is_authenticated", False):
        return False
    if not has_staff_role(user):
        return False
    return not Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exists()


class StaffSecondFactorMiddleware:
    """Sends staff without an authenticator to set one up (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> Any:
        match = request.resolver_match
        if match is None or match.view_name in SETUP_VIEWS:
            return None
        if not needs_second_factor(request.user):
            return None
        messages.warning(
            request,
            _(
                "Your role needs two-factor sign-in. Set up an authenticator app or a passkey "
                "before you continue."
            ),
            fail_silently=True,
        )
        return HttpResponseRedirect(reverse("mfa_index"))


class AddPasskeyForm(AddWebAuthnForm):
    """allauth's form for adding a passkey (``MFA_FORMS``), with a label and help text of our
    own: allauth gives its name field neither, so the label stayed English on bokmål pages."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].label = gettext_lazy("Name of the key")
        self.fields["name"].help_text = gettext_lazy(
            "So that you can tell your keys apart, e.g. “My phone”."
        )
