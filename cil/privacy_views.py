"""The privacy notice's pages: the public notice, the page that asks to accept a new version,
and the page where central staff publish one (cil/privacy.py has the rules)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from cil import privacy
from cil.forms import PrivacyNoticeForm
from cil.http import AuthenticatedHttpRequest
from cil.markdown import render_markdown
from cil.models import PrivacyNotice


@login_not_required
@require_safe
def notice(request: HttpRequest) -> HttpResponse:
    """The current privacy notice, in the page's language, for anyone."""
    current = privacy.current_notice()
    return render(
        request,
        "cil/privacy.html",
        {
            "notice": current,
            "text": render_markdown(current.text(get_language())) if current else "",
        },
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@require_http_methods(["GET", "HEAD", "POST"])
def accept(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The current notice with an accept button, for a person who has not accepted it yet
    (the middleware sends them here); signing out instead is always possible."""
    current = privacy.current_notice()
    if current is None:
        return redirect(_next(request) or "home")
    accepted_before = request.user.privacy_acceptances.exists()
    if request.method == "POST":
        privacy.accept(user=request.user, notice=current, occasion="sign_in")
        privacy.remember_accepted(request, current.version)
        messages.success(request, _("Thank you. You have accepted the privacy notice."))
        return redirect(_next(request) or "home")
    return render(
        request,
        "cil/privacy_accept.html",
        {
            "notice": current,
            "text": render_markdown(current.text(get_language())),
            "updated": accepted_before,
            "next": _next(request),
            "already": privacy.has_accepted(request.user, current.version),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Central staff write a new version, preview it, and publish it."""
    current = privacy.current_notice()
    initial = {"text_en": current.text_en, "text_nb": current.text_nb} if current else None
    form = PrivacyNoticeForm(request.POST or None, initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        text_en, text_nb = form.cleaned_data["text_en"], form.cleaned_data["text_nb"]
        if request.POST.get("action") == "publish":
            published = privacy.publish(text_en=text_en, text_nb=text_nb, by=request.user)
            messages.success(
                request,
                _(
                    "Version %(version)s of the privacy notice is published. Everyone is asked "
                    "to accept it the next time they use the portal."
                )
                % {"version": published.version},
            )
            return redirect("privacy_edit")
        preview = {"en": render_markdown(text_en), "nb": render_markdown(text_nb)}
    return render(
        request,
        "cil/privacy_edit.html",
        {
            "form": form,
            "preview": preview,
            "current": current,
            "versions": PrivacyNotice.objects.select_related("published_by")[:20],
        },
        status=400 if request.method == "POST" and not form.is_valid() else 200,
    )
