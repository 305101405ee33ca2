"""The next step on the way to the diploma, for the student and in staff's own words.

One function, ``next_step_for``, reads the whole state (the enrolment's stage, its approved
and waiting activities, the final report's status, the student's places at sessions, the
diplomas valid or revoked, the career course) and gives both wordings from the same branch,
so the student's page and the staff student page can never disagree about where the student
stands. It lives here rather than in ``portfolio`` because it reads the certificate's models.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from certificates.models import Diploma, FinalReport, Session, SessionSignup
from certificates.workflow.sessions import places_closed
from certificates.workflow.stages import private_address_missing
from portfolio.models import Enrolment, Entry
from portfolio.selectors import StudentProgress

Stage = Enrolment.Stage


@dataclass(frozen=True)
class Wording:
    """The next step said to one reader; ``alert`` is what they must see first (a revocation)."""

    text: str
    alert: str = ""


@dataclass(frozen=True)
class NextStep:
    student: Wording
    staff: Wording


def _step(student: str, staff: str, alert: str = "") -> NextStep:
    return NextStep(Wording(student, alert), Wording(staff))


def next_step_for(
    enrolment: Enrolment, entries: list[Entry], progress: StudentProgress
) -> NextStep:
    """Where the student goes next; ``entries`` and ``progress`` as ``portfolio.selectors``
    gives them for the enrolment."""
    if enrolment.status == Enrolment.Status.WITHDRAWN:
        return _step(
            _("You have withdrawn from the certificate."),
            _("Nothing to do: the student has withdrawn."),
        )
    stage = enrolment.stage
    if stage == Stage.CERTIFIED:
        return _step(
            _("Your diploma is issued. Congratulations!"),
            _("Nothing more to do: the diploma is issued."),
        )
    if stage == Stage.ACTIVITIES_REQUESTED:
        return _step(
            _("Wait for the certificate administrator to give final approval of your activities."),
            _(
                "Give final approval of the activities, or decline with a comment saying what "
                "is missing."
            ),
        )
    if stage == Stage.ACTIVITIES_APPROVED:
        return _report_step(enrolment)
    if stage in (Stage.REPORT_APPROVED, Stage.PRESENTED):
        return _diploma_step(enrolment)
    return _activities_step(entries, progress)


def _activities_step(entries: list[Entry], progress: StudentProgress) -> NextStep:
    """Still collecting activities."""
    done, hoped = progress.approved, progress.with_pending
    if not entries:
        return _step(
            _("Add your first activity to the portfolio."),
            _("Waiting for the student to add a first activity."),
        )
    editable = [e for e in entries if e.is_editable]
    returned = [e for e in editable if e.status == Entry.Status.RETURNED]
    if returned:
        title = returned[0].activity.title
        return _step(
            _("Make the changes asked for in “%(title)s” and submit it again.") % {"title": title},
            _("Waiting for the student to revise “%(title)s”.") % {"title": title},
        )
    if done.activities_complete:
        return _step(
            _(
                "Your activities meet the rules: ask the certificate administrator for final "
                "approval."
            ),
            _("Waiting for the student to ask for final approval of the activities."),
        )
    waiting = any(e.status == Entry.Status.SUBMITTED for e in entries)
    if hoped.activities_complete:
        return _step(
            _("Wait for the certificate administrator to approve your activities."),
            _("Review the activities awaiting approval."),
        )
    missing = ", ".join(
        s.message for s in hoped.shortfalls if s.code not in ("career_course", "presentation")
    )
    if editable:
        student = _("Finish and submit “%(title)s”. You still need: %(missing)s.") % {
            "title": editable[0].activity.title,
            "missing": missing,
        }
    else:
        student = _("Take part in more activities. You still need: %(missing)s.") % {
            "missing": missing
        }
    if waiting:
        staff = _(
            "Review the activities awaiting approval; even with them the student still "
            "needs: %(missing)s."
        ) % {"missing": missing}
    else:
        staff = _("Waiting for the student's activities. Still needed: %(missing)s.") % {
            "missing": missing
        }
    return _step(student, staff)


def _report_step(enrolment: Enrolment) -> NextStep:
    """The activities are approved: the final report is on its way."""
    report = FinalReport.objects.filter(enrolment=enrolment).only("status").first()
    status = report.status if report else FinalReport.Status.DRAFT
    if status == FinalReport.Status.SUBMITTED:
        return _step(
            _(
                "Your final report is awaiting review by academic staff of your programme. "
                "You will get an e-mail when they have decided."
            ),
            _("The final report is waiting for a reviewer."),
        )
    if status == FinalReport.Status.RETURNED:
        return _step(
            _("Your final report was returned with comments: revise it and submit it again."),
            _("Waiting for the student to revise the returned final report."),
        )
    return _step(
        _(
            "Write your final report and submit it; academic staff of your programme then "
            "review it. If they return it with comments, revise it and submit it again."
        ),
        _("Waiting for the student's final report."),
    )


def _booked(enrolment: Enrolment, career_course: bool) -> Session | None:
    """The session of this kind where the student holds a place that is still open."""
    signups = SessionSignup.objects.filter(enrolment=enrolment).select_related("session")
    for signup in signups.order_by("session__starts_at"):
        session = signup.session
        if session.is_career_course == career_course and places_closed(session) is None:
            return session
    return None


def _booked_step(session: Session) -> NextStep:
    values = {
        "session": session,
        "date": formats.date_format(timezone.localtime(session.starts_at), "SHORT_DATETIME_FORMAT"),
        "place": session.place,
    }
    return _step(
        _(
            "You are signed up for %(session)s on %(date)s, %(place)s. Take part there; the "
            "certificate administrator records it afterwards."
        )
        % values,
        _("Signed up for %(session)s on %(date)s: record the attendance after the session.")
        % values,
    )


def _diploma_step(enrolment: Enrolment) -> NextStep:
    """The report is approved: the presentation, the career course, then the diploma."""
    # Every step was done when the diploma was issued; now it has to be issued again.
    revoked = _revoked_without_successor(enrolment)
    if revoked is not None:
        return _step(
            _(
                "Your certificate administrator will issue a corrected diploma; contact them "
                "if you have questions."
            ),
            _("Issue a corrected diploma: the last one was revoked (“%(reason)s”).")
            % {"reason": revoked.revocation_reason},
            alert=_("Your diploma %(number)s was revoked on %(date)s. The reason: %(reason)s")
            % {
                "number": revoked.number,
                "date": formats.date_format(timezone.localtime(revoked.revoked_at), "DATE_FORMAT"),
                "reason": revoked.revocation_reason,
            },
        )
    rules = enrolment.ruleset()
    if rules.presentation_required and not enrolment.presented_on:
        if session := _booked(enrolment, career_course=False):
            return _booked_step(session)
        return _step(
            _("Present your experience to fellow students: sign up for a presentation session."),
            _(
                "Waiting for the student's presentation: schedule a session, or record a "
                "presentation given elsewhere."
            ),
        )
    if rules.career_course_required and not enrolment.career_course_on:
        if session := _booked(enrolment, career_course=True):
            return _booked_step(session)
        return _step(
            _("Complete the CIL career course."),
            _("Waiting for the student's CIL career course: record it when it is completed."),
        )
    if private_address_missing(enrolment):
        return _step(
            _(
                "Add a private e-mail address for after graduation under Account, and confirm "
                "it with the link we send to it: your diploma is issued only then. Your "
                "institutional login closes soon after graduation; with that address you can "
                "still sign in and download your diploma."
            ),
            _(
                "Waiting for the student to confirm a private e-mail address for after "
                "graduation; then issue the diploma."
            ),
        )
    return _step(
        _("Everything is done: the certificate administrator will issue your diploma."),
        _("Issue the diploma."),
    )


def _revoked_without_successor(enrolment: Enrolment) -> Diploma | None:
    """The last diploma, if it was revoked (a valid one is never older than a revoked one:
    revoking comes before reissuing)."""
    last = Diploma.objects.filter(enrolment=enrolment).order_by("-issued_at", "-pk").first()
    return last if last is not None and not last.is_valid else None
