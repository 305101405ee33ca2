"""Mail goes out after the commit, in the recipient's language, and a failing mail server
never loses or blocks a transition; administrators see what could not be sent."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from portfolio import workflow
from portfolio.models import Entry
from tests.conftest import Personas
from tests.factories import ActivityFactory, EnrolmentFactory, EntryFactory

pytestmark = pytest.mark.django_db
FAILING = "tests.support.failing_mail.EmailBackend"


@override_settings(EMAIL_BACKEND=FAILING)
def test_a_failing_mail_server_does_not_stop_the_decision(personas: Personas, committed) -> None:
    entry = EntryFactory(
        enrolment=EnrolmentFactory(student=personas.student_a, programme=personas.programme_p),
        status="submitted",
    )
    with committed():
        workflow.transition(entry=entry, by=personas.admin_p, action="approve")
    entry.refresh_from_db()
    assert entry.status == Entry.Status.APPROVED


def test_a_rolled_back_change_sends_no_mail(personas: Personas, mailoutbox, committed) -> None:
    entry = EntryFactory(
        enrolment=EnrolmentFactory(student=personas.student_a, programme=personas.programme_p),
        status="submitted",
    )
    with committed(), pytest.raises(workflow.WorkflowError):
        workflow.transition(entry=entry, by=personas.admin_p, action="return", comment="")
    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)  # the worker opens and closes its own connections
@override_settings(
    EMAIL_BACKEND=FAILING,
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
)
def test_administrators_see_mail_the_worker_could_not_send(personas: Personas) -> None:
    from django_tasks_db.models import DBTaskResult

    entry = EntryFactory(
        enrolment=EnrolmentFactory(student=personas.student_a, programme=personas.programme_p),
        status="submitted",
    )
    workflow.transition(entry=entry, by=personas.admin_p, action="return", comment="Add the proof.")
    assert DBTaskResult.objects.count() == 1  # queued, not sent by the request
    call_command("db_worker", "--batch", verbosity=0)
    assert DBTaskResult.objects.failed().count() == 1
    client = Client()
    client.force_login(personas.admin_p, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("portfolio:programme_students", args=["nursing"])).content.decode()
    assert "These e-mails could not be sent" in page
    assert personas.student_a.email in page


def test_subjects_are_plain_text_not_html(personas: Personas, mailoutbox, committed) -> None:
    entry = EntryFactory(
        enrolment=EnrolmentFactory(student=personas.student_a, programme=personas.programme_p),
        activity=ActivityFactory(
            programme=personas.programme_p, title_en='"Café & culture" <for> students'
        ),
        status="submitted",
    )
    with committed():
        workflow.transition(entry=entry, by=personas.admin_p, action="approve")
    (message,) = mailoutbox
    assert message.subject == '[CIL] Approved: "Café & culture" <for> students'
