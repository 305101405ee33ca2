"""cil/errors.py: every refusal written for the user is one class a view can catch."""

from __future__ import annotations

import pytest

from activities.services import ActivityError
from cil.errors import UserFacingError
from cil.workflow import WorkflowError
from portfolio.services import PortfolioError
from portfolio.uploads import UploadRejected


@pytest.mark.parametrize("error", [WorkflowError, ActivityError, PortfolioError, UploadRejected])
def test_each_error_for_the_user_is_a_user_facing_error(error: type[Exception]) -> None:
    with pytest.raises(UserFacingError, match=r"^Say what to do\.$"):
        raise error("Say what to do.")
