"""The final report's state machine: the student writes and submits, a reviewer decides.

    draft ──submit──▶ submitted ──approve──▶ approved (and the enrolment: report approved)
                        │  ▲
                 return │  │ submit
                        ▼  │
                      returned

Each submission is kept as a ``ReportVersion``; the reviewer's decision and comments are
written on it.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from certificates.models import FinalReport, ReportVersion
from certificates.workflow.stages import (
    Actor,
    Stage,
    StageAction,
    actors_of,
    advance,
    notify_staff,
    why_not_active,
)
from cil import workflow as cil_workflow
from cil.models import User
from cil.workflow import Machine, Move, Moves, Step, WorkflowError, make_move
from portfolio.models import Enrolment, Entry, Evidence

R = FinalReport.Status


class ReportAction(StrEnum):
    """A reviewer's or the student's move of the final report; stored as ``report.<value>``."""

    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"


def _words_in_range(report: FinalReport) -> str | None:
    rules = report.enrolment.ruleset()  # the range the student signed up under
    words = report.word_count
    if rules.report_min_words <= words <= rules.report_max_words:
        return None
    return ngettext(
        "Your report has %(words)d word; it must have between %(min)d and %(max)d. "
        "The summary and the sections count, the headings do not.",
        "Your report has %(words)d words; it must have between %(min)d and %(max)d. "
        "The summary and the sections count, the headings do not.",
        words,
    ) % {"words": words, "min": rules.report_min_words, "max": rules.report_max_words}


def _may_write(report: FinalReport) -> str | None:
    if report.enrolment.stage != Stage.ACTIVITIES_APPROVED:
        return _("The final report comes after the final approval of your activities.")
    return None


def _all_of(*checks: Callable[[FinalReport], str | None]) -> Callable[[FinalReport], str | None]:
    return lambda report: next((p for check in checks if (p := check(report))), None)


def _submitted(step: Step) -> list[str]:
    """Keep the submitted text as the next version."""
    report = step.target
    report.submitted_at = step.now
    number = (report.versions.aggregate(n=models.Max("number"))["n"] or 0) + 1
    ReportVersion.objects.create(
        report=report,
        number=number,
        summary=report.summary,
        sections=report.sections,
        word_count=report.word_count,
    )
    return ["submitted_at", "updated_at"]


def _decided(decision: str) -> Callable[[Step], list[str]]:
    """Write the reviewer's decision and comments on the version they read."""

    def record(step: Step) -> list[str]:
        version = step.target.versions.select_for_update().latest("number")
        version.decision = decision
        version.comment, version.decided_by, version.decided_at = step.comment, step.by, step.now
        version.save(update_fields=["decision", "comment", "decided_by", "decided_at"])
        return ["updated_at"]

    return record


def _tell_reviewers(step: Step) -> None:
    notify_staff(
        step.target.enrolment, "reviewer", "certificates/mail/report_submitted", report=step.target
    )


def _move_the_enrolment_on(step: Step) -> None:
    advance(enrolment=step.target.enrolment, by=step.by, action=StageAction.RECORD_REPORT_APPROVAL)


_SUBMIT = Move(
    R.SUBMITTED,
    Actor.STUDENT,
    condition=_all_of(_may_write, _words_in_range),
    record=_submitted,
    then=(_tell_reviewers,),
)

REPORT_TRANSITIONS: dict[tuple[str, ReportAction], Move] = {
    (R.DRAFT, ReportAction.SUBMIT): _SUBMIT,
    (R.RETURNED, ReportAction.SUBMIT): _SUBMIT,
    (R.SUBMITTED, ReportAction.APPROVE): Move(
        R.APPROVED,
        Actor.REVIEWER,
        record=_decided(ReportVersion.Decision.APPROVED),
        mail="certificates/mail/report_decided",
        then=(_move_the_enrolment_on,),
    ),
    (R.SUBMITTED, ReportAction.RETURN): Move(
        R.RETURNED,
        Actor.REVIEWER,
        needs_comment=True,
        record=_decided(ReportVersion.Decision.RETURNED),
        mail="certificates/mail/report_decided",
    ),
}


def _closed(report: FinalReport, action: ReportAction) -> str | None:
    if not report.enrolment.is_active:
        return why_not_active(report.enrolment)
    return None


REPORT = Machine(
    model=FinalReport,
    table=REPORT_TRANSITIONS,
    action=ReportAction,
    state_field="status",
    name="report",
    related=("enrolment__programme", "enrolment__student"),
    actors_of=lambda user, report: actors_of(user, report.enrolment),
    subject=lambda report: report.enrolment.student,
    subject_pk=lambda report: report.enrolment.student_id,
    student_actor=Actor.STUDENT,
    wrong_state=lambda report: (
        _("The report is %(status)s, so this cannot be done now.")
        % {"status": report.get_status_display()}
    ),
    comment_needed=_("Write your comments for the student: what should be improved?"),
    closed=_closed,
)


def moves_for(report: FinalReport, user: User) -> Moves:
    """What the user may do with the report now (see ``cil.workflow.Moves``)."""
    return cil_workflow.moves_for(REPORT, report, user)


def decisions_for(report: FinalReport, user: User) -> set[ReportAction]:
    """The decisions (approve, return) this person makes on the report in some state.

    Empty unless the table's deciding role is theirs for the report's programme: the review
    page's lookup (404 otherwise) and the actions it accepts ask this, so who may approve a
    final report is written once, in ``REPORT_TRANSITIONS``.
    """
    return cil_workflow.actions_of(REPORT, report, user) - {
        action
        for (_state, action), move in REPORT_TRANSITIONS.items()
        if move.actor == Actor.STUDENT
    }


def report_transition(
    *, report: FinalReport, by: User, action: ReportAction | str, comment: str = ""
) -> FinalReport:
    """Submit, approve or return a final report; approval also moves the enrolment on."""
    report = make_move(REPORT, target=report, by=by, action=action, comment=comment)
    return report


def start_report(*, enrolment: Enrolment, by: User) -> FinalReport:
    """The student's report, created on first visit with the programme's questions and a summary
    drafted from the approved activities."""
    if enrolment.student_id != by.pk:
        raise PermissionDenied
    existing = FinalReport.objects.filter(enrolment=enrolment).first()
    if existing:
        return existing
    entries = Entry.objects.filter(
        enrolment=enrolment, status=Entry.Status.APPROVED
    ).select_related("activity")
    lines = []
    for entry in entries.order_by("started_on"):
        place = ", ".join(p for p in (entry.host, entry.city, entry.country.name) if p)
        when = entry.started_on.strftime("%m/%Y")
        lines.append(f"- {entry.activity.title} ({place}, {when})")
    report, _created = FinalReport.objects.get_or_create(
        enrolment=enrolment,
        defaults={
            "summary": "\n".join(lines),
            "sections": [{**q, "text": ""} for q in enrolment.programme.report_questions],
        },
    )
    return report


@transaction.atomic
def save_report(
    *,
    report: FinalReport,
    by: User,
    summary: str,
    texts: list[str],
    photo_ids: list[int] | None = None,
) -> FinalReport:
    """Save the draft (also used by autosave). Only the student, only while it is editable."""
    locked = (
        FinalReport.objects.select_for_update(of=("self",))
        .select_related("enrolment")
        .get(pk=report.pk)
    )
    if locked.enrolment.student_id != by.pk:
        raise PermissionDenied
    if not locked.is_editable:
        raise WorkflowError(
            _("The report is %(status)s and cannot be changed now.")
            % {"status": locked.get_status_display()}
        )
    if len(texts) != len(locked.sections):
        raise WorkflowError(_("Write each section in its own box."))
    locked.summary = summary
    locked.sections = [
        {**section, "text": text} for section, text in zip(locked.sections, texts, strict=True)
    ]
    locked.save(update_fields=["summary", "sections", "updated_at"])
    if photo_ids is not None:
        own = Evidence.objects.filter(
            pk__in=photo_ids, entry__enrolment=locked.enrolment, content_type__startswith="image/"
        )
        locked.photos.set(own)
    report.summary, report.sections = locked.summary, locked.sections
    return locked
