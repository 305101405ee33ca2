"""The one error a page shows to its user.

Services refuse a change they cannot make now with a subclass of ``UserFacingError`` whose
message is already translated and written for the person who asked (a workflow move at the
wrong time, an activity that cannot be changed, an upload that is not accepted ...). A view
catches this one class and shows ``str(error)``; mistakes in what was typed are form errors,
shown on the form, not these.
"""

from __future__ import annotations


class UserFacingError(Exception):
    """A refusal whose message (``str(error)``) is for the user, already translated."""
