"""The certificate's state machines, one module per machine.

``stages``: the enrolment's way from collecting activities to a diploma; ``report``: the final
report; ``sessions``: signing up for the career course and presentations, and attendance.
The names pages, tasks and tests use are re-exported here.
"""

from certificates.workflow.report import (
    REPORT_TRANSITIONS,
    ReportAction,
    decisions_for,
    report_transition,
    save_report,
    start_report,
)
from certificates.workflow.sessions import (
    cancel_session_signup,
    places_closed,
    record_attendance,
    session_wanted,
    sign_up_for_session,
)
from certificates.workflow.stages import (
    TRANSITIONS,
    Actor,
    StageAction,
    actors_of,
    advance,
    career_course_wanted,
    is_own,
    moves_for,
    ready_for_diploma,
    record_career_course,
)
from cil.workflow import WorkflowError

__all__ = [
    "REPORT_TRANSITIONS",
    "TRANSITIONS",
    "Actor",
    "ReportAction",
    "StageAction",
    "WorkflowError",
    "actors_of",
    "advance",
    "cancel_session_signup",
    "career_course_wanted",
    "decisions_for",
    "is_own",
    "moves_for",
    "places_closed",
    "ready_for_diploma",
    "record_attendance",
    "record_career_course",
    "report_transition",
    "save_report",
    "session_wanted",
    "sign_up_for_session",
    "start_report",
]
