"""One student's way to the diploma: final approval of activities, career course, presentation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from activities.lookups import get_programme
from activities.models import StudyProgramme
from certificates import seal
from certificates import workflow as certificate_workflow
from certificates.forms import (
    CareerCourseForm,
    CommentForm,
    IssueForm,
    PresentationForm,
    RevokeForm,
)
from certificates.next_step import next_step_for
from cil import audit
from cil.errors import UserFacingError
from cil.http import AuthenticatedHttpRequest
from cil.responses import confirm_page
from portfolio import access_log
from portfolio.models import Enrolment, Entry
from portfolio.selectors import (
    own_enrolment,
    progress_for,
    student_entries,
    with_confirmations,
)


@require_http_methods(["GET", "HEAD", "POST"])
def request_activities(request: AuthenticatedHttpRequest, enrolment: int) -> HttpResponse:
    """The student asks for final approval of their set of activities."""
    instance = own_enrolment(request.user, enrolment)
    if request.method == "POST":
        try:
            certificate_workflow.advance(
                enrolment=instance,
                by=request.user,
                action=certificate_workflow.StageAction.REQUEST_ACTIVITIES,
            )
        except UserFacingError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("Sent. The certificate administrator will look at your activities.")
            )
        return redirect("portfolio:home")
    explanation = _(
        "The certificate administrator checks that your approved activities meet the "
        "programme's rules and confirms that you can write your final report."
    )
    waiting = [
        # Translators: a title in quotation marks, as the language writes them.
        _("“%(title)s”") % {"title": e.activity.title}
        for e in instance.entries.filter(status=Entry.Status.SUBMITTED).select_related("activity")
    ]
    if waiting:
        explanation += " " + ngettext(
            "%(titles)s is still waiting for approval: only approved activities are looked at.",
            "%(titles)s are still waiting for approval: only approved activities are looked at.",
            len(waiting),
        ) % {"titles": ", ".join(waiting)}
    return confirm_page(
        request,
        question=_("Ask for final approval of your activities?"),
        explanation=explanation,
        button=_("Ask for final approval"),
        cancel_url=reverse("portfolio:home"),
    )


def _student_context(
    request: AuthenticatedHttpRequest, programme: StudyProgramme, enrolment: Enrolment
) -> dict[str, Any]:
    # Each row says whether an organiser confirmed the student's part (portfolio/confirmations.py).
    entries = with_confirmations(student_entries(enrolment))
    progress = progress_for(enrolment, entries)
    moves = certificate_workflow.moves_for(enrolment, request.user)
    return {
        "programme": programme,
        "enrolment": enrolment,
        # The stage and role allow issuing; the move's own condition may still refuse it (the
        # presentation or career course not recorded): then the page says why, not the button.
        "diploma_waits_for": certificate_workflow.ready_for_diploma(enrolment)
        if certificate_workflow.StageAction.ISSUE_DIPLOMA in moves
        else None,
        "entries": entries,
        "progress": progress,
        "next_step": next_step_for(enrolment, entries, progress).staff,
        "moves": moves,
        "own": (own := certificate_workflow.is_own(enrolment, request.user)),
        "career_course_open": not own
        and certificate_workflow.career_course_wanted(enrolment) is None,
        "comment_form": CommentForm(),
        "career_form": CareerCourseForm(),
        "presentation_form": PresentationForm(),
        "issue_form": IssueForm(),
        "revoke_form": RevokeForm(),
        "diplomas": list(enrolment.diplomas.all()),
        "unsealed": not seal.is_configured(),
        "history": audit.student_events(enrolment.student, programme_pk=enrolment.programme_id)[
            :50
        ],
    }


@require_http_methods(["GET", "HEAD", "POST"])
def student(request: AuthenticatedHttpRequest, code: str, enrolment: int) -> HttpResponse:
    """One student of the programme: progress, entries, the audit trail, and the next moves."""
    programme = get_programme(code)
    instance = get_object_or_404(
        Enrolment.objects.select_related("student", "programme"), pk=enrolment, programme=programme
    )
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            invalid = _student_action(request, instance, action)
        except UserFacingError as error:
            messages.error(request, str(error))
        else:
            if invalid:  # shown on the form, with what was typed
                context = {**_student_context(request, programme, instance), **invalid}
                return render(request, "certificates/student.html", context, status=400)
        return redirect("certificates:student", code=programme.code, enrolment=instance.pk)
    access_log.record(
        by=request.user,
        enrolment=instance,
        kind=access_log.Kind.STUDENT,
        object_id=instance.pk,
    )
    return render(
        request, "certificates/student.html", _student_context(request, programme, instance)
    )


def _invalid(form: forms.Form, name: str, hint: str) -> dict[str, forms.Form]:
    """The page's form ``name`` with its errors and a line saying what to do."""
    form.add_error(None, hint)
    return {name: form}


def _student_action(
    request: AuthenticatedHttpRequest, enrolment: Enrolment, action: str
) -> dict[str, forms.Form] | None:
    """Make the chosen move; a form with mistakes comes back to be shown again."""
    A = certificate_workflow.StageAction
    form: forms.Form
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
            return _invalid(
                form, "career_form", _("Give the date the career course was completed.")
            )
        certificate_workflow.record_career_course(
            enrolment=enrolment, by=request.user, completed_on=form.cleaned_data["completed_on"]
        )
        messages.success(request, _("The career course is recorded."))
    elif action == A.ISSUE_DIPLOMA:
        form = IssueForm(request.POST)
        if not form.is_valid():
            return _invalid(form, "issue_form", _("Choose the language of the diploma."))
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
            return _invalid(form, "revoke_form", _("Give the reason for revoking the diploma."))
        certificate_workflow.advance(
            enrolment=enrolment, by=request.user, action=action, comment=form.cleaned_data["reason"]
        )
        messages.success(request, _("The diploma is revoked. You can issue a corrected one."))
    elif action == A.RECORD_PRESENTATION:
        form = PresentationForm(request.POST)
        if not form.is_valid():
            return _invalid(
                form, "presentation_form", _("Give the date and the form of the presentation.")
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
    return None
