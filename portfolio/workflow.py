"""The life of a portfolio entry: one table of allowed moves, one function that makes them.

    draft ──submit──▶ submitted ──approve──▶ approved
                         │  ▲
                 return  │  │ submit
                         ▼  │
                       returned        submitted ──reject──▶ rejected

The student submits; the programme's certificate administrators approve, return for changes
(with a comment) or reject (with a reason). ``transition`` locks the row, checks the state and
the actor's role, saves, writes the audit event and mails the student after the commit. Two
administrators clicking at the same moment make one transition: the second finds the entry
already decided and gets a ``WorkflowError``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.roles import is_programme_admin
from cil import audit
from cil.mail import notify
from cil.models import User
from cil.workflow import WorkflowError as WorkflowError  # callers catch workflow.WorkflowError
from cil.workflow import choose_move
from portfolio.models import Entry

S = Entry.Status


class Actor(StrEnum):
    STUDENT = "student"  # the student whose portfolio it is
    ADMINISTRATOR = "administrator"  # a certificate administrator of the student's programme


class Action(StrEnum):
    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"
    REJECT = "reject"


@dataclass(frozen=True)
class Move:
    to: str
    actor: Actor
    needs_comment: bool = False


# (from state, action) -> the move. Anything not listed is refused.
TRANSITIONS: dict[tuple[str, Action], Move] = {
    (S.DRAFT, Action.SUBMIT): Move(S.SUBMITTED, Actor.STUDENT),
    (S.RETURNED, Action.SUBMIT): Move(S.SUBMITTED, Actor.STUDENT),
    (S.SUBMITTED, Action.APPROVE): Move(S.APPROVED, Actor.ADMINISTRATOR),
    (S.SUBMITTED, Action.RETURN): Move(S.RETURNED, Actor.ADMINISTRATOR, needs_comment=True),
    (S.SUBMITTED, Action.REJECT): Move(S.REJECTED, Actor.ADMINISTRATOR, needs_comment=True),
}


def actor_of(user: User, entry: Entry) -> Actor | None:
    if entry.enrolment.student_id == user.pk:
        return Actor.STUDENT
    if is_programme_admin(user, entry.enrolment.programme):
        return Actor.ADMINISTRATOR
    return None


def allowed_actions(entry: Entry, user: User) -> list[Action]:
    """What the user may do with the entry now (for buttons; ``transition`` checks again)."""
    actor = actor_of(user, entry)
    return [
        a
        for (state, a), move in TRANSITIONS.items()
        if state == entry.status and move.actor == actor
    ]


def transition(*, entry: Entry, by: User, action: Action | str, comment: str = "") -> Entry:
    """Make one move, or raise PermissionDenied / WorkflowError and change nothing."""
    action = Action(action)
    with transaction.atomic():
        locked = (
            Entry.objects.select_for_update(of=("self",))
            .select_related("enrolment__programme", "enrolment__student", "activity")
            .get(pk=entry.pk)
        )
        actor = actor_of(by, locked)
        comment = comment.strip()
        move = choose_move(
            TRANSITIONS,
            state=locked.status,
            action=action,
            actors={actor} if actor else set(),
            comment=comment,
            wrong_state=_("This activity is already %(status)s.")
            % {"status": locked.get_status_display()},
            comment_needed=_("Write a comment for the student: say what to change, or why."),
        )
        if actor == Actor.STUDENT and not locked.enrolment.is_active:
            raise WorkflowError(
                _("You have withdrawn from this certificate, so the portfolio is read-only.")
            )
        from_state = locked.status
        locked.status = move.to
        fields = ["status", "updated_at"]
        now = timezone.now()
        if actor == Actor.STUDENT:
            locked.submitted_at = now
            fields.append("submitted_at")
        else:
            locked.decided_at, locked.decided_by, locked.review_comment = now, by, comment
            fields += ["decided_at", "decided_by", "review_comment"]
        locked.save(update_fields=fields)
        audit.record(
            actor=by,
            action=f"entry.{action.value}",
            target=locked,
            from_state=from_state,
            to_state=locked.status,
            comment=comment,
            subject=locked.enrolment.student,
        )
        if actor == Actor.ADMINISTRATOR:
            notify(
                user=locked.enrolment.student,
                template="portfolio/mail/entry_decided",
                context={"entry": locked},
            )
    entry.status = locked.status
    return locked


def approve_many(*, entries: list[Entry], by: User) -> tuple[int, int]:
    """Approve several entries, each in its own transaction: (approved, skipped)."""
    approved = skipped = 0
    for entry in entries:
        try:
            transition(entry=entry, by=by, action=Action.APPROVE)
        except (WorkflowError, PermissionDenied):
            skipped += 1
        else:
            approved += 1
    return approved, skipped
