"""A student's history as each reader sees it: the student all of it, a programme's staff their
programme's part only."""

from __future__ import annotations

from django.urls import reverse

from cil.models import AuditEvent
from portfolio import workflow as entry_workflow
from portfolio.models import Entry
from tests.conftest import Personas
from tests.factories import EnrolmentFactory, EntryFactory
from tests.support.clients import client_for


def test_a_programmes_staff_read_only_their_programmes_part_of_a_students_history(
    personas: Personas,
) -> None:
    """Ada studies in P and Q: Q's administrator must not read P's comments about her."""
    ada = personas.student_a
    in_p = EnrolmentFactory(student=ada, programme=personas.programme_p)
    in_q = EnrolmentFactory(student=ada, programme=personas.programme_q)
    entry_p = EntryFactory(enrolment=in_p, status=Entry.Status.SUBMITTED)
    entry_workflow.transition(
        entry=entry_p, action="return", by=personas.admin_p, comment="Secret remark from P"
    )
    page_q = client_for(personas.admin_q).get(
        reverse("certificates:student", args=["medicine", in_q.pk])
    )
    assert page_q.status_code == 200
    assert "Secret remark from P" not in page_q.content.decode()
    page_p = client_for(personas.admin_p).get(
        reverse("certificates:student", args=["nursing", in_p.pk])
    )
    assert "Secret remark from P" in page_p.content.decode()
    # The student reads all of her own history.
    assert [e.comment for e in AuditEvent.objects.filter(subject=ada)] == ["Secret remark from P"]
    history = client_for(ada).get(reverse("portfolio:history"))
    assert "Secret remark from P" in history.content.decode()


def test_every_event_about_a_students_work_names_its_programme(personas: Personas) -> None:
    enrolment = EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)
    entry = EntryFactory(enrolment=enrolment, status=Entry.Status.SUBMITTED)
    entry_workflow.transition(entry=entry, action="approve", by=personas.admin_p)
    event = AuditEvent.objects.get()
    assert event.programme_pk == personas.programme_p.pk
