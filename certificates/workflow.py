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
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.rules import evaluate
from cil import audit
from cil.mail import notify
from cil.models import User
from cil.policy import is_programme_admin, is_programme_reviewer
from portfolio.models import Enrolment, Entry

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


class WorkflowError(Exception):
    """A move that is not allowed now; the message is for the user."""


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


@dataclass(frozen=True)
class Move:
    to: str
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
}


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
    return bool(move and enrolment.is_active and move.actor in actors_of(user, enrolment))


def advance(
    *, enrolment: Enrolment, by: User, action: Action | str, comment: str = "", **details: Any
) -> Enrolment:
    """Make one move of the enrolment, or raise PermissionDenied / WorkflowError."""
    action = Action(action)
    with transaction.atomic():
        locked = (
            Enrolment.objects.select_for_update(of=("self",))
            .select_related("programme", "student")
            .get(pk=enrolment.pk)
        )
        actors = actors_of(by, locked)
        roles_for_action = {m.actor for (_s, a), m in TRANSITIONS.items() if a == action}
        if not actors & roles_for_action:
            raise PermissionDenied
        if not locked.is_active:
            raise WorkflowError(_("The student has withdrawn from the certificate."))
        move = TRANSITIONS.get((locked.stage, action))
        if move is None or move.actor not in actors:
            raise WorkflowError(
                _("This cannot be done now: the student's certificate is at the stage “%(stage)s”.")
                % {"stage": locked.get_stage_display()}
            )
        comment = comment.strip()
        if move.needs_comment and not comment:
            raise WorkflowError(_("Write a comment for the student: say what is missing."))
        if move.condition and (problem := move.condition(locked)):
            raise WorkflowError(problem)
        from_stage = locked.stage
        locked.stage = move.to
        fields = ["stage", *_record(locked, action, comment, details)]
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
    enrolment.stage = locked.stage
    return locked


def _record(
    enrolment: Enrolment, action: Action, comment: str, details: dict[str, Any]
) -> list[str]:
    """Set the dates and notes a move records; returns the changed field names."""
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
