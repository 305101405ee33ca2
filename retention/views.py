"""The student's request for erasure; central staff's queue, erasure and retention periods.
Who may open them is declared in cil/policy.py."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from cil.http import AuthenticatedHttpRequest
from portfolio.models import Enrolment
from retention import erasure as service
from retention.forms import EraseForm, ErasureRequestForm, RetentionForm
from retention.models import ErasureRequest
from retention.periods import all_periods, set_periods


@require_http_methods(["GET", "HEAD", "POST"])
def ask_erasure(request: AuthenticatedHttpRequest) -> HttpResponse:
    pending = ErasureRequest.objects.filter(
        user=request.user, status=ErasureRequest.Status.PENDING
    ).first()
    form = ErasureRequestForm(request.POST or None)
    if request.method == "POST" and pending is None and form.is_valid():
        try:
            service.ask(user=request.user, reason=form.cleaned_data["reason"])
        except service.ErasureError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your request is sent. Central staff will handle it."))
        return redirect("retention:ask")
    return render(
        request,
        "retention/ask.html",
        {
            "form": form,
            "pending": pending,
            # Each portfolio's download, so that a copy can be kept before asking.
            "enrolments": Enrolment.objects.filter(student=request.user)
            .select_related("programme")
            .order_by("pk"),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@require_safe
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    requests = ErasureRequest.objects.select_related("user", "erased_by")
    return render(
        request,
        "retention/queue.html",
        {
            "pending": [r for r in requests if r.is_pending],
            "done": [r for r in requests if not r.is_pending][:50],
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def erase(request: AuthenticatedHttpRequest, erasure: int) -> HttpResponse:
    wanted = get_object_or_404(
        ErasureRequest.objects.select_related("user"),
        pk=erasure,
        status=ErasureRequest.Status.PENDING,
    )
    own = wanted.user_id == request.user.pk
    form = EraseForm(request.POST or None)
    status = 200
    if request.method == "POST" and not own:
        if form.is_valid():
            try:
                service.erase(
                    request=wanted,
                    by=request.user,
                    confirmation=form.cleaned_data["confirmation"],
                    keep_register=form.cleaned_data["keep_register"],
                )
            except service.ErasureError as error:
                form.add_error("confirmation", str(error))
            else:
                messages.success(request, _("The student is erased."))
                return redirect("retention:queue")
        status = 400
    return render(
        request,
        "retention/erase.html",
        {"wanted": wanted, "person": wanted.user, "form": form, "own": own},
        status=403 if own and request.method == "POST" else status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def periods(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = RetentionForm(request.POST or None, periods=all_periods())
    if request.method == "POST":
        if form.is_valid():
            set_periods(periods=form.periods(), by=request.user)
            messages.success(request, _("The retention periods are saved."))
            return redirect("retention:periods")
        return render(request, "retention/periods.html", {"form": form}, status=400)
    return render(request, "retention/periods.html", {"form": form})
