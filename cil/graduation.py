"""The address after graduation: a private e-mail address the account keeps for good.

The student chooses it on their account pages; allauth adds it as one of the account's
addresses and mails it its confirmation link. Once confirmed, it is where a one-time sign-in
link goes when the institutional login has lapsed (cil/signin_link.py), and the diploma
workflow lets the diploma be issued (certificates.workflow.stages.ready_for_diploma).
"""

from __future__ import annotations

from typing import Any

from allauth.account.decorators import reauthentication_required
from allauth.account.models import EmailAddress
from allauth.core import ratelimit
from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from cil import audit
from cil.http import AuthenticatedHttpRequest
from cil.models import GraduationAddress, User


def graduation_address(user: Any) -> EmailAddress | None:
    """The account's address for after graduation, confirmed or not."""
    record = GraduationAddress.objects.filter(user_id=user.pk).select_related("email_address")
    found = record.first()
    return found.email_address if found else None


def confirmed_graduation_email(user: Any) -> str:
    """The account's confirmed address for after graduation, or "" when it has none."""
    address = graduation_address(user)
    return str(address.email) if address is not None and address.verified else ""


def user_with_graduation_email(email: str) -> User | None:
    """The active account whose confirmed address for after graduation is ``email``."""
    record = (
        GraduationAddress.objects.filter(
            email_address__email__iexact=email.strip(),
            email_address__verified=True,
            user__is_active=True,
        )
        .select_related("user")
        .first()
    )
    return record.user if record else None


class GraduationAddressForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Private e-mail address"),
        help_text=gettext_lazy(
            "An address you will keep after graduation, not your institution's. We send it a "
            "link to confirm it."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip().lower()
        taken = Q(email__iexact=email)
        others = EmailAddress.objects.filter(taken).exclude(user=self.user).exists()
        if others or User.objects.filter(taken).exclude(pk=self.user.pk).exists():
            raise forms.ValidationError(
                _("This address belongs to another account. Choose another address.")
            )
        own = EmailAddress.objects.filter(user=self.user, email__iexact=email).first()
        if own is None and not EmailAddress.objects.can_add_email(self.user):
            raise forms.ValidationError(
                _("The account has as many addresses as it may: remove one first.")
            )
        return email


def set_graduation_address(*, request: AuthenticatedHttpRequest, email: str) -> EmailAddress:
    """Make ``email`` the account's address for after graduation; mail it the confirmation
    link unless it is confirmed already."""
    user = request.user
    with transaction.atomic():
        address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
        if address is None:
            address = EmailAddress.objects.create(user=user, email=email.lower())
        GraduationAddress.objects.update_or_create(user=user, defaults={"email_address": address})
        audit.record(
            actor=user,
            action="account.graduation_address",
            target=user,
            subject=user,
            to_state=address.email[:40],
        )
    if not address.verified:
        address.send_confirmation(request)
    return address


def _changes(request: HttpRequest) -> bool:
    # Reading the page (GET, and HEAD as link checkers send it) needs no fresh password;
    # changing the address does. allauth's allow_get lets GET through but not HEAD.
    return request.method == "POST"


@require_http_methods(["GET", "HEAD", "POST"])
@reauthentication_required(enabled=_changes, app="allauth.account")  # type: ignore[untyped-decorator]  # allauth is untyped
def graduation_address_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Choose the address for after graduation, or send its confirmation link again."""
    current = graduation_address(request.user)
    form = GraduationAddressForm(request.POST or None, user=request.user)
    if request.method == "POST":
        # Each address added or re-sent to is mailed: allauth's limit on managing addresses.
        if not ratelimit.consume(request, action="manage_email", user=request.user):
            messages.error(request, _("Too many e-mails sent: try again later."))
            return redirect("account_graduation_address")
        if "resend" in request.POST and current is not None and not current.verified:
            current.send_confirmation(request)
            messages.info(request, _("We have sent the confirmation link again."))
            return redirect("account_graduation_address")
        if form.is_valid():
            address = set_graduation_address(request=request, email=form.cleaned_data["email"])
            if address.verified:
                messages.success(request, _("Your address after graduation is saved."))
            else:
                messages.info(
                    request,
                    _(
                        "We have sent a link to %(email)s. Open it to confirm the address; "
                        "until then it cannot be used."
                    )
                    % {"email": address.email},
                )
            return redirect("account_graduation_address")
    return render(
        request,
        "account/graduation_address.html",
        {
            "form": form,
            "current": current,
            "required": settings.CIL_DIPLOMA_REQUIRES_PRIVATE_EMAIL,
            "link_minutes": settings.CIL_SIGNIN_LINK_MINUTES,
        },
    )
