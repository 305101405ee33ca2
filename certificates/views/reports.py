"""The final report: the student's editor, submission, and the reviewers' pages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from activities.models import StudyProgramme
from certificates import workflow as certificate_workflow
from certificates.forms import (
    ReportForm,
    ReviewForm,
)
from certificates.models import FinalReport
from cil.errors import UserFacingError
from cil.http import AuthenticatedHttpRequest
from cil.models import User
from cil.responses import confirm_page
from portfolio import access_log
from portfolio.models import Enrolment, Entry
from portfolio.selectors import enrolment_columns, own_enrolment

REPORT_FIELDS = tuple(field.name for field in FinalReport._meta.concrete_fields)


@require_safe
def review_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The reviewer's home: final reports waiting in the programmes they review, oldest first."""
    programmes = list(StudyProgramme.objects.reviewed_by(request.user).distinct())
    # What the reviewer decides on: their own report waits for another reviewer.
    reports = (
        FinalReport.objects.filter(enrolment__programme__in=programmes)
        .exclude(enrolment__student=request.user)
        .select_related("enrolment__student", "enrolment__programme")
    )
    return render(
        request,
        "certificates/review_home.html",
        {
            "programmes": programmes,
            "waiting": reports.filter(status=FinalReport.Status.SUBMITTED).order_by("submitted_at"),
            "recent": reports.exclude(status=FinalReport.Status.SUBMITTED)
            .exclude(status=FinalReport.Status.DRAFT)
            .order_by("-updated_at")[:20],
        },
    )


def _report_page(
    request: AuthenticatedHttpRequest, report: FinalReport, form: ReportForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "certificates/report_edit.html",
        {
            "report": report,
            "enrolment": report.enrolment,
            "rules": report.enrolment.ruleset(),  # the student's own, kept at sign-up
            "form": form,
            "versions": list(report.versions.select_related("decided_by")),
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def report(request: AuthenticatedHttpRequest, enrolment: int) -> HttpResponse:
    """The student's final report: the editor while it is a draft or returned, else read-only."""
    instance = own_enrolment(request.user, enrolment)
    existing = FinalReport.objects.filter(enrolment=instance).first()
    if existing is None:
        if instance.stage != Enrolment.Stage.ACTIVITIES_APPROVED or not instance.is_active:
            messages.info(
                request, _("The final report comes after the final approval of your activities.")
            )
            return redirect("portfolio:home")
        existing = certificate_workflow.start_report(enrolment=instance, by=request.user)
    language = get_language() or "en"
    form = ReportForm(request.POST or None, report=existing, language=language)
    if request.method == "POST":
        if not form.is_valid():
            return _report_page(request, existing, form, status=400)
        try:
            certificate_workflow.save_report(
                report=existing,
                by=request.user,
                summary=form.cleaned_data["summary"],
                texts=form.texts(),
                photo_ids=form.photo_ids(),
            )
        except UserFacingError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your report is saved."))
        return redirect("certificates:report", enrolment=instance.pk)
    return _report_page(request, existing, form)


@require_POST
def report_autosave(request: AuthenticatedHttpRequest, enrolment: int) -> HttpResponse:
    """Save the draft as the student types (htmx); answers with the saved time and word count."""
    instance = own_enrolment(request.user, enrolment)
    existing = get_object_or_404(FinalReport, enrolment=instance)
    form = ReportForm(request.POST, report=existing, language=get_language() or "en")
    saved = None
    if form.is_valid():
        try:
            saved = certificate_workflow.save_report(
                report=existing,
                by=request.user,
                summary=form.cleaned_data["summary"],
                texts=form.texts(),
                photo_ids=form.photo_ids(),
            )
        except UserFacingError as error:
            return render(request, "certificates/_report_status.html", {"error": str(error)})
    return render(
        request, "certificates/_report_status.html", {"report": saved or existing, "saved": saved}
    )


@require_http_methods(["GET", "HEAD", "POST"])
def report_submit(request: AuthenticatedHttpRequest, enrolment: int) -> HttpResponse:
    instance = own_enrolment(request.user, enrolment)
    existing = get_object_or_404(FinalReport, enrolment=instance)
    if request.method == "POST":
        try:
            certificate_workflow.report_transition(
                report=existing, by=request.user, action=certificate_workflow.ReportAction.SUBMIT
            )
        except UserFacingError as error:
            messages.error(request, str(error))
            return redirect("certificates:report", enrolment=instance.pk)
        messages.success(request, _("Your final report is sent to the reviewers."))
        return redirect("portfolio:home")
    return confirm_page(
        request,
        question=_("Submit your final report?"),
        explanation=_(
            "Academic staff of your programme review it. You cannot change it while it is "
            "being reviewed; if changes are needed, it comes back to you with comments."
        ),
        button=_("Submit the report"),
        cancel_url=reverse("certificates:report", args=[instance.pk]),
    )


def _reviewable_report(user: User, pk: int) -> FinalReport:
    """A report the user decides on (a reviewer of its programme, by the report's table), or 404."""
    report = get_object_or_404(
        FinalReport.objects.select_related("enrolment__programme", "enrolment__student").only(
            *REPORT_FIELDS,
            *enrolment_columns("enrolment__"),
            # Of the student, what the page and the decision name them by.
            "enrolment__student__full_name",
            "enrolment__student__email",
        ),
        pk=pk,
    )
    if not certificate_workflow.decisions_for(report, user):
        raise Http404
    return report


@require_http_methods(["GET", "HEAD", "POST"])
def report_review(request: AuthenticatedHttpRequest, report: int) -> HttpResponse:
    """The reviewer reads the report with its activities and versions, then decides."""
    instance = _reviewable_report(request.user, report)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action", "")
        if action not in certificate_workflow.decisions_for(instance, request.user):
            raise PermissionDenied
        try:
            certificate_workflow.report_transition(
                report=instance,
                by=request.user,
                action=action,
                comment=form.cleaned_data["comment"],
            )
        except UserFacingError as error:
            messages.error(request, str(error))
            return redirect("certificates:report_review", report=instance.pk)
        messages.success(
            request,
            _("The report is approved.")
            if action == "approve"
            else _("The report is returned with your comments."),
        )
        return redirect("certificates:review_home")
    access_log.record(
        by=request.user,
        enrolment=instance.enrolment,
        kind=access_log.Kind.REPORT,
        object_id=instance.pk,
    )
    # Only what the list prints: the student's pages load each entry's files and diary too.
    entries = list(
        instance.enrolment.entries.filter(status=Entry.Status.APPROVED)
        .select_related("activity")
        .only(
            "enrolment",  # the related manager sets each entry's enrolment
            "started_on",
            "city",
            "country",
            "activity__title_en",
            "activity__title_nb",
            "activity__location",
        )
    )
    decisions = certificate_workflow.decisions_for(instance, request.user)
    return render(
        request,
        "certificates/report_review.html",
        {
            "report": instance,
            "enrolment": instance.enrolment,
            "entries": entries,
            # Of the photos and the versions, only what the page prints (not a version's text).
            "photos": list(instance.photos.only("pk", "caption", "original_name")),
            "versions": list(
                instance.versions.select_related("decided_by").only(
                    "report",
                    "number",
                    "submitted_at",
                    "word_count",
                    "decision",
                    "comment",
                    "decided_by__full_name",
                )
            ),
            "form": form,
            "can_decide": any(
                action in decisions
                for action in certificate_workflow.report.moves_for(instance, request.user)
            ),
        },
    )
