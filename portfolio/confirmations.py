"""Organisers confirm a student's part in an activity, through a mailed link, without an account.

The student asks (``request_confirmation``); a background task makes the link's token, keeps
only its SHA-256 and mails the link (``send_request``), so the token is in no table, not even
the task queue's. The organiser confirms or declines once (``answer``): a conditional UPDATE
on the open request, so two answers sent at the same moment record one. An answered, withdrawn
or expired link, and one that never existed, all look the same to whoever opens it.

A student may ask while the activity is not yet decided (a draft, submitted or returned), at
most ``MAX_OPEN`` open requests at a time; they may withdraw an open request and ask again.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from cil import audit
from cil.mail import notify, render_mail
from cil.models import User
from portfolio.models import Confirmation, Entry
from portfolio.services import PortfolioError

LINK_DAYS = 30
MAX_OPEN = 3
# Decided activities are final: a confirmation would change nothing.
ASKABLE = (Entry.Status.DRAFT, Entry.Status.SUBMITTED, Entry.Status.RETURNED)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def may_ask(entry: Entry) -> bool:
    return entry.enrolment.is_active and entry.status in ASKABLE


@transaction.atomic
def request_confirmation(
    *,
    entry: Entry,
    by: User,
    organiser_name: str,
    organiser_email: str,
    message: str = "",
    language: str,
) -> Confirmation:
    """Ask the organiser to confirm; the mail goes out when the transaction commits."""
    locked = Entry.objects.select_for_update().select_related("enrolment").get(pk=entry.pk)
    if locked.enrolment.student_id != by.pk:
        raise PermissionDenied
    if not may_ask(locked):
        raise PortfolioError(
            _("An organiser can confirm an activity only until it is approved or rejected.")
        )
    if locked.confirmations.open().count() >= MAX_OPEN:
        raise PortfolioError(
            ngettext(
                "You have %(n)d request waiting for an answer, the most at a time. Withdraw it "
                "before you ask someone else.",
                "You have %(n)d requests waiting for an answer, the most at a time. Withdraw one "
                "before you ask someone else.",
                MAX_OPEN,
            )
            % {"n": MAX_OPEN}
        )
    confirmation = Confirmation.objects.create(
        entry=locked,
        organiser_name=organiser_name.strip(),
        organiser_email=organiser_email.strip(),
        message=message.strip(),
        language=language,
        expires_at=timezone.now() + timedelta(days=LINK_DAYS),
    )
    audit.record(
        actor=by,
        action="entry.confirmation_requested",
        target=locked,
        to_state=confirmation.status,
        subject=by,
        data={"confirmation": confirmation.pk, "organiser": confirmation.organiser_name},
    )
    transaction.on_commit(lambda: send_request.enqueue(confirmation_id=confirmation.pk))
    return confirmation


@task()
def send_request(*, confirmation_id: int) -> None:
    """Make the link's token, keep its hash, mail the link: the token exists only here.

    Run again (a retry), it makes a new token; the link in an earlier mail stops working.
    """
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        confirmation = (
            Confirmation.objects.open()
            .select_for_update()
            .select_related("entry__activity", "entry__enrolment__student")
            .filter(pk=confirmation_id)
            .first()
        )
        if confirmation is None:
            return  # withdrawn (or expired) before the mail went out
        confirmation.token_hash = hash_token(token)
        confirmation.save(update_fields=["token_hash"])
    student = confirmation.entry.enrolment.student
    subject, body = render_mail(
        language=confirmation.language,
        template="portfolio/mail/confirmation_request",
        context={
            "confirmation": confirmation,
            "entry": confirmation.entry,
            "student": student,
            "path": reverse("portfolio:organiser_answer", kwargs={"token": token}),
            "days": LINK_DAYS,
        },
    )
    EmailMessage(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [confirmation.organiser_email],
        reply_to=[student.email],
    ).send()


@transaction.atomic
def withdraw_confirmation(*, confirmation: Confirmation, by: User) -> Confirmation:
    locked = (
        Confirmation.objects.select_for_update()
        .select_related("entry__enrolment")
        .get(pk=confirmation.pk)
    )
    if locked.entry.enrolment.student_id != by.pk:
        raise PermissionDenied
    if locked.status != Confirmation.Status.OPEN:
        raise PortfolioError(_("The organiser has already answered this request."))
    locked.status = Confirmation.Status.WITHDRAWN
    locked.withdrawn_at = timezone.now()
    locked.save(update_fields=["status", "withdrawn_at"])
    audit.record(
        actor=by,
        action="entry.confirmation_withdrawn",
        target=locked.entry,
        from_state=Confirmation.Status.OPEN,
        to_state=locked.status,
        subject=by,
        data={"confirmation": locked.pk, "organiser": locked.organiser_name},
    )
    return locked


def open_request(token: str) -> Confirmation | None:
    """The open request the token belongs to, with what the organiser is shown; else None."""
    return (
        Confirmation.objects.open()
        .select_related("entry__activity", "entry__enrolment__student")
        .filter(token_hash=hash_token(token))
        .first()
    )


@transaction.atomic
def answer(
    *, token: str, confirmed: bool, role: str = "", organisation: str = "", comment: str = ""
) -> Confirmation | None:
    """Record the organiser's answer, once: None when the link can no longer be used.

    The UPDATE's condition is the single use: of two answers at the same moment, PostgreSQL
    lets the second wait for the first and then finds the row no longer open.
    """
    status = Confirmation.Status.CONFIRMED if confirmed else Confirmation.Status.DECLINED
    now = timezone.now()
    updated = (
        Confirmation.objects.open()
        .filter(token_hash=hash_token(token))
        .update(
            status=status,
            answered_at=now,
            role=role.strip(),
            organisation=organisation.strip(),
            comment=comment.strip(),
        )
    )
    if not updated:
        return None
    confirmation = Confirmation.objects.select_related(
        "entry__activity", "entry__enrolment__student"
    ).get(token_hash=hash_token(token))
    entry = confirmation.entry
    student = entry.enrolment.student
    audit.record(
        actor=None,
        action="entry.confirmed_by_organiser" if confirmed else "entry.declined_by_organiser",
        target=entry,
        from_state=Confirmation.Status.OPEN,
        to_state=status,
        comment=confirmation.comment,
        subject=student,
        data={
            "confirmation": confirmation.pk,
            "organiser": confirmation.organiser_name,
            "role": confirmation.role,
            "organisation": confirmation.organisation,
        },
    )
    notify(
        user=student,
        template="portfolio/mail/confirmation_answered",
        context={
            "confirmation": confirmation,
            "entry": entry,
            "entry_path": reverse("portfolio:entry", args=[entry.pk]),
        },
    )
    return confirmation
