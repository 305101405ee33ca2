"""Organisers' confirmations: the student's pages, and the organiser's page reached by a token."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from cil import ratelimit
from cil.errors import UserFacingError
from cil.http import AuthenticatedHttpRequest
from cil.responses import confirm_page
from portfolio import confirmations
from portfolio.forms import ConfirmationRequestForm, OrganiserAnswerForm
from portfolio.models import Confirmation
from portfolio.selectors import own_entry

# The session remembers, for the thank-you page, what this browser has just answered.
ANSWERED_KEY = "cil_organiser_answered"


@require_http_methods(["GET", "HEAD", "POST"])
def confirmation_request(request: AuthenticatedHttpRequest, entry: int) -> HttpResponse:
    instance = own_entry(request.user, entry)
    form = ConfirmationRequestForm(request.POST or None, initial={"language": get_language()})
    if request.method == "POST" and form.is_valid():
        try:
            confirmations.request_confirmation(entry=instance, by=request.user, **form.cleaned_data)
        except UserFacingError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("%(name)s gets an e-mail asking them to confirm.")
                % {"name": form.cleaned_data["organiser_name"]},
            )
        return redirect(reverse("portfolio:entry", args=[instance.pk]) + "#confirmations")
    return render(
        request,
        "portfolio/confirmation_request.html",
        {"entry": instance, "form": form, "may_ask": confirmations.may_ask(instance)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def confirmation_withdraw(request: AuthenticatedHttpRequest, confirmation: int) -> HttpResponse:
    instance = get_object_or_404(
        Confirmation.objects.select_related("entry"),
        pk=confirmation,
        entry__enrolment__student=request.user,
    )
    back = reverse("portfolio:entry", args=[instance.entry_id]) + "#confirmations"
    if request.method == "POST":
        try:
            confirmations.withdraw_confirmation(confirmation=instance, by=request.user)
        except UserFacingError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The request is withdrawn; its link no longer works."))
        return redirect(back)
    return confirm_page(
        request,
        question=_("Withdraw the request to %(name)s?") % {"name": instance.organiser_name},
        explanation=_("The link in the e-mail stops working. You can send a new request."),
        button=_("Withdraw the request"),
        cancel_url=back,
        style="danger",
    )


def _private(response: HttpResponse) -> HttpResponse:
    # The address holds the token: no search engine, no cache, and a Referer of the origin
    # alone. Not "no-referrer": the browser would then send "Origin: null" with the form, which
    # the CSRF check refuses.
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "strict-origin"
    return response


def _unusable(request: HttpRequest) -> HttpResponse:
    """One page for every link that does not work, whatever the reason: no hint of whether
    the link ever existed, was answered, withdrawn or has expired."""
    return _private(render(request, "portfolio/organiser_unusable.html", status=404))


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit.per_minute(lambda: settings.CIL_ORGANISER_RATE_PER_MINUTE, scope="organiser")
def organiser_answer(request: HttpRequest, token: str) -> HttpResponse:
    """What the organiser is asked to confirm; they confirm, or decline with a comment."""
    instance = confirmations.open_request(token)
    if instance is None:
        return _unusable(request)
    # In the language the student chose for the mail, unless the visitor chose one here.
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or instance.language
    with translation.override(language):
        form = OrganiserAnswerForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            answered = confirmations.answer(
                token=token,
                confirmed=form.confirmed,
                role=form.cleaned_data["role"],
                organisation=form.cleaned_data["organisation"],
                comment=form.cleaned_data["comment"],
            )
            if answered is None:  # answered a moment ago, from another window
                return _unusable(request)
            request.session[ANSWERED_KEY] = {"status": answered.status, "language": language}
            return redirect("portfolio:organiser_thanks")
        return _private(
            render(
                request,
                "portfolio/organiser_answer.html",
                {"confirmation": instance, "entry": instance.entry, "form": form},
            )
        )


@login_not_required
@never_cache
@require_safe
@ratelimit.per_minute(lambda: settings.CIL_ORGANISER_RATE_PER_MINUTE, scope="organiser")
def organiser_thanks(request: HttpRequest) -> HttpResponse:
    """Shown once, to the browser that has just answered; anyone else sees the plain page."""
    answered = request.session.pop(ANSWERED_KEY, None)
    if not isinstance(answered, dict):
        return _unusable(request)
    with translation.override(answered.get("language")):
        return _private(
            render(
                request,
                "portfolio/organiser_thanks.html",
                {"confirmed": answered.get("status") == Confirmation.Status.CONFIRMED},
            )
        )
