"""How every state machine of the portal decides whether a move may be made.

Each app keeps its own table of moves, ``{(state, action): move}``, in its ``workflow.py``
(portfolio entries; certificates: the enrolment's stages and the final report), and applies a
move itself: the fields it sets, the audit event, the mail. What is the same for all of them
lives here: who may ask for an action at all, whether it can be done in the present state,
the comment some moves need and a move's own condition.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any, Protocol, TypeVar

from django.core.exceptions import PermissionDenied


class WorkflowError(Exception):
    """A move that is not allowed now; the message is for the user."""


class Move(Protocol):
    # Read-only, so that the apps' frozen dataclasses match.
    @property
    def actor(self) -> Any: ...
    @property
    def needs_comment(self) -> bool: ...


M = TypeVar("M", bound=Move)


def require_role(
    table: Mapping[tuple[str, Any], Move], action: Any, actors: Collection[str]
) -> None:
    """PermissionDenied unless one of the actor's roles makes this action in some state."""
    if not any(a == action and move.actor in actors for (_state, a), move in table.items()):
        raise PermissionDenied


def choose_move(
    table: Mapping[tuple[str, Any], M],
    *,
    state: str,
    action: Any,
    actors: Collection[str],
    comment: str,
    wrong_state: str,
    comment_needed: str,
    target: Any = None,
) -> M:
    """The move for ``action`` from ``state``, or the reason it cannot be made.

    PermissionDenied when none of ``actors`` ever makes this action; a WorkflowError with
    ``wrong_state`` when they do, but not from this state (a second click finds the move
    already made); with ``comment_needed`` when the move needs a comment and has none; with
    the move's own message when its ``condition(target)`` returns one.
    """
    require_role(table, action, actors)
    move = table.get((state, action))
    if move is None or move.actor not in actors:
        raise WorkflowError(wrong_state)
    if move.needs_comment and not comment:
        raise WorkflowError(comment_needed)
    condition: Callable[[Any], str | None] | None = getattr(move, "condition", None)
    if condition and (problem := condition(target)):
        raise WorkflowError(problem)
    return move
