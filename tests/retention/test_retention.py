"""Retention carried out: exactly what is due is removed, on the boundary day and not the day
before; files leave the store; a diploma still verifies; a second run removes nothing; the
warning mail goes once."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from certificates.models import Reminder, ShareLink
from cil.models import AuditEvent
from portfolio.models import Enrolment, Evidence
from retention.models import Kind, RetentionPeriod, RetentionWarning
from retention.periods import add_months
from retention.services import apply_retention
from tests.factories import DiplomaFactory, EnrolmentFactory, EntryFactory, EvidenceFactory

pytestmark = pytest.mark.django_db

ISSUED = datetime.date(2025, 3, 10)
ONE_DAY = datetime.timedelta(days=1)


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def certified_with_evidence(issued: datetime.date) -> tuple[Enrolment, Evidence]:
    enrolment = EnrolmentFactory(stage="certified")
    evidence = EvidenceFactory(entry=EntryFactory(enrolment=enrolment, status="approved"))
    DiplomaFactory(enrolment=enrolment, issued_at=at(issued))
    return enrolment, evidence


@pytest.mark.parametrize(("offset", "removed"), [(-1, False), (0, True), (1, True)])
def test_evidence_goes_twelve_months_after_the_diploma(
    offset: int, removed: bool, committed
) -> None:
    enrolment, evidence = certified_with_evidence(ISSUED)
    younger, kept = certified_with_evidence(ISSUED + ONE_DAY * 40)
    files = [evidence.file.name, evidence.thumbnail.name]
    day = add_months(ISSUED, 12) + ONE_DAY * offset

    with committed():
        counts = apply_retention(today=day)

    assert counts["evidence files removed"] == (1 if removed else 0)
    assert Evidence.objects.filter(pk=evidence.pk).exists() is not removed
    assert all(default_storage.exists(str(name)) is not removed for name in files)
    assert Evidence.objects.filter(pk=kept.pk).exists()  # not due yet
    assert default_storage.exists(str(kept.file.name))
    assert enrolment.entries.count() == 1  # the entry and the diploma stay
    assert enrolment.diplomas.count() == 1
    assert younger.entries.count() == 1


def test_evidence_goes_after_withdrawal_by_the_chosen_period(committed) -> None:
    RetentionPeriod.objects.create(kind=Kind.EVIDENCE, months=3)
    enrolment = EnrolmentFactory(status="withdrawn", withdrawn_at=at(ISSUED))
    evidence = EvidenceFactory(entry=EntryFactory(enrolment=enrolment))
    active = EvidenceFactory(entry=EntryFactory(enrolment=EnrolmentFactory()))

    apply_retention(today=add_months(ISSUED, 3) - ONE_DAY)
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    apply_retention(today=add_months(ISSUED, 3))
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    assert Evidence.objects.filter(pk=active.pk).exists()  # an active student keeps theirs


def test_diploma_still_verifies_after_its_evidence_is_removed_and_a_second_run_removes_nothing(
    committed,
) -> None:
    enrolment, _ = certified_with_evidence(ISSUED)
    diploma = enrolment.diplomas.get()
    day = add_months(ISSUED, 12)
    apply_retention(today=day)
    assert not Evidence.objects.exists()

    again = apply_retention(today=day)
    assert all(number == 0 for number in again.values()), again
    page = Client().get(reverse("certificates:verify", kwargs={"verification": diploma.code}))
    assert page.status_code == 200
    assert "Valid." in page.content.decode()
    assert default_storage.exists(str(diploma.pdf.name))


def test_the_warning_goes_a_month_before_once_with_a_link_to_the_export(committed) -> None:
    enrolment, evidence = certified_with_evidence(ISSUED)
    removal = add_months(ISSUED, 12)
    warn_day = add_months(removal, -1)

    with committed():
        apply_retention(today=warn_day - ONE_DAY)
    assert RetentionWarning.objects.count() == 0
    with committed():
        first = apply_retention(today=warn_day)
    with committed():
        second = apply_retention(today=warn_day + ONE_DAY)

    assert first["evidence warnings sent"] == 1
    assert second["evidence warnings sent"] == 0
    warning = RetentionWarning.objects.get()
    assert (warning.enrolment, warning.kind, warning.removal_on) == (enrolment, "evidence", removal)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [enrolment.student.email]
    assert reverse("portfolio:export", kwargs={"enrolment": enrolment.pk}) in mail.outbox[0].body
    assert Evidence.objects.filter(pk=evidence.pk).exists()  # warned, not yet removed


def idle_since(day: datetime.date, **kwargs: object) -> Enrolment:
    enrolment = EnrolmentFactory(**kwargs)
    Enrolment.objects.filter(pk=enrolment.pk).update(created_at=at(day))
    return enrolment


@pytest.mark.parametrize(("offset", "removed"), [(-1, False), (0, True), (1, True)])
def test_portfolio_of_a_student_who_did_nothing_goes_after_three_years(
    offset: int, removed: bool, committed
) -> None:
    idle = idle_since(ISSUED)
    draft = EntryFactory(enrolment=idle)
    photo = EvidenceFactory(entry=draft)
    from portfolio.models import Entry

    Entry.objects.filter(pk=draft.pk).update(updated_at=at(ISSUED))
    Evidence.objects.filter(pk=photo.pk).update(uploaded_at=at(ISSUED))
    submitted = idle_since(ISSUED)
    EntryFactory(enrolment=submitted, status="submitted", submitted_at=at(ISSUED))
    reported = idle_since(ISSUED)
    from certificates.models import FinalReport

    FinalReport.objects.create(enrolment=reported)
    FinalReport.objects.filter(enrolment=reported).update(updated_at=at(ISSUED))

    with committed():
        counts = apply_retention(today=add_months(ISSUED, 36) + ONE_DAY * offset)

    assert counts["idle portfolios removed"] == (1 if removed else 0)
    assert Enrolment.objects.filter(pk=idle.pk).exists() is not removed
    assert default_storage.exists(str(photo.file.name)) is not removed
    assert Enrolment.objects.filter(pk=submitted.pk).exists()  # sent an activity
    assert Enrolment.objects.filter(pk=reported.pk).exists()  # wrote a report
    assert idle.student.__class__.objects.filter(pk=idle.student_id).exists()  # account stays


def test_a_recent_diary_note_keeps_an_idle_portfolio() -> None:
    idle = idle_since(ISSUED)
    entry = EntryFactory(enrolment=idle)
    entry.notes.create(written_on=ISSUED, text="Planning.")  # created now
    apply_retention(today=add_months(ISSUED, 36))
    assert Enrolment.objects.filter(pk=idle.pk).exists()


@pytest.mark.parametrize(("offset", "removed"), [(-1, False), (0, True), (1, True)])
def test_audit_events_reminders_and_view_counts_go_at_their_boundary(
    offset: int, removed: bool
) -> None:
    enrolment = EnrolmentFactory()
    EntryFactory(enrolment=enrolment, status="submitted", submitted_at=at(ISSUED))
    AuditEvent.objects.all().delete()
    from cil import audit

    old = audit.record(actor=None, action="enrolment.created", target=enrolment)
    AuditEvent.objects.filter(pk=old.pk).update(created_at=at(ISSUED))
    recent = audit.record(actor=None, action="enrolment.created", target=enrolment)
    reminder = Reminder.objects.create(enrolment=enrolment, sent_on=ISSUED)
    link = ShareLink.objects.create(
        enrolment=enrolment,
        token_hash="x" * 64,
        label="Employer",
        expires_on=ISSUED,
        view_count=7,
        last_viewed_at=at(ISSUED),
    )

    apply_retention(today=add_months(ISSUED, 60) + ONE_DAY * offset)

    assert AuditEvent.objects.filter(pk=old.pk).exists() is not removed
    assert AuditEvent.objects.filter(pk=recent.pk).exists()
    assert not Reminder.objects.filter(pk=reminder.pk).exists()  # 12 months, long past
    link.refresh_from_db()
    assert (link.view_count, link.last_viewed_at) == (0, None)


@pytest.mark.parametrize(("offset", "removed"), [(-1, False), (0, True)])
def test_reminders_and_view_counts_at_their_own_boundary(offset: int, removed: bool) -> None:
    enrolment = EnrolmentFactory()
    reminder = Reminder.objects.create(enrolment=enrolment, sent_on=ISSUED)
    link = ShareLink.objects.create(
        enrolment=enrolment,
        token_hash="y" * 64,
        label="Employer",
        expires_on=ISSUED,
        view_count=3,
        last_viewed_at=at(ISSUED),
    )
    apply_retention(today=add_months(ISSUED, 12) + ONE_DAY * offset)
    assert Reminder.objects.filter(pk=reminder.pk).exists() is not removed
    link.refresh_from_db()
    assert link.view_count == (0 if removed else 3)
