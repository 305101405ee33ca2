"""The certificate workflow's pages for staff: the activity review queue and decisions, the
reviewer's home and central staff's overview."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from activities.lookups import get_programme
from activities.models import StudyProgramme
from certificates import exports, figures, followup, tasks
from certificates import workflow as certificate_workflow
from certificates.forms import (
    CareerCourseForm,
    CommentForm,
    FiguresFilter,
    FollowUpFilter,
    IssueForm,
    PresentationForm,
    ReminderTemplateForm,
    ReportForm,
    ReviewForm,
    RevokeForm,
    SessionForm,
)
from certificates.models import Diploma, DiplomaBatch, FinalReport, Session, SessionSignup
from cil import audit, ratelimit
from cil.audit import events_for
from cil.models import AuditEvent
from cil.policy import is_programme_admin, is_programme_reviewer
from portfolio import workflow
from portfolio.models import Enrolment, Entry
from portfolio.selectors import own_enrolment, progress_for, student_entries
from portfolio.services import reflection_questions


@require_GET
def review_home(request: HttpRequest) -> HttpResponse:
    """The reviewer's home: final reports waiting in the programmes they review, oldest first."""
    programmes = list(StudyProgramme.objects.reviewed_by(request.user).distinct())
    reports = FinalReport.objects.filter(enrolment__programme__in=programmes).select_related(
        "enrolment__student", "enrolment__programme"
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


def _scope_and_filter(
    request: HttpRequest, programmes, *, central: bool
) -> tuple[figures.Scope, FiguresFilter]:
    form = FiguresFilter(request.GET or None, central=central)
    year = term = None
    if form.is_valid():
        year = form.cleaned_data.get("year")
        term = form.cleaned_data.get("term") or None
        if central and form.cleaned_data.get("faculty"):
            programmes = programmes.filter(faculty=form.cleaned_data["faculty"])
        if central and form.cleaned_data.get("programme"):
            programmes = programmes.filter(pk=form.cleaned_data["programme"].pk)
    return figures.Scope(programmes=programmes, year=year, term=term), form


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """Central staff's dashboard: every programme, filterable by faculty, programme and year."""
    scope, form = _scope_and_filter(request, StudyProgramme.objects.all(), central=True)
    return render(
        request,
        "certificates/figures.html",
        {
            "title": _("Overview"),
            "form": form,
            "query": request.GET.urlencode(),
            "exports": _export_links(request, "certificates:overview_export", []),
            **figures.dashboard(scope),
        },
    )


@require_GET
def programme_figures(request: HttpRequest, code: str) -> HttpResponse:
    """A programme's dashboard for its administrators."""
    programme = get_programme(code)
    scope, form = _scope_and_filter(
        request, StudyProgramme.objects.filter(pk=programme.pk), central=False
    )
    return render(
        request,
        "certificates/figures.html",
        {
            "title": _("Figures"),
            "programme": programme,
            "form": form,
            "query": request.GET.urlencode(),
            "exports": _export_links(request, "certificates:programme_export", [code]),
            **figures.dashboard(scope),
        },
    )


def _export_links(request: HttpRequest, name: str, args: list[str]) -> list[dict[str, str]]:
    labels = {
        "enrolments": _("Sign-ups"),
        "activities": _("Approved activities"),
        "diplomas": _("Diplomas"),
    }
    query = request.GET.urlencode()
    return [
        {
            "label": labels[kind],
            "fmt": fmt.upper(),
            "url": reverse(name, args=[*args, kind, fmt]) + (f"?{query}" if query else ""),
        }
        for kind in exports.KINDS
        for fmt in ("csv", "xlsx")
    ]


def _export(
    kind: str, fmt: str, scope: figures.Scope, *, personal: bool, name: str
) -> HttpResponse:
    if kind not in exports.KINDS or fmt not in ("csv", "xlsx"):
        raise Http404
    if fmt == "csv":
        body, content_type = (
            exports.as_csv(kind, scope, personal=personal),
            "text/csv; charset=utf-8",
        )
    else:
        body = exports.as_xlsx(kind, scope, personal=personal)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}-{kind}.{fmt}"'
    response["Cache-Control"] = "private, max-age=0, no-store"
    return response


@require_GET
def overview_export(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    scope, _form = _scope_and_filter(request, StudyProgramme.objects.all(), central=True)
    # Central staff look at figures: their exports carry no names or e-mail addresses.
    return _export(kind, fmt, scope, personal=False, name="cil")


@require_GET
def programme_export(request: HttpRequest, code: str, kind: str, fmt: str) -> HttpResponse:
    programme = get_programme(code)
    scope, _form = _scope_and_filter(
        request, StudyProgramme.objects.filter(pk=programme.pk), central=False
    )
    return _export(kind, fmt, scope, personal=True, name=f"cil-{programme.code}")


def _programme_entries(programme: StudyProgramme):
    return Entry.objects.filter(enrolment__programme=programme).select_related(
        "activity", "enrolment__student"
    )


@require_GET
def entry_queue(request: HttpRequest, code: str) -> HttpResponse:
    """Submitted activities of the programme's students, oldest first."""
    programme = get_programme(code)
    entries = (
        _programme_entries(programme)
        .filter(status=Entry.Status.SUBMITTED)
        .annotate(evidence_count=Count("evidence"))
        .order_by("submitted_at", "pk")
    )
    return render(
        request, "certificates/entry_queue.html", {"programme": programme, "entries": entries}
    )


@require_http_methods(["GET", "POST"])
def entry_review(request: HttpRequest, code: str, entry: int) -> HttpResponse:
    """One submitted activity with its evidence, diary and reflection; approve, return, reject."""
    programme = get_programme(code)
    instance = get_object_or_404(_programme_entries(programme), pk=entry)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in {workflow.Action.APPROVE, workflow.Action.RETURN, workflow.Action.REJECT}:
            raise PermissionDenied
        try:
            workflow.transition(
                entry=instance,
                by=request.user,
                action=action,
                comment=request.POST.get("comment", ""),
            )
        except workflow.WorkflowError as error:
            messages.error(request, str(error))
            return redirect("certificates:entry_review", code=programme.code, entry=instance.pk)
        done = {
            workflow.Action.APPROVE: _("Approved: %(title)s (%(student)s)."),
            workflow.Action.RETURN: _("Returned for changes: %(title)s (%(student)s)."),
            workflow.Action.REJECT: _("Rejected: %(title)s (%(student)s)."),
        }[workflow.Action(action)]
        messages.success(
            request,
            done
            % {"title": instance.activity.title, "student": instance.enrolment.student.full_name},
        )
        return redirect("certificates:entry_queue", code=programme.code)
    return render(
        request,
        "certificates/entry_review.html",
        {
            "programme": programme,
            "entry": instance,
            "evidence": list(instance.evidence.all()),
            "notes": list(instance.notes.all()),
            "questions": reflection_questions(instance),
            "actions": workflow.allowed_actions(instance, request.user),
            "history": events_for(instance),
        },
    )


@require_POST
def entry_approve_many(request: HttpRequest, code: str) -> HttpResponse:
    programme = get_programme(code)
    ids = [int(pk) for pk in request.POST.getlist("entries") if pk.isdigit()]
    entries = list(_programme_entries(programme).filter(pk__in=ids))
    if not entries:
        messages.error(request, _("Tick the activities to approve."))
        return redirect("certificates:entry_queue", code=programme.code)
    approved, skipped = workflow.approve_many(entries=entries, by=request.user)
    messages.success(request, _("%(n)d approved.") % {"n": approved})
    if skipped:
        messages.warning(
            request, _("%(n)d had already been decided and were left as they are.") % {"n": skipped}
        )
    return redirect("certificates:entry_queue", code=programme.code)


# --- The enrolment's way to the diploma ----------------------------------------------------


@require_http_methods(["GET", "POST"])
def request_activities(request: HttpRequest, enrolment: int) -> HttpResponse:
    """The student asks for final approval of their set of activities."""
    instance = own_enrolment(request.user, enrolment)
    if request.method == "POST":
        try:
            certificate_workflow.advance(
                enrolment=instance,
                by=request.user,
                action=certificate_workflow.Action.REQUEST_ACTIVITIES,
            )
        except certificate_workflow.WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("Sent. The certificate administrator will look at your activities.")
            )
        return redirect("portfolio:home")
    return render(
        request,
        "_confirm.html",
        {
            "question": _("Ask for final approval of your activities?"),
            "explanation": _(
                "The certificate administrator checks that your approved activities meet the "
                "programme's rules and confirms that you can write your final report."
            ),
            "button": _("Ask for final approval"),
            "cancel_url": reverse("portfolio:home"),
        },
    )


def _student_context(request: HttpRequest, programme: StudyProgramme, enrolment: Enrolment) -> dict:
    entries = student_entries(enrolment)
    can = {
        a.value: certificate_workflow.can(request.user, enrolment, a)
        for a in certificate_workflow.Action
    }
    return {
        "programme": programme,
        "enrolment": enrolment,
        "entries": entries,
        "progress": progress_for(enrolment, entries),
        "can": can,
        "career_course_open": enrolment.is_active
        and not enrolment.career_course_on
        and enrolment.stage != Enrolment.Stage.CERTIFIED,
        "comment_form": CommentForm(),
        "career_form": CareerCourseForm(),
        "presentation_form": PresentationForm(),
        "issue_form": IssueForm(),
        "revoke_form": RevokeForm(),
        "diplomas": list(enrolment.diplomas.all()),
        "history": AuditEvent.objects.filter(subject=enrolment.student).select_related("actor")[
            :50
        ],
    }


@require_http_methods(["GET", "POST"])
def student(request: HttpRequest, code: str, enrolment: int) -> HttpResponse:
    """One student of the programme: progress, entries, the audit trail, and the next moves."""
    programme = get_programme(code)
    instance = get_object_or_404(
        Enrolment.objects.select_related("student", "programme"), pk=enrolment, programme=programme
    )
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            _student_action(request, instance, action)
        except certificate_workflow.WorkflowError as error:
            messages.error(request, str(error))
        return redirect("certificates:student", code=programme.code, enrolment=instance.pk)
    return render(
        request, "certificates/student.html", _student_context(request, programme, instance)
    )


def _student_action(request: HttpRequest, enrolment: Enrolment, action: str) -> None:
    A = certificate_workflow.Action
    if action in (A.CONFIRM_ACTIVITIES, A.DECLINE_ACTIVITIES):
        form = CommentForm(request.POST)
        form.is_valid()
        certificate_workflow.advance(
            enrolment=enrolment,
            by=request.user,
            action=action,
            comment=form.cleaned_data.get("comment", ""),
        )
        messages.success(
            request,
            _("Confirmed: the student can write the final report.")
            if action == A.CONFIRM_ACTIVITIES
            else _("Declined. The student has been told what is missing."),
        )
    elif action == "career_course":
        form = CareerCourseForm(request.POST)
        if not form.is_valid():
            raise certificate_workflow.WorkflowError(
                _("Give the date the career course was completed.")
            )
        certificate_workflow.record_career_course(
            enrolment=enrolment, by=request.user, completed_on=form.cleaned_data["completed_on"]
        )
        messages.success(request, _("The career course is recorded."))
    elif action == A.ISSUE_DIPLOMA:
        form = IssueForm(request.POST)
        if not form.is_valid():
            raise certificate_workflow.WorkflowError(_("Choose the language of the diploma."))
        certificate_workflow.advance(
            enrolment=enrolment,
            by=request.user,
            action=action,
            language=form.cleaned_data["language"],
        )
        messages.success(request, _("The diploma is issued. The student has been told."))
    elif action == A.REVOKE_DIPLOMA:
        form = RevokeForm(request.POST)
        if not form.is_valid():
            raise certificate_workflow.WorkflowError(_("Give the reason for revoking the diploma."))
        certificate_workflow.advance(
            enrolment=enrolment, by=request.user, action=action, comment=form.cleaned_data["reason"]
        )
        messages.success(request, _("The diploma is revoked. You can issue a corrected one."))
    elif action == A.RECORD_PRESENTATION:
        form = PresentationForm(request.POST)
        if not form.is_valid():
            raise certificate_workflow.WorkflowError(
                _("Give the date and the form of the presentation.")
            )
        certificate_workflow.advance(
            enrolment=enrolment,
            by=request.user,
            action=action,
            comment=form.cleaned_data["note"],
            presented_on=form.cleaned_data["presented_on"],
            form=form.cleaned_data["form"],
        )
        messages.success(request, _("The presentation is recorded."))
    else:
        raise PermissionDenied


# --- The final report --------------------------------------------------------------------------


def _report_page(
    request: HttpRequest, report: FinalReport, form: ReportForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "certificates/report_edit.html",
        {
            "report": report,
            "enrolment": report.enrolment,
            "programme": report.enrolment.programme,
            "form": form,
            "versions": list(report.versions.select_related("decided_by")),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, enrolment: int) -> HttpResponse:
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
        except certificate_workflow.WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your report is saved."))
        return redirect("certificates:report", enrolment=instance.pk)
    return _report_page(request, existing, form)


@require_POST
def report_autosave(request: HttpRequest, enrolment: int) -> HttpResponse:
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
        except certificate_workflow.WorkflowError as error:
            return render(request, "certificates/_report_status.html", {"error": str(error)})
    return render(
        request, "certificates/_report_status.html", {"report": saved or existing, "saved": saved}
    )


@require_http_methods(["GET", "POST"])
def report_submit(request: HttpRequest, enrolment: int) -> HttpResponse:
    instance = own_enrolment(request.user, enrolment)
    existing = get_object_or_404(FinalReport, enrolment=instance)
    if request.method == "POST":
        try:
            certificate_workflow.report_transition(
                report=existing, by=request.user, action=certificate_workflow.ReportAction.SUBMIT
            )
        except certificate_workflow.WorkflowError as error:
            messages.error(request, str(error))
            return redirect("certificates:report", enrolment=instance.pk)
        messages.success(request, _("Your final report is sent to the reviewers."))
        return redirect("portfolio:home")
    return render(
        request,
        "_confirm.html",
        {
            "question": _("Submit your final report?"),
            "explanation": _(
                "Academic staff of your programme review it. You cannot change it while it is "
                "being reviewed; if changes are needed, it comes back to you with comments."
            ),
            "button": _("Submit the report"),
            "cancel_url": reverse("certificates:report", args=[instance.pk]),
        },
    )


def _reviewable_report(user, pk: int) -> FinalReport:
    """A report of a programme the user reviews, or 404."""
    report = get_object_or_404(
        FinalReport.objects.select_related("enrolment__programme", "enrolment__student"), pk=pk
    )
    if not is_programme_reviewer(user, report.enrolment.programme):
        raise Http404
    return report


@require_http_methods(["GET", "POST"])
def report_review(request: HttpRequest, report: int) -> HttpResponse:
    """The reviewer reads the report with its activities and versions, then decides."""
    instance = _reviewable_report(request.user, report)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action", "")
        if action not in {
            certificate_workflow.ReportAction.APPROVE,
            certificate_workflow.ReportAction.RETURN,
        }:
            raise PermissionDenied
        try:
            certificate_workflow.report_transition(
                report=instance,
                by=request.user,
                action=action,
                comment=form.cleaned_data["comment"],
            )
        except certificate_workflow.WorkflowError as error:
            messages.error(request, str(error))
            return redirect("certificates:report_review", report=instance.pk)
        messages.success(
            request,
            _("The report is approved.")
            if action == "approve"
            else _("The report is returned with your comments."),
        )
        return redirect("certificates:review_home")
    entries = [e for e in student_entries(instance.enrolment) if e.status == Entry.Status.APPROVED]
    return render(
        request,
        "certificates/report_review.html",
        {
            "report": instance,
            "enrolment": instance.enrolment,
            "entries": entries,
            "photos": list(instance.photos.all()),
            "versions": list(instance.versions.select_related("decided_by")),
            "form": form,
            "can_decide": instance.status == FinalReport.Status.SUBMITTED,
        },
    )


# --- Diplomas and verification ----------------------------------------------------------------


def _ready(enrolment: Enrolment) -> bool:
    return (
        enrolment.is_active
        and enrolment.stage in (Enrolment.Stage.REPORT_APPROVED, Enrolment.Stage.PRESENTED)
        and certificate_workflow.ready_for_diploma(enrolment) is None
    )


@require_GET
def diploma_pdf(request: HttpRequest, diploma: int) -> FileResponse:
    """The stored PDF, byte for byte as issued, for its holder and the programme administrators."""
    instance = get_object_or_404(Diploma.objects.select_related("enrolment__programme"), pk=diploma)
    enrolment = instance.enrolment
    if enrolment.student_id != request.user.pk and not is_programme_admin(
        request.user, enrolment.programme
    ):
        raise Http404
    response = FileResponse(
        default_storage.open(instance.pdf.name, "rb"),
        as_attachment=True,
        filename=f"{instance.number}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=0, no-store"
    return response


@login_not_required
@require_GET
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


@require_http_methods(["GET", "POST"])
def issue_diplomas(request: HttpRequest, code: str) -> HttpResponse:
    """Issue diplomas for many students at once (a ceremony): the work runs in the background."""
    programme = get_programme(code)
    candidates = [
        e
        for e in Enrolment.objects.filter(
            programme=programme,
            status=Enrolment.Status.ACTIVE,
            stage__in=[Enrolment.Stage.REPORT_APPROVED, Enrolment.Stage.PRESENTED],
        )
        .select_related("student", "programme")
        .order_by("student__full_name")
        if _ready(e)
    ]
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
        {"programme": programme, "candidates": candidates, "form": form},
    )


def _batch(programme: StudyProgramme, pk: int) -> DiplomaBatch:
    return get_object_or_404(DiplomaBatch, pk=pk, programme=programme)


@require_GET
def batch(request: HttpRequest, code: str, batch: int) -> HttpResponse:
    programme = get_programme(code)
    instance = _batch(programme, batch)
    template = "certificates/_batch_progress.html" if request.htmx else "certificates/batch.html"
    return render(request, template, {"programme": programme, "batch": instance})


# --- Sessions ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def sessions(request: HttpRequest, code: str) -> HttpResponse:
    """The programme's sessions (career course, presentations) and a form to schedule one."""
    programme = get_programme(code)
    form = SessionForm(request.POST or None, user=request.user, programme=programme)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            session = form.save(commit=False)
            session.created_by = request.user
            session.save()
            form.save_m2m()
            audit.record(actor=request.user, action="session.scheduled", target=session)
        messages.success(
            request, _("The session is scheduled. Students see it when it is their next step.")
        )
        return redirect("certificates:sessions", code=programme.code)
    upcoming = (
        Session.objects.filter(programmes=programme)
        .annotate(signup_count=Count("signups"))
        .order_by("-starts_at")
    )
    return render(
        request,
        "certificates/sessions.html",
        {"programme": programme, "sessions": upcoming, "form": form},
    )


@require_http_methods(["GET", "POST"])
def session(request: HttpRequest, code: str, session: int) -> HttpResponse:
    """Who signed up; after the session, tick who came to record the step for each of them."""
    programme = get_programme(code)
    instance = get_object_or_404(Session.objects.filter(programmes=programme), pk=session)
    if request.method == "POST":
        attended = {int(pk) for pk in request.POST.getlist("attended") if pk.isdigit()}
        recorded, problems = certificate_workflow.record_attendance(
            session=instance, by=request.user, attended_ids=attended
        )
        messages.success(request, _("Attendance recorded: %(n)d students.") % {"n": recorded})
        for problem in problems:
            messages.warning(request, problem)
        return redirect("certificates:session", code=programme.code, session=instance.pk)
    signups = instance.signups.select_related("enrolment__student", "enrolment__programme")
    return render(
        request,
        "certificates/session.html",
        {"programme": programme, "session": instance, "signups": signups},
    )


@require_POST
def session_signup(request: HttpRequest, enrolment: int, session: int) -> HttpResponse:
    instance = own_enrolment(request.user, enrolment)
    target = get_object_or_404(Session, pk=session)
    try:
        certificate_workflow.sign_up_for_session(
            session=target, enrolment=instance, by=request.user
        )
    except certificate_workflow.WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("You are signed up for %(session)s.") % {"session": target})
    return redirect("portfolio:home")


@require_POST
def session_cancel(request: HttpRequest, enrolment: int, session: int) -> HttpResponse:
    instance = own_enrolment(request.user, enrolment)
    signup = get_object_or_404(SessionSignup, session_id=session, enrolment=instance)
    try:
        certificate_workflow.cancel_session_signup(signup=signup, by=request.user)
    except certificate_workflow.WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your place is cancelled."))
    return redirect("portfolio:home")


# --- Follow-up ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def follow_up(request: HttpRequest, code: str) -> HttpResponse:
    """Students to follow up, with reminders by e-mail from the programme's own text."""
    programme = get_programme(code)
    template = followup.template_for(programme)
    template_form = ReminderTemplateForm(instance=template)
    if request.method == "POST" and request.POST.get("action") == "template":
        template_form = ReminderTemplateForm(request.POST, instance=template)
        if template_form.is_valid():
            template_form.save()
            audit.record(actor=request.user, action="programme.reminder_changed", target=programme)
            messages.success(request, _("The reminder text is saved."))
            return redirect("certificates:follow_up", code=programme.code)
    elif request.method == "POST":
        ids = [int(pk) for pk in request.POST.getlist("enrolments") if pk.isdigit()]
        if not ids:
            messages.error(request, _("Tick the students to remind."))
        else:
            sent, refused = followup.send_reminders(
                programme=programme, enrolment_ids=ids, by=request.user
            )
            if sent:
                messages.success(request, _("Reminder sent to %(n)d students.") % {"n": sent})
            if refused:
                messages.error(
                    request,
                    _("%(n)d students were already reminded today and were not sent another.")
                    % {"n": refused},
                )
        return redirect(
            reverse("certificates:follow_up", args=[programme.code]) + f"?{request.GET.urlencode()}"
        )
    filter_form = FollowUpFilter(request.GET or None)
    months = filter_form.cleaned_data["months"] if filter_form.is_valid() else 3
    return render(
        request,
        "certificates/follow_up.html",
        {
            "programme": programme,
            "filter": filter_form,
            "months": months,
            "stalled": followup.stalled(programme, months),
            "ready": followup.ready_for_next_step(programme),
            "reports": followup.reports_waiting(programme),
            "template_form": template_form,
            "now": timezone.now(),
        },
    )
