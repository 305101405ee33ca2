"""Sessions for the career course and presentations: scheduling, sign-up, attendance."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from activities.lookups import get_programme
from certificates import workflow as certificate_workflow
from certificates.forms import (
    SessionForm,
)
from certificates.models import Session, SessionSignup
from cil import audit
from cil.errors import UserFacingError
from cil.http import AuthenticatedHttpRequest
from portfolio.selectors import own_enrolment


@require_http_methods(["GET", "HEAD", "POST"])
def sessions(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
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


@require_http_methods(["GET", "HEAD", "POST"])
def session(request: AuthenticatedHttpRequest, code: str, session: int) -> HttpResponse:
    """Who signed up; after the session, tick who came to record the step for each of them."""
    programme = get_programme(code)
    instance = get_object_or_404(Session.objects.filter(programmes=programme), pk=session)
    if request.method == "POST":
        attended = {int(pk) for pk in request.POST.getlist("attended") if pk.isdigit()}
        try:
            recorded, problems = certificate_workflow.record_attendance(
                session=instance, by=request.user, attended_ids=attended
            )
        except certificate_workflow.WorkflowError as error:
            messages.error(request, str(error))
            return redirect("certificates:session", code=programme.code, session=instance.pk)
        messages.success(
            request,
            ngettext(
                "Attendance recorded: %(n)d student.",
                "Attendance recorded: %(n)d students.",
                recorded,
            )
            % {"n": recorded},
        )
        for problem in problems:
            messages.warning(request, problem)
        return redirect("certificates:session", code=programme.code, session=instance.pk)
    signups = list(instance.signups.select_related("enrolment__student", "enrolment__programme"))
    # Nobody records their own attendance: their line has no box to tick.
    own = {s.pk for s in signups if certificate_workflow.is_own(s.enrolment, request.user)}
    return render(
        request,
        "certificates/session.html",
        {
            "programme": programme,
            "session": instance,
            "signups": signups,
            "started": instance.starts_at <= timezone.now(),
            "own": own,
        },
    )


@require_POST
def session_signup(request: AuthenticatedHttpRequest, enrolment: int, session: int) -> HttpResponse:
    instance = own_enrolment(request.user, enrolment)
    target = get_object_or_404(Session, pk=session)
    try:
        certificate_workflow.sign_up_for_session(
            session=target, enrolment=instance, by=request.user
        )
    except UserFacingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("You are signed up for %(session)s.") % {"session": target})
    return redirect("portfolio:home")


@require_POST
def session_cancel(request: AuthenticatedHttpRequest, enrolment: int, session: int) -> HttpResponse:
    instance = own_enrolment(request.user, enrolment)
    signup = get_object_or_404(SessionSignup, session_id=session, enrolment=instance)
    try:
        certificate_workflow.cancel_session_signup(signup=signup, by=request.user)
    except UserFacingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your place is cancelled."))
    return redirect("portfolio:home")
