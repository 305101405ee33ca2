"""The one runner for every state machine of the portal.

Each app keeps its own table of moves, ``{(state, action): Move}``, in its workflow module
(portfolio entries; certificates: the enrolment's stages and the final report) and describes
its machine once (``Machine``: the model, the state field, who the actors are ...). A row says
everything about its move: the next state, who makes it, whether it needs a comment, its own
condition, what it records, the mail to the student and what follows. ``make_move`` applies
any move the same way: lock, check, save, audit, notify.

Nobody decides on their own certificate: on a row whose student is the person acting, only the
student's own role counts, whatever other roles they hold (administrator, reviewer, superuser).
``roles_on`` is that rule; ``make_move``, ``moves_for`` and ``actions_of`` count roles through it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cil import audit
from cil.errors import UserFacingError
from cil.mail import notify


class WorkflowError(UserFacingError):
    """A move that is not allowed now; the message is for the user."""


@dataclass
class Step:
    """One move being made: what a row's ``record`` and ``then`` callables are given."""

    target: Any  # the locked row
    by: Any  # the user making the move
    action: Any
    comment: str
    details: dict[str, Any]
    now: datetime.datetime
    files: list[str] = field(default_factory=list)  # stored by the move; deleted if it fails


def _nothing(step: Step) -> list[str]:
    return []


@dataclass(frozen=True)
class Move:
    """One row of a table: the move from a state by an action."""

    to: str | Callable[[Any], str]  # the next state, or how to find it from the row
    actor: Any
    needs_comment: bool = False
    # Returns a message saying why the move cannot be made now, or None when it can.
    condition: Callable[[Any], str | None] | None = None
    # Sets what the move records on the row (and related rows); returns the changed fields.
    record: Callable[[Step], list[str]] = _nothing
    mail: str = ""  # template prefix of the mail to the machine's subject, if any
    then: tuple[Callable[[Step], None], ...] = ()  # after the audit event: others to tell ...


@dataclass(frozen=True)
class Machine:
    """How one machine's rows are found, who acts on them and how its moves are worded."""

    model: type[models.Model]
    table: Mapping[tuple[str, Any], Move]
    action: Callable[[Any], Any]  # the action enum: turns a posted string into an action
    state_field: str
    name: str  # audit events are "<name>.<action>"; the mail's context has the row as <name>
    related: tuple[str, ...]  # select_related when locking the row
    actors_of: Callable[[Any, Any], Collection[Any]]  # (user, row) -> the user's roles for the row
    subject: Callable[[Any], Any]  # the student the row belongs to
    subject_pk: Callable[[Any], int]  # their pk, read without a query (pages ask for many rows)
    student_actor: Any  # the role of the row's own student: the only one they act in on it
    wrong_state: Callable[[Any], str]  # the message for a move asked at the wrong time
    comment_needed: str
    # Why no move can be made on the row now (a withdrawn student), or None.
    closed: Callable[[Any, Any], str | None] = lambda row, action: None


def is_own(machine: Machine, row: Any, user: Any) -> bool:
    """Whether ``user`` is the student the row belongs to."""
    return user is not None and machine.subject_pk(row) == user.pk


def roles_on(machine: Machine, row: Any, user: Any) -> Collection[Any]:
    """The user's roles for the row, as the runner counts them.

    Nobody decides on their own certificate: on their own row a person is only its student,
    whatever other roles they hold (an administrator or reviewer of the programme who signed
    up in it, a superuser).
    """
    roles = machine.actors_of(user, row)
    if is_own(machine, row, user):
        return {role for role in roles if role == machine.student_actor}
    return roles


def own_row_refused() -> PermissionDenied:
    """The refusal of a staff move on one's own row (a 403; its message is for the user)."""
    return PermissionDenied(
        _(
            "Nobody decides on their own certificate: another administrator or reviewer of "
            "the programme does this."
        )
    )


class _Row(Protocol):
    @property
    def actor(self) -> Any: ...

    @property
    def needs_comment(self) -> bool: ...


M = TypeVar("M", bound=_Row)


def require_role(
    table: Mapping[tuple[str, Any], _Row], action: Any, actors: Collection[Any]
) -> None:
    """PermissionDenied unless one of the actor's roles makes this action in some state."""
    if not _makes(table, action, actors):
        raise PermissionDenied


def _makes(table: Mapping[tuple[str, Any], _Row], action: Any, actors: Collection[Any]) -> bool:
    return any(a == action and move.actor in actors for (_state, a), move in table.items())


def choose_move(
    table: Mapping[tuple[str, Any], M],
    *,
    state: str,
    action: Any,
    actors: Collection[Any],
    comment: str,
    wrong_state: str,
    comment_needed: str,
    target: Any = None,
    closed: str | None = None,
) -> M:
    """The move for ``action`` from ``state``, or the reason it cannot be made.

    PermissionDenied when none of ``actors`` ever makes this action; a WorkflowError with
    ``closed`` when it is given (nothing moves now); with ``wrong_state`` when they make the
    action, but not from this state (a second click finds the move already made); with
    ``comment_needed`` when the move needs a comment and has none; with the move's own message
    when its ``condition(target)`` returns one.
    """
    require_role(table, action, actors)
    if closed:
        raise WorkflowError(closed)
    move = table.get((state, action))
    if move is None or move.actor not in actors:
        raise WorkflowError(wrong_state)
    if move.needs_comment and not comment:
        raise WorkflowError(comment_needed)
    condition: Callable[[Any], str | None] | None = getattr(move, "condition", None)
    if condition and (problem := condition(target)):
        raise WorkflowError(problem)
    return move


class Moves:
    """What one person may do with one row now: the one answer pages ask for.

    ``action in moves`` (and iterating) gives the actions from the row's present state that the
    person's roles make, unless the row is closed: the buttons to show. ``allows(action)`` also
    asks the move's own condition. ``make_move`` checks all of it again when the move is asked
    for, and says why not.
    """

    def __init__(self, row: Any, offered: Mapping[Any, Move]) -> None:
        self._row, self._offered = row, dict(offered)

    def __contains__(self, action: Any) -> bool:
        return action in self._offered

    def __iter__(self) -> Iterator[Any]:
        return iter(self._offered)

    def __len__(self) -> int:
        return len(self._offered)

    def allows(self, action: Any) -> bool:
        move = self._offered.get(action)
        return move is not None and not (move.condition and move.condition(self._row))


def moves_for(machine: Machine, row: models.Model, user: Any) -> Moves:
    """What ``user`` may do with ``row`` now, by the machine's table (see ``Moves``)."""
    actors = roles_on(machine, row, user)
    state = getattr(row, machine.state_field)
    return Moves(
        row,
        {
            action: move
            for (from_state, action), move in machine.table.items()
            if from_state == state and move.actor in actors and not machine.closed(row, action)
        },
    )


def actions_of(machine: Machine, row: models.Model, user: Any) -> set[Any]:
    """Every action ``user``'s roles on ``row`` make in some state of the machine."""
    actors = roles_on(machine, row, user)
    return {action for (_state, action), move in machine.table.items() if move.actor in actors}


def make_move(
    machine: Machine,
    *,
    target: models.Model,
    by: Any,
    action: Any,
    comment: str = "",
    details: dict[str, Any] | None = None,
) -> Any:
    """Make one move, or raise PermissionDenied / WorkflowError and change nothing.

    Locks the row, chooses the move, sets the new state and what the move records, saves with
    ``update_fields``, writes the audit event, mails the student (after the commit) and runs
    what follows the move; all in one transaction. Files the move stored are deleted again if
    it fails. ``target`` gets the new state.
    """
    action = machine.action(action)
    details = details or {}
    step = Step(None, by, action, comment.strip(), details, timezone.now())
    try:
        with transaction.atomic():
            locked = (
                machine.model._default_manager.select_for_update(of=("self",))
                .select_related(*machine.related)
                .get(pk=target.pk)
            )
            step.target = locked
            from_state = getattr(locked, machine.state_field)
            actors = roles_on(machine, locked, by)
            if not _makes(machine.table, action, actors) and _makes(
                machine.table, action, machine.actors_of(by, locked)
            ):
                raise own_row_refused()  # a role they hold makes it, but not on their own row
            move = choose_move(
                machine.table,
                state=from_state,
                action=action,
                actors=actors,
                comment=step.comment,
                wrong_state=machine.wrong_state(locked),
                comment_needed=machine.comment_needed,
                target=locked,
                closed=machine.closed(locked, action),
            )
            to_state = move.to(locked) if callable(move.to) else move.to
            setattr(locked, machine.state_field, to_state)
            locked.save(update_fields=[machine.state_field, *move.record(step)])
            student = machine.subject(locked)
            audit.record(
                actor=by,
                action=f"{machine.name}.{action.value}",
                target=locked,
                from_state=from_state,
                to_state=to_state,
                comment=step.comment,
                subject=student,
                data={k: str(v) for k, v in details.items()},
            )
            if move.mail:
                notify(
                    user=student,
                    template=move.mail,
                    context={machine.name: locked, "action": action.value, "comment": step.comment},
                )
            for effect in move.then:
                effect(step)
    except BaseException:
        for name in step.files:
            default_storage.delete(name)
        raise
    setattr(target, machine.state_field, to_state)
    return locked
