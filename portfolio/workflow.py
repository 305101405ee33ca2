"""The life of a portfolio entry: one table of allowed moves, one function that makes them.

    draft ──submit──▶ submitted ──approve──▶ approved
                         │  ▲
                 return  │  │ submit
                         ▼  │
                       returned        submitted ──reject──▶ rejected

The student submits; the programme's certificate administrators approve, return for changes
(with a comment) or reject (with a reason). Each row says what its move records and whether
the student is mailed; ``transition`` makes it through the shared runner
(``cil.workflow.make_move``): lock, check, save, audit, mail after the commit. Two
administrators clicking at the same moment make one transition: the second finds the entry
already decided and gets a ``WorkflowError``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from activities.roles import is_programme_admin
from cil import workflow as cil_workflow
from cil.models import User
from cil.workflow import Machine, Move, Moves, Step, make_move
from cil.workflow import WorkflowError as WorkflowError  # callers catch workflow.WorkflowError
from portfolio.models import Entry

S = Entry.Status


class Actor(StrEnum):
    STUDENT = "student"  # the student whose portfolio it is
    ADMINISTRATOR = "administrator"  # a certificate administrator of the student's programme


class EntryAction(StrEnum):
    """A move of one portfolio entry; stored in audit events as ``entry.<value>``."""

    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"
    REJECT = "reject"


def _portfolio_open(entry: Entry) -> str | None:
    # A condition of the student's moves, so a second click is told the state first.
    if not entry.enrolment.is_active:
        return _("You have withdrawn from this certificate, so the portfolio is read-only.")
    return None


def _submitted(step: Step) -> list[str]:
    step.target.submitted_at = step.now
    return ["updated_at", "submitted_at"]


def _decided(step: Step) -> list[str]:
    entry = step.target
    entry.decided_at, entry.decided_by, entry.review_comment = step.now, step.by, step.comment
    return ["updated_at", "decided_at", "decided_by", "review_comment"]


_SUBMIT = Move(S.SUBMITTED, Actor.STUDENT, condition=_portfolio_open, record=_submitted)
_MAIL = "portfolio/mail/entry_decided"

# (from state, action) -> the move. Anything not listed is refused.
TRANSITIONS: dict[tuple[str, EntryAction], Move] = {
    (S.DRAFT, EntryAction.SUBMIT): _SUBMIT,
    (S.RETURNED, EntryAction.SUBMIT): _SUBMIT,
    (S.SUBMITTED, EntryAction.APPROVE): Move(
        S.APPROVED, Actor.ADMINISTRATOR, record=_decided, mail=_MAIL
    ),
    (S.SUBMITTED, EntryAction.RETURN): Move(
        S.RETURNED, Actor.ADMINISTRATOR, needs_comment=True, record=_decided, mail=_MAIL
    ),
    (S.SUBMITTED, EntryAction.REJECT): Move(
        S.REJECTED, Actor.ADMINISTRATOR, needs_comment=True, record=_decided, mail=_MAIL
    ),
}


def actor_of(user: User, entry: Entry) -> Actor | None:
    if entry.enrolment.student_id == user.pk:
        return Actor.STUDENT
    if is_programme_admin(user, entry.enrolment.programme):
        return Actor.ADMINISTRATOR
    return None


ENTRIES = Machine(
    model=Entry,
    table=TRANSITIONS,
    action=EntryAction,
    state_field="status",
    name="entry",
    related=("enrolment__programme", "enrolment__student", "activity"),
    actors_of=lambda user, entry: {actor} if (actor := actor_of(user, entry)) else set(),
    subject=lambda entry: entry.enrolment.student,
    subject_pk=lambda entry: entry.enrolment.student_id,
    student_actor=Actor.STUDENT,
    wrong_state=lambda entry: (
        _("This activity is already %(status)s.") % {"status": entry.get_status_display()}
    ),
    comment_needed=_("Write a comment for the student: say what to change, or why."),
)


def moves_for(entry: Entry, user: User) -> Moves:
    """What the user may do with the entry now (see ``cil.workflow.Moves``)."""
    return cil_workflow.moves_for(ENTRIES, entry, user)


def transition(*, entry: Entry, by: User, action: EntryAction | str, comment: str = "") -> Entry:
    """Make one move, or raise PermissionDenied / WorkflowError and change nothing."""
    entry = make_move(ENTRIES, target=entry, by=by, action=action, comment=comment)
    return entry


@dataclass(frozen=True)
class Approved:
    """What approving several entries did."""

    approved: int
    decided: int  # already decided by someone else: left as they are
    own: int  # the approver's own entries: nobody decides on their own


def approve_many(*, entries: list[Entry], by: User) -> Approved:
    """Approve several entries, each in its own transaction."""
    approved = decided = own = 0
    for entry in entries:
        if cil_workflow.is_own(ENTRIES, entry, by):
            own += 1
            continue
        try:
            transition(entry=entry, by=by, action=EntryAction.APPROVE)
        except (WorkflowError, PermissionDenied):
            decided += 1
        else:
            approved += 1
    return Approved(approved, decided, own)
