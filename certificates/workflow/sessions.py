"""Sessions of the career course and of final presentations: signing up, and attendance.

Recording who came records the career course or the presentation through the enrolment's
own moves (``certificates.workflow.stages``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from activities.roles import is_programme_admin
from certificates import upcoming
from certificates.models import Session, SessionSignup
from certificates.workflow.stages import (
    Stage,
    StageAction,
    advance,
    is_own,
    record_career_course,
)
from cil import audit
from cil.models import User
from cil.workflow import WorkflowError
from portfolio.models import Enrolment


def places_closed(session: Session) -> str | None:
    """Why places at the session can no longer be taken or given back, or None while they can.

    Once attendance is recorded the session is over for everyone signed up: who came is on
    record, so nobody signs up or cancels afterwards.
    """
    if session.attendance_recorded_at is not None:
        return _("Attendance at this session is recorded: places can no longer change.")
    if session.starts_at <= timezone.now():
        return _("This session has already started: places can no longer change.")
    return None


def session_wanted(
    session: Session, enrolment: Enrolment, *, offered: bool | None = None
) -> str | None:
    """Why the student cannot sign up for the session, or None when they can.

    ``offered`` is whether the session is offered to the enrolment's programme, for a caller
    that knows already (the home lists the programme's own sessions: a query each saved);
    by default it is asked of the database, as signing up does.
    """
    rules = enrolment.ruleset()
    if not enrolment.is_active:
        return _("You are not signed up for the certificate.")
    if offered is None:
        offered = session.programmes.filter(pk=enrolment.programme_id).exists()
    if not offered:
        return _("This session is not for your study programme.")
    if session.is_career_course:
        if not rules.career_course_required:
            return _("Your programme does not ask for the career course.")
        if enrolment.career_course_on:
            return _("Your career course is already recorded.")
        return None
    if not rules.presentation_required:
        return _("Your programme does not ask for a final presentation.")
    if enrolment.presented_on:
        return _("Your presentation is already recorded.")
    if enrolment.stage != Stage.REPORT_APPROVED:
        return _("You present after your final report is approved.")
    return None


@transaction.atomic
def sign_up_for_session(*, session: Session, enrolment: Enrolment, by: User) -> SessionSignup:
    if enrolment.student_id != by.pk:
        raise PermissionDenied
    locked = Session.objects.select_for_update().get(pk=session.pk)  # capacity under concurrency
    if problem := places_closed(locked) or session_wanted(locked, enrolment):
        raise WorkflowError(problem)
    if SessionSignup.objects.filter(session=locked, enrolment=enrolment).exists():
        raise WorkflowError(_("You are already signed up for this session."))
    if locked.signups.count() >= locked.capacity:
        raise WorkflowError(_("The session is full."))
    signup = SessionSignup.objects.create(session=locked, enrolment=enrolment)
    audit.record(
        actor=by,
        action="session.signed_up",
        target=locked,
        subject=by,
        programme_pk=enrolment.programme_id,
    )
    return signup


@transaction.atomic
def cancel_session_signup(*, signup: SessionSignup, by: User) -> None:
    locked = (
        SessionSignup.objects.select_for_update()
        .select_related("session", "enrolment")
        .get(pk=signup.pk)
    )
    if locked.enrolment.student_id != by.pk:
        raise PermissionDenied
    if problem := places_closed(locked.session):
        raise WorkflowError(problem)
    locked.delete()
    audit.record(
        actor=by,
        action="session.cancelled",
        target=locked.session,
        subject=by,
        programme_pk=locked.enrolment.programme_id,
    )


def record_attendance(
    *, session: Session, by: User, attended_ids: set[int]
) -> tuple[int, list[str]]:
    """Mark who came, and record the career course or the presentation for each of them.

    Returns how many were recorded and, for the others, why not (another programme's student,
    the administrator's own enrolment, already recorded ...). Each student is recorded in their
    own transaction. Nothing is recorded before the session has started: a step counts once it
    has happened.
    """
    if session.starts_at > timezone.now():
        raise WorkflowError(
            _("Attendance can be recorded once the session has started (%(starts)s).")
            % {
                "starts": formats.date_format(
                    timezone.localtime(session.starts_at), "DATETIME_FORMAT"
                )
            }
        )
    recorded, problems = 0, []
    signups = list(session.signups.select_related("enrolment__student", "enrolment__programme"))
    for signup in signups:
        came = signup.pk in attended_ids
        enrolment = signup.enrolment
        if not is_programme_admin(by, enrolment.programme):
            problems.append(
                _("%(name)s: for the administrators of %(programme)s.")
                % {"name": enrolment.student.full_name, "programme": enrolment.programme.name}
            )
            continue
        if is_own(enrolment, by):  # nobody records their own attendance
            if came:
                problems.append(
                    _("%(name)s: your own certificate; another administrator records it.")
                    % {"name": enrolment.student.full_name}
                )
            continue
        SessionSignup.objects.filter(pk=signup.pk).update(attended=came)
        if not came:
            continue
        try:
            if session.is_career_course:
                record_career_course(
                    enrolment=enrolment, by=by, completed_on=timezone.localdate(session.starts_at)
                )
            else:
                advance(
                    enrolment=enrolment,
                    by=by,
                    action=StageAction.RECORD_PRESENTATION,
                    presented_on=timezone.localdate(session.starts_at),
                    form=session.kind,
                    comment=str(session),
                )
        except WorkflowError as error:
            problems.append(f"{enrolment.student.full_name}: {error}")
        else:
            recorded += 1
    Session.objects.filter(pk=session.pk).update(attendance_recorded_at=timezone.now())
    upcoming.forget()  # the update sends no signal
    audit.record(actor=by, action="session.attendance", target=session, data={"recorded": recorded})
    return recorded, problems
