"""Issuing diplomas (singly and for a ceremony), downloading them, and public verification."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from activities.lookups import get_programme
from activities.models import StudyProgramme
from activities.roles import is_programme_admin
from certificates import tasks
from certificates import workflow as certificate_workflow
from certificates.forms import (
    IssueForm,
)
from certificates.models import Diploma, DiplomaBatch
from cil import ratelimit
from cil.http import AuthenticatedHttpRequest
from cil.responses import private_file
from portfolio.models import Enrolment


@require_safe
def diploma_pdf(request: AuthenticatedHttpRequest, diploma: int) -> FileResponse:
    """The stored PDF, byte for byte as issued, for its holder and the programme administrators."""
    instance = get_object_or_404(Diploma.objects.select_related("enrolment__programme"), pk=diploma)
    enrolment = instance.enrolment
    if enrolment.student_id != request.user.pk and not is_programme_admin(
        request.user, enrolment.programme
    ):
        raise Http404
    return private_file(
        default_storage.open(cast(str, instance.pdf.name), "rb"),  # issued, so it has its PDF
        filename=f"{instance.number}.pdf",
        content_type="application/pdf",
    )


@login_not_required
@require_safe
@ratelimit.per_minute(lambda: settings.CIL_VERIFY_RATE_PER_MINUTE, scope="verify")
def verify(request: HttpRequest, verification: str) -> HttpResponse:
    """Anyone, an employer say, checks a diploma: only what the diploma itself says."""
    instance = Diploma.objects.filter(code=verification).first()
    if instance is None:
        raise Http404
    response = render(
        request, "certificates/verify.html", {"diploma": instance, "c": instance.content}
    )
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def issue_diplomas(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """Issue diplomas for many students at once (a ceremony): the work runs in the background."""
    programme = get_programme(code)
    ready = (
        Enrolment.objects.filter(
            programme=programme,
            status=Enrolment.Status.ACTIVE,
            stage__in=[Enrolment.Stage.REPORT_APPROVED, Enrolment.Stage.PRESENTED],
        )
        .select_related("student", "programme")
        .order_by("student__full_name")
    )
    candidates, waiting = [], []
    for e in ready:
        moves = certificate_workflow.moves_for(e, request.user)
        if moves.allows(certificate_workflow.StageAction.ISSUE_DIPLOMA):
            candidates.append(e)
        elif certificate_workflow.StageAction.ISSUE_DIPLOMA in moves:
            # Theirs to issue, but the move's condition says why not yet: list them with it.
            waiting.append((e, certificate_workflow.ready_for_diploma(e)))
    # Nobody issues their own diploma: say so rather than leave them wondering where it is.
    own_left_out = any(certificate_workflow.is_own(e, request.user) for e in ready)
    form = IssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        chosen = {int(pk) for pk in request.POST.getlist("enrolments") if pk.isdigit()}
        ids = [e.pk for e in candidates if e.pk in chosen]
        if not ids:
            messages.error(request, _("Tick the students whose diplomas you issue."))
            return redirect("certificates:issue_diplomas", code=programme.code)
        with transaction.atomic():
            batch = DiplomaBatch.objects.create(
                programme=programme,
                created_by=request.user,
                language=form.cleaned_data["language"],
                enrolment_ids=ids,
            )
            transaction.on_commit(lambda: tasks.issue_batch.enqueue(batch_id=batch.pk))
        return redirect("certificates:batch", code=programme.code, batch=batch.pk)
    return render(
        request,
        "certificates/issue_diplomas.html",
        {
            "programme": programme,
            "candidates": candidates,
            "waiting": waiting,
            "form": form,
            "own_left_out": own_left_out,
        },
    )


def _batch(programme: StudyProgramme, pk: int) -> DiplomaBatch:
    return get_object_or_404(DiplomaBatch, pk=pk, programme=programme)


@require_safe
def batch(request: AuthenticatedHttpRequest, code: str, batch: int) -> HttpResponse:
    programme = get_programme(code)
    instance = _batch(programme, batch)
    template = "certificates/_batch_progress.html" if request.htmx else "certificates/batch.html"
    return render(request, template, {"programme": programme, "batch": instance})
