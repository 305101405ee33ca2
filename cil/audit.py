"""The audit trail: every service that changes state records what happened here."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from cil.models import AuditEvent, User


def record(
    *,
    actor: User | None,
    action: str,
    target: models.Model,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    subject: User | None = None,
    data: dict[str, Any] | None = None,
    programme_pk: int | None = None,
) -> AuditEvent:
    """Write one audit event. Call it inside the transaction that makes the change.

    The event belongs to ``programme_pk``, or else to the programme the target names through
    its ``audit_programme_id`` (enrolments, entries, reports ... each know theirs).
    """
    if programme_pk is None:
        programme_pk = getattr(target, "audit_programme_id", None)
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        content_type=ContentType.objects.get_for_model(target),
        object_id=str(target.pk),
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        subject=subject,
        data=data or {},
        programme_pk=programme_pk,
    )


def student_events(
    student: User, *, programme_pk: int | None = None
) -> models.QuerySet[AuditEvent]:
    """What happened concerning a student, newest first: all of it for the student, and only
    their programme's part for a programme's staff (``programme_pk``)."""
    events = AuditEvent.objects.filter(subject=student)
    if programme_pk is not None:
        events = events.filter(programme_pk=programme_pk)
    return events.select_related("actor")


def events_for(target: models.Model) -> models.QuerySet[AuditEvent]:
    """The trail of one object, newest first, with who did it."""
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(target), object_id=str(target.pk)
    ).select_related("actor")


# What each recorded action means, in words for the people who read the trail.
ACTION_LABELS = {
    "account.email_change_undone": _("change of the primary e-mail address undone"),
    "account.erased": _("a student erased at their request"),
    "account.erasure_requested": _("erasure of the account asked for"),
    "account.institutional_link_recorded": _(
        "institutional login to be linked, at the person's request"
    ),
    "account.institutional_link_used": _("institutional login linked at its first sign-in"),
    "account.institutional_unlinked": _("institutional login unlinked, at the person's request"),
    "account.graduation_address": _("address after graduation chosen"),
    "account.signin_link_sent": _("sign-in link e-mailed to the address after graduation"),
    "account.signin_link_used": _("signed in with a link e-mailed to the address after graduation"),
    "activity.archived": _("activity archived"),
    "activity.changed": _("activity changed"),
    "activity.created": _("activity added to the catalogue"),
    "activity.restored": _("activity offered again"),
    "activity.offered": _("activity added to another programme's catalogue"),
    "activity.unoffered": _("activity taken out of another programme's catalogue"),
    "enrolment.created": _("signed up for the certificate"),
    "enrolment.withdrawn": _("withdrew from the certificate"),
    "enrolment.career_course": _("CIL career course recorded"),
    "enrolment.request_activities": _("asked for final approval of the activities"),
    "enrolment.confirm_activities": _("activities given final approval"),
    "enrolment.decline_activities": _("final approval of the activities declined"),
    # Written with "report.approve" by the same approval: the stage that follows, not the
    # approval again, so one approval reads once in a history.
    "enrolment.approve_report": _("ready for the last steps towards the diploma"),
    "enrolment.record_presentation": _("final presentation recorded"),
    "enrolment.issue_diploma": _("diploma issued"),
    "enrolment.revoke_diploma": _("diploma revoked"),
    "enrolment.reminded": _("reminder sent"),
    "entry.created": _("activity added to the portfolio"),
    "entry.deleted": _("draft deleted"),
    "entry.submit": _("activity submitted for approval"),
    "entry.approve": _("activity approved"),
    "entry.return": _("activity returned for changes"),
    "entry.reject": _("activity rejected"),
    "entry.confirmation_requested": _("organiser asked to confirm the activity"),
    "entry.confirmation_withdrawn": _("request to the organiser withdrawn"),
    "entry.confirmed_by_organiser": _("activity confirmed by the organiser"),
    "entry.declined_by_organiser": _("organiser declined to confirm the activity"),
    "evidence.added": _("evidence uploaded"),
    "evidence.deleted": _("evidence deleted"),
    "group.member_added": _("added to a local resource group"),
    "group.member_removed": _("removed from a local resource group"),
    "privacy.published": _("new version of the privacy notice published"),
    "programme.page_changed": _("programme page changed"),
    "programme.reminder_changed": _("reminder text changed"),
    "programme.questions_changed": _("reflection questions changed"),
    "programme.rules_changed": _("certificate rules changed"),
    "proposal.decided": _("activity proposal decided"),
    "proposal.submitted": _("activity proposed"),
    "report.submit": _("final report submitted"),
    "report.approve": _("final report approved"),
    "report.return": _("final report returned with comments"),
    "session.attendance": _("attendance recorded"),
    "session.cancelled": _("place at a session cancelled"),
    "session.scheduled": _("session scheduled"),
    "session.signed_up": _("signed up for a session"),
    "share_link.created": _("share link created"),
    "share_link.revoked": _("share link stopped"),
}


def label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


# What a trail's row shows (activities/_history_items.html): when, who, what, the comment.
_TRAIL_FIELDS = ("created_at", "actor__full_name", "actor__email", "action", "comment")


def trail_values(events: models.QuerySet[AuditEvent]) -> models.QuerySet[AuditEvent, Any]:
    """The events as plain values of the columns a trail shows, not instances with every
    column of the event and of the acting user; ``trail_rows`` words them."""
    return events.values_list(*_TRAIL_FIELDS)


def trail_rows(values: Any) -> list[dict[str, Any]]:
    """Rows of ``trail_values`` as the trail's template shows them: the actor's name (or
    address, or None once the account is gone) and the action in words."""
    return [
        {
            "created_at": at,
            "actor": name or email or None,
            "label": label(action),
            "comment": comment,
        }
        for at, name, email, action, comment in values
    ]
