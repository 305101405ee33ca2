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
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from activities.lookups import get_programme
from activities.models import StudyProgramme
from activities.roles import is_programme_admin
from certificates import credential, seal, tasks
from certificates import workflow as certificate_workflow
from certificates.forms import CheckPdfForm, InMemoryUpToLimit, IssueForm
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


def _credential_file(instance: Diploma) -> FileResponse:
    """The stored credential, byte for byte as signed; 404 for a diploma issued without one."""
    if not instance.credential:
        raise Http404
    return private_file(
        default_storage.open(cast(str, instance.credential.name), "rb"),
        filename=credential.filename(instance),
        content_type=credential.MEDIA_TYPE,
        sandbox=True,
    )


@require_safe
def diploma_credential(request: AuthenticatedHttpRequest, diploma: int) -> FileResponse:
    """The signed Open Badges credential, for its holder and the programme administrators."""
    instance = get_object_or_404(Diploma.objects.select_related("enrolment__programme"), pk=diploma)
    enrolment = instance.enrolment
    if enrolment.student_id != request.user.pk and not is_programme_admin(
        request.user, enrolment.programme
    ):
        raise Http404
    return _credential_file(instance)


@login_not_required
@require_safe
@ratelimit.per_minute(lambda: settings.CIL_VERIFY_RATE_PER_MINUTE, scope="verify")
def verify_credential(request: HttpRequest, verification: str) -> FileResponse:
    """The credential for whoever has the verification code: it says no more than the
    verification page (the holder's e-mail address only as a salted hash)."""
    instance = Diploma.objects.filter(code=verification).first()
    if instance is None:
        raise Http404
    response = _credential_file(instance)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_not_required
@require_safe
@ratelimit.per_minute(lambda: settings.CIL_VERIFY_RATE_PER_MINUTE, scope="verify")
def verify(request: HttpRequest, verification: str) -> HttpResponse:
    """Anyone, an employer say, checks a diploma: only what the diploma itself says."""
    instance = Diploma.objects.filter(code=verification).first()
    if instance is None:
        raise Http404
    response = render(
        request,
        "certificates/verify.html",
        {"diploma": instance, "c": instance.content, "check_form": CheckPdfForm()},
    )
    response["X-Robots-Tag"] = "noindex"
    # The code in the address must not leak to other sites; "no-referrer" would also make the
    # browser send "Origin: null" with the check form's POST, which CSRF rightly refuses.
    response["Referrer-Policy"] = "same-origin"
    return response


@login_not_required
@csrf_exempt  # only so that the upload handler is chosen before CSRF reads the body: see below
@require_http_methods(["GET", "HEAD", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    """Anyone checks a diploma PDF they were sent: read into memory, compared, never stored."""
    if request.method == "POST":
        request.upload_handlers = [InMemoryUpToLimit(request)]
        return _checked(request)
    return _check_page(request, CheckPdfForm())


@ratelimit.per_minute(lambda: settings.CIL_VERIFY_CHECK_RATE_PER_MINUTE, scope="verify_check")
@csrf_protect
def _checked(request: HttpRequest) -> HttpResponse:
    files = request.FILES  # reads the body: only then does the handler know the file's size
    too_large = getattr(request, "cil_upload_too_large", False)
    form = CheckPdfForm(request.POST, files, too_large=too_large)
    finding = seal.check_pdf(form.cleaned_data["pdf"]) if form.is_valid() else None
    return _check_page(request, form, finding, status=200 if finding else 400)


def _check_page(
    request: HttpRequest,
    form: CheckPdfForm,
    finding: seal.Finding | None = None,
    status: int = 200,
) -> HttpResponse:
    response = render(
        request,
        "certificates/check.html",
        {
            "form": form,
            "finding": finding,
            "verdict": finding.verdict.value if finding else "",
            "institution": settings.CIL_INSTITUTION_NAME,
        },
        status=status,
    )
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "same-origin"
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
            "unsealed": not seal.is_configured(),
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
