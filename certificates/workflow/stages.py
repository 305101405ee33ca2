"""The certificate's state machine for one enrolment: from collecting activities to a diploma.

    enrolled ──request──▶ activities requested ──confirm──▶ activities approved
        ▲                        │                                   │ report approved
        └────────decline─────────┘                                   ▼
                                        presented ◀──presentation── report approved
                                            │                         │
                                            └──────issue──▶ certified ◀┘ (no presentation
                                                          │                 required)
                                                   revoke ▼ back to where issuing is possible

Each move is one row of ``TRANSITIONS``, which also says what the move records on the
enrolment, the mail to the student and whom else to tell; ``advance`` makes it through the
shared runner (``cil.workflow.make_move``) and is the only code that changes
``Enrolment.stage``. The career course is a fact recorded at any stage before the
diploma, not a stage of its own.
"""

from __future__ import annotations

import datetime
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.roles import is_programme_admin, is_programme_reviewer
from activities.rules import Progress, evaluate
from certificates import diploma, status_list
from certificates.models import Diploma
from cil import audit
from cil import workflow as cil_workflow
from cil.graduation import confirmed_graduation_email
from cil.mail import notify
from cil.models import User
from cil.workflow import Machine, Move, Moves, Step, WorkflowError, make_move
from portfolio.models import Enrolment, Entry

Stage = Enrolment.Stage


class Actor(StrEnum):
    STUDENT = "student"
    ADMINISTRATOR = "administrator"
    REVIEWER = "reviewer"


class StageAction(StrEnum):
    """A move of the enrolment. Not to be confused with an entry's or a report's actions
    (``portfolio.workflow.EntryAction``, ``certificates.workflow.report.ReportAction``); the
    values are stored in audit events as ``enrolment.<value>``."""

    REQUEST_ACTIVITIES = "request_activities"
    CONFIRM_ACTIVITIES = "confirm_activities"
    DECLINE_ACTIVITIES = "decline_activities"
    # Follows the reviewer's ReportAction.APPROVE; never asked for on its own.
    RECORD_REPORT_APPROVAL = "approve_report"
    RECORD_PRESENTATION = "record_presentation"
    ISSUE_DIPLOMA = "issue_diploma"
    REVOKE_DIPLOMA = "revoke_diploma"


def _approved_progress(enrolment: Enrolment) -> Progress:
    """From the entries a page prefetched with their activities (the student's home), else
    from the database. Making the move reads a freshly locked row, so always the latter."""
    if "entries" in getattr(enrolment, "_prefetched_objects_cache", {}):
        entries = [e for e in enrolment.entries.all() if e.status == Entry.Status.APPROVED]
    else:
        entries = list(
            Entry.objects.filter(enrolment=enrolment, status=Entry.Status.APPROVED).select_related(
                "activity"
            )
        )
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


def private_address_missing(enrolment: Enrolment) -> bool:
    """Whether the diploma waits for the student's confirmed address for after graduation
    (cil/graduation.py): their institutional login lapses soon after, and the address is how
    they sign in from then on (CIL_DIPLOMA_REQUIRES_PRIVATE_EMAIL)."""
    return bool(settings.CIL_DIPLOMA_REQUIRES_PRIVATE_EMAIL) and not confirmed_graduation_email(
        enrolment.student
    )


def ready_for_diploma(enrolment: Enrolment) -> str | None:
    """Why the diploma cannot be issued now, or None when it can: the move's condition, which
    the student page, the ceremony list and the ceremony's record of failures all show."""
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
    if private_address_missing(enrolment):
        return _(
            "The diploma can be issued when the student has confirmed a private e-mail address "
            "for after graduation (under Account). Their institutional login closes soon after "
            "graduation; with that address they can still sign in and download the diploma."
        )
    return None


def _stage_before_diploma(enrolment: Enrolment) -> str:
    return Stage.PRESENTED if enrolment.presented_on else Stage.REPORT_APPROVED


def _requested(step: Step) -> list[str]:
    step.target.activities_requested_at = step.now
    return ["activities_requested_at"]


def _confirmed(step: Step) -> list[str]:
    step.target.activities_approved_at = step.now
    step.target.activities_comment = step.comment
    return ["activities_approved_at", "activities_comment"]


def _declined(step: Step) -> list[str]:
    step.target.activities_comment = step.comment
    return ["activities_comment"]


def _presented(step: Step) -> list[str]:
    enrolment = step.target
    enrolment.presented_on = step.details.get("presented_on") or timezone.localdate()
    enrolment.presentation_form = step.details.get("form", "")
    enrolment.presentation_note = step.comment
    return ["presented_on", "presentation_form", "presentation_note"]


def _issued(step: Step) -> list[str]:
    """Render and store the diploma inside the move's transaction (deleted if the move fails)."""
    language = step.details.get("language") or Diploma.Language.BOTH
    _diploma, names = diploma.create(enrolment=step.target, by=step.by, language=language)
    step.files.extend(names)
    step.target.status = Enrolment.Status.COMPLETED
    return ["status"]


def _revoked(step: Step) -> list[str]:
    current = Diploma.objects.select_for_update().get(
        enrolment=step.target, revoked_at__isnull=True
    )
    current.revoked_at, current.revoked_by = step.now, step.by
    current.revocation_reason = step.comment
    current.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    status_list.revoke(current)  # the published bit, in this same transaction
    step.target.status = Enrolment.Status.ACTIVE
    return ["status"]


def notify_staff(enrolment: Enrolment, role: str, template: str, **context: Any) -> None:
    """Mail every administrator or reviewer of the student's programme (after the commit)."""
    for person in enrolment.programme.staff(role):
        notify(user=person, template=template, context={"enrolment": enrolment, **context})


def _tell_administrators(step: Step) -> None:
    notify_staff(step.target, "administrator", "certificates/mail/activities_requested")


_ISSUE = Move(
    Stage.CERTIFIED,
    Actor.ADMINISTRATOR,
    condition=ready_for_diploma,
    record=_issued,
    mail="certificates/mail/diploma_issued",
)

TRANSITIONS: dict[tuple[str, StageAction], Move] = {
    (Stage.ENROLLED, StageAction.REQUEST_ACTIVITIES): Move(
        Stage.ACTIVITIES_REQUESTED,
        Actor.STUDENT,
        condition=_activities_met,
        record=_requested,
        then=(_tell_administrators,),
    ),
    (Stage.ACTIVITIES_REQUESTED, StageAction.CONFIRM_ACTIVITIES): Move(
        Stage.ACTIVITIES_APPROVED,
        Actor.ADMINISTRATOR,
        condition=_activities_met,
        record=_confirmed,
        mail="certificates/mail/activities_decided",
    ),
    (Stage.ACTIVITIES_REQUESTED, StageAction.DECLINE_ACTIVITIES): Move(
        Stage.ENROLLED,
        Actor.ADMINISTRATOR,
        needs_comment=True,
        record=_declined,
        mail="certificates/mail/activities_decided",
    ),
    (Stage.ACTIVITIES_APPROVED, StageAction.RECORD_REPORT_APPROVAL): Move(
        Stage.REPORT_APPROVED, Actor.REVIEWER
    ),
    (Stage.REPORT_APPROVED, StageAction.RECORD_PRESENTATION): Move(
        Stage.PRESENTED, Actor.ADMINISTRATOR, condition=_presentation_wanted, record=_presented
    ),
    (Stage.REPORT_APPROVED, StageAction.ISSUE_DIPLOMA): _ISSUE,
    (Stage.PRESENTED, StageAction.ISSUE_DIPLOMA): _ISSUE,
    (Stage.CERTIFIED, StageAction.REVOKE_DIPLOMA): Move(
        _stage_before_diploma,
        Actor.ADMINISTRATOR,
        needs_comment=True,
        record=_revoked,
        mail="certificates/mail/diploma_revoked",
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


def why_not_active(enrolment: Enrolment) -> str:
    """Why nothing moves on an enrolment that is no longer active, in the actor's words."""
    if enrolment.status == Enrolment.Status.COMPLETED:
        return _(
            "The student already holds a valid diploma. To issue a corrected one, revoke it first."
        )
    return _("The student has withdrawn from the certificate.")


def _closed(enrolment: Enrolment, action: StageAction) -> str | None:
    # A completed (certified) enrolment is not active, yet its diploma can be revoked.
    if not enrolment.is_active and action != StageAction.REVOKE_DIPLOMA:
        return why_not_active(enrolment)
    return None


STAGES = Machine(
    model=Enrolment,
    table=TRANSITIONS,
    action=StageAction,
    state_field="stage",
    name="enrolment",
    related=("programme", "student"),
    actors_of=actors_of,
    subject=lambda enrolment: enrolment.student,
    subject_pk=lambda enrolment: enrolment.student_id,
    student_actor=Actor.STUDENT,
    wrong_state=lambda enrolment: (
        _("This cannot be done now: the student's certificate is at the stage “%(stage)s”.")
        % {"stage": enrolment.get_stage_display()}
    ),
    comment_needed=_("Write a comment for the student: say what is missing."),
    closed=_closed,
)


def is_own(enrolment: Enrolment, user: User) -> bool:
    """Whether the user is the enrolment's student: then they decide nothing on it, whatever
    roles they hold (see ``cil.workflow.roles_on``)."""
    return cil_workflow.is_own(STAGES, enrolment, user)


def moves_for(enrolment: Enrolment, user: User) -> Moves:
    """What the user may do with the enrolment now (see ``cil.workflow.Moves``)."""
    return cil_workflow.moves_for(STAGES, enrolment, user)


def advance(
    *, enrolment: Enrolment, by: User, action: StageAction | str, comment: str = "", **details: Any
) -> Enrolment:
    """Make one move of the enrolment, or raise PermissionDenied / WorkflowError."""
    enrolment = make_move(
        STAGES, target=enrolment, by=by, action=action, comment=comment, details=details
    )
    return enrolment


def career_course_wanted(enrolment: Enrolment) -> str | None:
    """Why the career course cannot be recorded for the enrolment now, or None when it can."""
    if not enrolment.is_active or enrolment.stage == Stage.CERTIFIED:
        return _("The career course can only be recorded for a student on the way to the diploma.")
    if enrolment.career_course_on:
        return _("The career course is already recorded for this student.")
    return None


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
    if Actor.ADMINISTRATOR not in cil_workflow.roles_on(STAGES, locked, by):
        raise cil_workflow.own_row_refused() if is_own(locked, by) else PermissionDenied
    if problem := career_course_wanted(locked):
        raise WorkflowError(problem)
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
