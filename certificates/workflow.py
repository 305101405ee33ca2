"""The certificate's state machine for one enrolment: from collecting activities to a diploma.

    enrolled ──request──▶ activities requested ──confirm──▶ activities approved
        ▲                        │                                   │ report approved
        └────────decline─────────┘                                   ▼
                                        presented ◀──presentation── report approved
                                            │                         │
                                            └──────issue──▶ certified ◀┘ (no presentation
                                                          │                 required)
                                                   revoke ▼ back to where issuing is possible

Each move is one row of ``TRANSITIONS``; ``advance`` is the only code that changes
``Enrolment.stage``. It locks the enrolment, checks the stage, the actor's role and the
move's own condition (the rules met, the career course done ...), saves, writes the audit event
and mails the student after the commit. The career course is a fact recorded at any stage
before the diploma, not a stage of its own.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from activities.rules import evaluate
from certificates import diploma
from certificates.models import Diploma, FinalReport, ReportVersion, Session, SessionSignup
from cil import audit
from cil.mail import notify
from cil.models import User
from cil.policy import is_programme_admin, is_programme_reviewer
from cil.workflow import WorkflowError, choose_move, require_role
from portfolio.models import Enrolment, Entry, Evidence

Stage = Enrolment.Stage


class Actor(StrEnum):
    STUDENT = "student"
    ADMINISTRATOR = "administrator"
    REVIEWER = "reviewer"


class Action(StrEnum):
    REQUEST_ACTIVITIES = "request_activities"
    CONFIRM_ACTIVITIES = "confirm_activities"
    DECLINE_ACTIVITIES = "decline_activities"
    APPROVE_REPORT = "approve_report"
    RECORD_PRESENTATION = "record_presentation"
    ISSUE_DIPLOMA = "issue_diploma"
    REVOKE_DIPLOMA = "revoke_diploma"


def _approved_progress(enrolment: Enrolment):
    entries = Entry.objects.filter(
        enrolment=enrolment, status=Entry.Status.APPROVED
    ).select_related("activity")
    return evaluate(enrolment.ruleset(), [e.as_completed() for e in entries])


def _activities_met(enrolment: Enrolment) -> str | None:
    progress = _approved_progress(enrolment)
    if progress.activities_complete:
        return None
    missing = ", ".join(
        s.message for s in progress.shortfalls if s.code not in ("career_course", "presentation")
    )
    return _(
        "The approved activities do not meet the programme's rules yet. Still needed: %(missing)s."
    ) % {"missing": missing}


def _presentation_wanted(enrolment: Enrolment) -> str | None:
    if not enrolment.ruleset().presentation_required:
        return _("This programme does not ask for a final presentation.")
    return None


def ready_for_diploma(enrolment: Enrolment) -> str | None:
    rules = enrolment.ruleset()
    missing = []
    if rules.presentation_required and not enrolment.presented_on:
        missing.append(_("the final presentation"))
    if rules.career_course_required and not enrolment.career_course_on:
        missing.append(_("the CIL career course"))
    if missing:
        return _("The diploma can be issued when this is recorded: %(missing)s.") % {
            "missing": ", ".join(missing)
        }
    return None


def _stage_before_diploma(enrolment: Enrolment) -> str:
    return Stage.PRESENTED if enrolment.presented_on else Stage.REPORT_APPROVED


@dataclass(frozen=True)
class Move:
    to: str | Callable[[Enrolment], str]
    actor: Actor
    needs_comment: bool = False
    # Returns a message saying why the move cannot be made now, or None when it can.
    condition: Callable[[Enrolment], str | None] | None = None
    mail: str = ""  # template prefix of the mail to the student, if any


TRANSITIONS: dict[tuple[str, Action], Move] = {
    (Stage.ENROLLED, Action.REQUEST_ACTIVITIES): Move(
        Stage.ACTIVITIES_REQUESTED, Actor.STUDENT, condition=_activities_met
    ),
    (Stage.ACTIVITIES_REQUESTED, Action.CONFIRM_ACTIVITIES): Move(
        Stage.ACTIVITIES_APPROVED,
        Actor.ADMINISTRATOR,
        condition=_activities_met,
        mail="certificates/mail/activities_decided",
    ),
    (Stage.ACTIVITIES_REQUESTED, Action.DECLINE_ACTIVITIES): Move(
        Stage.ENROLLED,
        Actor.ADMINISTRATOR,
        needs_comment=True,
        mail="certificates/mail/activities_decided",
    ),
    (Stage.ACTIVITIES_APPROVED, Action.APPROVE_REPORT): Move(Stage.REPORT_APPROVED, Actor.REVIEWER),
    (Stage.REPORT_APPROVED, Action.RECORD_PRESENTATION): Move(
        Stage.PRESENTED, Actor.ADMINISTRATOR, condition=_presentation_wanted
    ),
    (Stage.REPORT_APPROVED, Action.ISSUE_DIPLOMA): Move(
        Stage.CERTIFIED,
        Actor.ADMINISTRATOR,
        condition=ready_for_diploma,
        mail="certificates/mail/diploma_issued",
    ),
    (Stage.PRESENTED, Action.ISSUE_DIPLOMA): Move(
        Stage.CERTIFIED,
        Actor.ADMINISTRATOR,
        condition=ready_for_diploma,
        mail="certificates/mail/diploma_issued",
    ),
    (Stage.CERTIFIED, Action.REVOKE_DIPLOMA): Move(
        _stage_before_diploma, Actor.ADMINISTRATOR, needs_comment=True
    ),
}


def _notify_group(enrolment: Enrolment, role: str, template: str, context: dict[str, Any]) -> None:
    """Mail every administrator or reviewer of the student's programme (after the commit)."""
    for person in enrolment.programme.staff(role):
        notify(user=person, template=template, context={"enrolment": enrolment, **context})


def actors_of(user: User, enrolment: Enrolment) -> set[Actor]:
    actors = set()
    if enrolment.student_id == user.pk:
        actors.add(Actor.STUDENT)
    if is_programme_admin(user, enrolment.programme):
        actors.add(Actor.ADMINISTRATOR)
    if is_programme_reviewer(user, enrolment.programme):
        actors.add(Actor.REVIEWER)
    return actors


def can(user: User, enrolment: Enrolment, action: Action) -> bool:
    """Whether the user could make the move now, by stage and role (for showing buttons)."""
    move = TRANSITIONS.get((enrolment.stage, action))
    open_ = enrolment.is_active or action == Action.REVOKE_DIPLOMA  # a certified one is completed
    return bool(move and open_ and move.actor in actors_of(user, enrolment))


def advance(
    *, enrolment: Enrolment, by: User, action: Action | str, comment: str = "", **details: Any
) -> Enrolment:
    """Make one move of the enrolment, or raise PermissionDenied / WorkflowError."""
    action = Action(action)
    written: list[str] = []  # files this move stores; deleted again if the move fails
    try:
        locked = _advance(enrolment, by, action, comment.strip(), details, written)
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
    enrolment.stage = locked.stage
    return locked


def _why_not_active(enrolment: Enrolment) -> str:
    if enrolment.status == Enrolment.Status.COMPLETED:
        return _(
            "The student already holds a valid diploma. To issue a corrected one, revoke it first."
        )
    return _("The student has withdrawn from the certificate.")


def _advance(
    enrolment: Enrolment,
    by: User,
    action: Action,
    comment: str,
    details: dict[str, Any],
    written: list[str],
) -> Enrolment:
    with transaction.atomic():
        locked = (
            Enrolment.objects.select_for_update(of=("self",))
            .select_related("programme", "student")
            .get(pk=enrolment.pk)
        )
        actors = actors_of(by, locked)
        require_role(TRANSITIONS, action, actors)
        if not locked.is_active and action != Action.REVOKE_DIPLOMA:
            raise WorkflowError(_why_not_active(locked))
        move = choose_move(
            TRANSITIONS,
            state=locked.stage,
            action=action,
            actors=actors,
            comment=comment,
            wrong_state=_(
                "This cannot be done now: the student's certificate is at the stage “%(stage)s”."
            )
            % {"stage": locked.get_stage_display()},
            comment_needed=_("Write a comment for the student: say what is missing."),
            target=locked,
        )
        from_stage = locked.stage
        locked.stage = move.to(locked) if callable(move.to) else move.to
        fields = ["stage", *_record(locked, action, comment, details, by, written)]
        locked.save(update_fields=fields)
        audit.record(
            actor=by,
            action=f"enrolment.{action.value}",
            target=locked,
            from_state=from_stage,
            to_state=locked.stage,
            comment=comment,
            subject=locked.student,
            data={k: str(v) for k, v in details.items()},
        )
        if move.mail:
            notify(
                user=locked.student,
                template=move.mail,
                context={"enrolment": locked, "action": action.value, "comment": comment},
            )
        if action == Action.REQUEST_ACTIVITIES:
            _notify_group(locked, "administrator", "certificates/mail/activities_requested", {})
    return locked


def _record(
    enrolment: Enrolment,
    action: Action,
    comment: str,
    details: dict[str, Any],
    by: User,
    written: list[str],
) -> list[str]:
    """Set what a move records on the enrolment; returns the changed field names.

    Issuing renders and stores the diploma here, inside the move's transaction; ``written``
    collects the stored file so that ``advance`` can delete it if the move fails.
    """
    now = timezone.now()
    if action == Action.REQUEST_ACTIVITIES:
        enrolment.activities_requested_at = now
        return ["activities_requested_at"]
    if action == Action.CONFIRM_ACTIVITIES:
        enrolment.activities_approved_at, enrolment.activities_comment = now, comment
        return ["activities_approved_at", "activities_comment"]
    if action == Action.DECLINE_ACTIVITIES:
        enrolment.activities_comment = comment
        return ["activities_comment"]
    if action == Action.RECORD_PRESENTATION:
        enrolment.presented_on = details.get("presented_on") or timezone.localdate()
        enrolment.presentation_form = details.get("form", "")
        enrolment.presentation_note = comment
        return ["presented_on", "presentation_form", "presentation_note"]
    if action == Action.ISSUE_DIPLOMA:
        language = details.get("language") or Diploma.Language.BOTH
        _issued, name = diploma.create(enrolment=enrolment, by=by, language=language)
        written.append(name)
        enrolment.status = Enrolment.Status.COMPLETED
        return ["status"]
    if action == Action.REVOKE_DIPLOMA:
        current = Diploma.objects.select_for_update().get(
            enrolment=enrolment, revoked_at__isnull=True
        )
        current.revoked_at, current.revoked_by, current.revocation_reason = now, by, comment
        current.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
        enrolment.status = Enrolment.Status.ACTIVE
        return ["status"]
    return []


@transaction.atomic
def record_career_course(
    *, enrolment: Enrolment, by: User, completed_on: datetime.date
) -> Enrolment:
    """Record that the student completed the CIL career course (at any stage before the diploma)."""
    locked = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("programme", "student")
        .get(pk=enrolment.pk)
    )
    if Actor.ADMINISTRATOR not in actors_of(by, locked):
        raise PermissionDenied
    if not locked.is_active or locked.stage == Stage.CERTIFIED:
        raise WorkflowError(
            _("The career course can only be recorded for a student on the way to the diploma.")
        )
    if locked.career_course_on:
        raise WorkflowError(_("The career course is already recorded for this student."))
    locked.career_course_on = completed_on
    locked.save(update_fields=["career_course_on"])
    audit.record(
        actor=by,
        action="enrolment.career_course",
        target=locked,
        comment=str(completed_on),
        subject=locked.student,
    )
    enrolment.career_course_on = completed_on
    return locked


# --- The final report ------------------------------------------------------------------------

R = FinalReport.Status


class ReportAction(StrEnum):
    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"


def _words_in_range(report: FinalReport) -> str | None:
    programme = report.enrolment.programme
    words = report.word_count
    if programme.report_min_words <= words <= programme.report_max_words:
        return None
    return _(
        "Your report has %(words)d words; it must have between %(min)d and %(max)d. "
        "The summary and the sections count, the headings do not."
    ) % {"words": words, "min": programme.report_min_words, "max": programme.report_max_words}


def _may_write(report: FinalReport) -> str | None:
    if report.enrolment.stage != Stage.ACTIVITIES_APPROVED:
        return _("The final report comes after the final approval of your activities.")
    return None


def _all_of(*checks: Callable[[FinalReport], str | None]) -> Callable[[FinalReport], str | None]:
    return lambda report: next((p for check in checks if (p := check(report))), None)


REPORT_TRANSITIONS: dict[tuple[str, ReportAction], Move] = {
    (R.DRAFT, ReportAction.SUBMIT): Move(
        R.SUBMITTED, Actor.STUDENT, condition=_all_of(_may_write, _words_in_range)
    ),
    (R.RETURNED, ReportAction.SUBMIT): Move(
        R.SUBMITTED, Actor.STUDENT, condition=_all_of(_may_write, _words_in_range)
    ),
    (R.SUBMITTED, ReportAction.APPROVE): Move(
        R.APPROVED, Actor.REVIEWER, mail="certificates/mail/report_decided"
    ),
    (R.SUBMITTED, ReportAction.RETURN): Move(
        R.RETURNED, Actor.REVIEWER, needs_comment=True, mail="certificates/mail/report_decided"
    ),
}


def report_transition(
    *, report: FinalReport, by: User, action: ReportAction | str, comment: str = ""
) -> FinalReport:
    """Submit, approve or return a final report; approval also moves the enrolment on."""
    action = ReportAction(action)
    with transaction.atomic():
        locked = (
            FinalReport.objects.select_for_update(of=("self",))
            .select_related("enrolment__programme", "enrolment__student")
            .get(pk=report.pk)
        )
        actors = actors_of(by, locked.enrolment)
        require_role(REPORT_TRANSITIONS, action, actors)
        if not locked.enrolment.is_active:
            raise WorkflowError(_why_not_active(locked.enrolment))
        comment = comment.strip()
        move = choose_move(
            REPORT_TRANSITIONS,
            state=locked.status,
            action=action,
            actors=actors,
            comment=comment,
            wrong_state=_("The report is %(status)s, so this cannot be done now.")
            % {"status": locked.get_status_display()},
            comment_needed=_("Write your comments for the student: what should be improved?"),
            target=locked,
        )
        from_state = locked.status
        locked.status = move.to
        now = timezone.now()
        if action == ReportAction.SUBMIT:
            locked.submitted_at = now
            locked.save(update_fields=["status", "submitted_at", "updated_at"])
            number = (locked.versions.aggregate(n=models.Max("number"))["n"] or 0) + 1
            ReportVersion.objects.create(
                report=locked,
                number=number,
                summary=locked.summary,
                sections=locked.sections,
                word_count=locked.word_count,
            )
        else:
            locked.save(update_fields=["status", "updated_at"])
            version = locked.versions.select_for_update().order_by("-number").first()
            version.decision = (
                ReportVersion.Decision.APPROVED
                if action == ReportAction.APPROVE
                else ReportVersion.Decision.RETURNED
            )
            version.comment, version.decided_by, version.decided_at = comment, by, now
            version.save(update_fields=["decision", "comment", "decided_by", "decided_at"])
        audit.record(
            actor=by,
            action=f"report.{action.value}",
            target=locked,
            from_state=from_state,
            to_state=locked.status,
            comment=comment,
            subject=locked.enrolment.student,
        )
        if action == ReportAction.APPROVE:
            advance(enrolment=locked.enrolment, by=by, action=Action.APPROVE_REPORT)
        if action == ReportAction.SUBMIT:
            _notify_group(
                locked.enrolment,
                "reviewer",
                "certificates/mail/report_submitted",
                {"report": locked},
            )
        if move.mail:
            notify(
                user=locked.enrolment.student,
                template=move.mail,
                context={"report": locked, "action": action.value, "comment": comment},
            )
    report.status = locked.status
    return locked


def start_report(*, enrolment: Enrolment, by: User) -> FinalReport:
    """The student's report, created on first visit with the programme's questions and a summary
    drafted from the approved activities."""
    if enrolment.student_id != by.pk:
        raise PermissionDenied
    existing = FinalReport.objects.filter(enrolment=enrolment).first()
    if existing:
        return existing
    entries = Entry.objects.filter(
        enrolment=enrolment, status=Entry.Status.APPROVED
    ).select_related("activity")
    lines = []
    for entry in entries.order_by("started_on"):
        place = ", ".join(p for p in (entry.host, entry.city, entry.country.name) if p)
        when = entry.started_on.strftime("%m/%Y")
        lines.append(f"- {entry.activity.title} ({place}, {when})")
    report, _created = FinalReport.objects.get_or_create(
        enrolment=enrolment,
        defaults={
            "summary": "\n".join(lines),
            "sections": [{**q, "text": ""} for q in enrolment.programme.report_questions],
        },
    )
    return report


@transaction.atomic
def save_report(
    *,
    report: FinalReport,
    by: User,
    summary: str,
    texts: list[str],
    photo_ids: list[int] | None = None,
) -> FinalReport:
    """Save the draft (also used by autosave). Only the student, only while it is editable."""
    locked = (
        FinalReport.objects.select_for_update(of=("self",))
        .select_related("enrolment")
        .get(pk=report.pk)
    )
    if locked.enrolment.student_id != by.pk:
        raise PermissionDenied
    if not locked.is_editable:
        raise WorkflowError(
            _("The report is %(status)s and cannot be changed now.")
            % {"status": locked.get_status_display()}
        )
    if len(texts) != len(locked.sections):
        raise WorkflowError(_("Write each section in its own box."))
    locked.summary = summary
    locked.sections = [
        {**section, "text": text} for section, text in zip(locked.sections, texts, strict=True)
    ]
    locked.save(update_fields=["summary", "sections", "updated_at"])
    if photo_ids is not None:
        own = Evidence.objects.filter(
            pk__in=photo_ids, entry__enrolment=locked.enrolment, content_type__startswith="image/"
        )
        locked.photos.set(own)
    report.summary, report.sections = locked.summary, locked.sections
    return locked


# --- Sessions: the career course and presentations -------------------------------------------


def session_wanted(session: Session, enrolment: Enrolment) -> str | None:
    """Why the student cannot sign up for the session, or None when they can."""
    rules = enrolment.ruleset()
    if not enrolment.is_active:
        return _("You are not signed up for the certificate.")
    if not session.programmes.filter(pk=enrolment.programme_id).exists():
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
    if locked.starts_at <= timezone.now():
        raise WorkflowError(_("This session has already started."))
    if problem := session_wanted(locked, enrolment):
        raise WorkflowError(problem)
    if SessionSignup.objects.filter(session=locked, enrolment=enrolment).exists():
        raise WorkflowError(_("You are already signed up for this session."))
    if locked.signups.count() >= locked.capacity:
        raise WorkflowError(_("The session is full."))
    signup = SessionSignup.objects.create(session=locked, enrolment=enrolment)
    audit.record(actor=by, action="session.signed_up", target=locked, subject=by)
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
    if locked.session.starts_at <= timezone.now():
        raise WorkflowError(_("The session has started; it is too late to cancel."))
    locked.delete()
    audit.record(actor=by, action="session.cancelled", target=locked.session, subject=by)


def record_attendance(
    *, session: Session, by: User, attended_ids: set[int]
) -> tuple[int, list[str]]:
    """Mark who came, and record the career course or the presentation for each of them.

    Returns how many were recorded and, for the others, why not (another programme's student,
    already recorded ...). Each student is recorded in their own transaction. Nothing is
    recorded before the session has started: a step counts once it has happened.
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
                    action=Action.RECORD_PRESENTATION,
                    presented_on=timezone.localdate(session.starts_at),
                    form=session.kind,
                    comment=str(session),
                )
        except WorkflowError as error:
            problems.append(f"{enrolment.student.full_name}: {error}")
        else:
            recorded += 1
    Session.objects.filter(pk=session.pk).update(attendance_recorded_at=timezone.now())
    audit.record(actor=by, action="session.attendance", target=session, data={"recorded": recorded})
    return recorded, problems
