"""The data migration that tells existing audit events which programme they belong to."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from certificates.models import Session, SessionSignup
from cil.models import AuditEvent
from tests.conftest import Personas
from tests.factories import EnrolmentFactory, EntryFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "certificates.migrations.0005_audit_events_belong_to_a_programme"
)


def event_on(target, *, subject=None) -> AuditEvent:
    """An event as the portal wrote them before events named their programme."""
    return AuditEvent.objects.create(
        action="test.old",
        content_type=ContentType.objects.get_for_model(target),
        object_id=str(target.pk),
        subject=subject,
    )


def test_old_events_get_the_programme_of_what_they_are_about(personas: Personas) -> None:
    in_q = EnrolmentFactory(student=personas.student_a, programme=personas.programme_q)
    entry = EntryFactory(enrolment=in_q)
    session = Session.objects.create(
        kind=Session.Kind.CEREMONY, starts_at=timezone.now(), place="Hall", capacity=10
    )
    session.programmes.add(personas.programme_p, personas.programme_q)
    SessionSignup.objects.create(session=session, enrolment=in_q)
    on_programme = event_on(personas.programme_p)
    on_enrolment = event_on(in_q, subject=personas.student_a)
    on_entry = event_on(entry, subject=personas.student_a)
    on_session = event_on(session, subject=personas.student_a)
    on_session_without_student = event_on(session)

    migration.backfill(apps, None)

    def programme_of(event: AuditEvent) -> int | None:
        event.refresh_from_db()
        return event.programme_pk

    assert programme_of(on_programme) == personas.programme_p.pk
    assert programme_of(on_enrolment) == personas.programme_q.pk
    assert programme_of(on_entry) == personas.programme_q.pk
    # A session serves two programmes: the student's own sign-up says which.
    assert programme_of(on_session) == personas.programme_q.pk
    assert programme_of(on_session_without_student) is None
