"""Following up students: who has stalled, who is ready for the next step, and reminders.

The lists are single queries with annotations. A reminder is mailed in both languages (the
programme's own text, with {name}, {programme} and {link} filled in: plain replacement, never a
template language) and recorded; a student gets at most one reminder a day.
"""

from __future__ import annotations

import datetime
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone

from activities.models import StudyProgramme
from certificates.models import FinalReport, Reminder, ReminderTemplate
from cil import audit
from cil.mail import send_mail_task
from cil.models import User
from portfolio.models import Enrolment


def _annotated(programme: StudyProgramme) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(programme=programme, status=Enrolment.Status.ACTIVE)
        .select_related("student")
        .annotate(
            last_active=Greatest("created_at", Coalesce(Max("entries__updated_at"), "created_at")),
            last_reminded=Max("reminders__sent_at"),
        )
    )


def stalled(programme: StudyProgramme, months: int) -> QuerySet[Enrolment]:
    """Collecting activities, and nothing new in the portfolio for ``months`` months."""
    cutoff = timezone.now() - datetime.timedelta(days=30 * months)
    return (
        _annotated(programme)
        # last_active is annotated in _annotated(); the plugin does not follow it there.
        .filter(stage=Enrolment.Stage.ENROLLED, last_active__lt=cutoff)  # type: ignore[misc]
        .order_by("last_active")
    )


def ready_for_next_step(programme: StudyProgramme) -> QuerySet[Enrolment]:
    """Waiting for staff: final approval asked for, or the report approved (presentation or
    diploma next)."""
    stages = [
        Enrolment.Stage.ACTIVITIES_REQUESTED,
        Enrolment.Stage.REPORT_APPROVED,
        Enrolment.Stage.PRESENTED,
    ]
    # last_active: see stalled().
    return _annotated(programme).filter(stage__in=stages).order_by("stage", "last_active")  # type: ignore[misc]


def reports_waiting(programme: StudyProgramme) -> QuerySet[FinalReport]:
    return (
        FinalReport.objects.filter(
            enrolment__programme=programme, status=FinalReport.Status.SUBMITTED
        )
        .select_related("enrolment__student")
        .order_by("submitted_at")
    )


def template_for(programme: StudyProgramme) -> ReminderTemplate:
    template, _created = ReminderTemplate.objects.get_or_create(programme=programme)
    return template


def _fill(text: str, enrolment: Enrolment, programme_name: str) -> str:
    link = settings.SITE_URL + reverse("portfolio:home")
    return (
        text.replace("{name}", enrolment.student.full_name)
        .replace("{programme}", programme_name)
        .replace("{link}", link)
    )


def send_reminders(
    *, programme: StudyProgramme, enrolment_ids: list[int], by: User
) -> tuple[int, int]:
    """Remind the chosen students of the programme; returns (sent, refused as sent today)."""
    template = template_for(programme)
    today = timezone.localdate()
    sent = refused = 0
    chosen = Enrolment.objects.filter(
        pk__in=enrolment_ids, programme=programme, status=Enrolment.Status.ACTIVE
    ).select_related("student")
    for enrolment in chosen:
        try:
            with transaction.atomic():
                Reminder.objects.create(enrolment=enrolment, sent_on=today, sent_by=by)
                audit.record(
                    actor=by,
                    action="enrolment.reminded",
                    target=enrolment,
                    subject=enrolment.student,
                )
                subject = f"{template.subject_nb} / {template.subject_en}"
                body = (
                    _fill(template.body_nb, enrolment, programme.name_nb or programme.name_en)
                    + "\n\n-- English --\n\n"
                    + _fill(template.body_en, enrolment, programme.name_en)
                )
                recipient = enrolment.student.email
                transaction.on_commit(
                    partial(
                        send_mail_task.enqueue,
                        recipient=recipient,
                        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
                        body=body,
                    )
                )
        except IntegrityError:  # already reminded today
            refused += 1
        else:
            sent += 1
    return sent, refused
