"""cil/workflow.py: the checks every state machine shares, on a table of its own.

(``make_move`` itself runs in every machine's tests: entries, stages, the final report.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from cil.workflow import WorkflowError, choose_move


@dataclass(frozen=True)
class Move:
    to: str
    actor: str
    needs_comment: bool = False
    condition: object = None


TABLE = {
    ("open", "close"): Move("closed", "owner"),
    ("open", "refuse"): Move("refused", "judge", needs_comment=True),
    ("closed", "reopen"): Move("open", "owner", condition=lambda t: t.get("why_not")),
}


def choose(state: str, action: str, actors: set[str], comment: str = "", target=None) -> Move:
    return choose_move(
        TABLE,
        state=state,
        action=action,
        actors=actors,
        comment=comment,
        wrong_state=f"It is {state}.",
        comment_needed="Say why.",
        target=target or {},
    )


def test_the_move_from_the_table() -> None:
    assert choose("open", "close", {"owner"}).to == "closed"
    assert choose("open", "refuse", {"judge", "owner"}, comment="No.").to == "refused"


def test_someone_who_never_makes_the_move_is_refused_outright() -> None:
    with pytest.raises(PermissionDenied):
        choose("open", "close", {"judge"})
    with pytest.raises(PermissionDenied):
        choose("open", "close", set())


def test_the_right_person_in_the_wrong_state_is_told_the_state() -> None:
    with pytest.raises(WorkflowError, match=r"^It is closed\.$"):
        choose("closed", "close", {"owner"})


def test_a_comment_and_the_moves_own_condition_are_checked() -> None:
    with pytest.raises(WorkflowError, match=r"^Say why\.$"):
        choose("open", "refuse", {"judge"})
    with pytest.raises(WorkflowError, match=r"^Not this week\.$"):
        choose("closed", "reopen", {"owner"}, target={"why_not": "Not this week."})
    assert choose("closed", "reopen", {"owner"}).to == "open"


def test_a_closed_row_is_told_so_after_the_role_and_before_the_state() -> None:
    with pytest.raises(PermissionDenied):
        choose_move(**{**ARGS, "actors": {"judge"}, "closed": "Withdrawn."})
    with pytest.raises(WorkflowError, match=r"^Withdrawn\.$"):
        choose_move(**{**ARGS, "state": "closed", "closed": "Withdrawn."})


ARGS: dict[str, Any] = {
    "table": TABLE,
    "state": "open",
    "action": "close",
    "actors": {"owner"},
    "comment": "",
    "wrong_state": "Wrong.",
    "comment_needed": "Say why.",
}
