"""Following up: who has stalled, who waits for a next step, and reminders once a day."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from certificates import followup
from certificates.models import Reminder
from portfolio.models import Enrolment, Entry
from tests.conftest import Personas
from tests.factories import EnrolmentFactory, EntryFactory, UserFactory

pytestmark = pytest.mark.django_db


def long_ago(enrolment: Enrolment, days: int) -> Enrolment:
    when = timezone.now() - datetime.timedelta(days=days)
    Enrolment.objects.filter(pk=enrolment.pk).update(created_at=when)
    Entry.objects.filter(enrolment=enrolment).update(updated_at=when)
    return enrolment


@pytest.fixture
def students(personas: Personas) -> dict[str, Enrolment]:
    p = personas.programme_p
    quiet = long_ago(
        EnrolmentFactory(student=UserFactory(full_name="Quiet Quinn"), programme=p), 200
    )
    busy = long_ago(EnrolmentFactory(student=UserFactory(full_name="Busy Bo"), programme=p), 200)
    EntryFactory(enrolment=busy)  # changed just now
    quiet_with_old_entry = EnrolmentFactory(student=UserFactory(full_name="Old Olga"), programme=p)
    EntryFactory(enrolment=quiet_with_old_entry)
    long_ago(quiet_with_old_entry, 120)
    waiting = EnrolmentFactory(
        student=UserFactory(full_name="Waiting Wes"), programme=p, stage="activities_requested"
    )
    return {"quiet": quiet, "busy": busy, "olga": quiet_with_old_entry, "waiting": waiting}


def test_stalled_students_are_those_with_nothing_new(personas: Personas, students) -> None:
    names = lambda qs: [e.student.full_name for e in qs]  # noqa: E731
    assert names(followup.stalled(personas.programme_p, months=3)) == ["Quiet Quinn", "Old Olga"]
    assert names(followup.stalled(personas.programme_p, months=6)) == ["Quiet Quinn"]
    assert names(followup.ready_for_next_step(personas.programme_p)) == ["Waiting Wes"]


def test_reminders_are_bilingual_and_once_a_day(
    personas: Personas, students, mailoutbox, committed
) -> None:
    ids = [students["quiet"].pk, students["olga"].pk]
    with committed():
        assert followup.send_reminders(
            programme=personas.programme_p, enrolment_ids=ids, by=personas.admin_p
        ) == (2, 0)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [students["quiet"].student.email, students["olga"].student.email]
    )
    body = mailoutbox[0].body
    assert "Hei " in body and "Hello " in body and "Nursing" in body and "Sykepleie" in body
    with committed():
        assert followup.send_reminders(
            programme=personas.programme_p, enrolment_ids=ids, by=personas.admin_p
        ) == (0, 2)
    assert len(mailoutbox) == 2
    assert Reminder.objects.count() == 2


def test_another_programmes_students_are_never_reminded(
    personas: Personas, students, mailoutbox
) -> None:
    other = EnrolmentFactory(programme=personas.programme_q)
    assert followup.send_reminders(
        programme=personas.programme_p, enrolment_ids=[other.pk], by=personas.admin_p
    ) == (0, 0)


def test_the_page_sends_and_refuses_with_messages(personas: Personas, students, mailoutbox) -> None:
    client = Client()
    client.force_login(personas.admin_p, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("certificates:follow_up", args=["nursing"])
    page = client.get(url, {"months": 3})
    assert [e.student.full_name for e in page.context["stalled"]] == ["Quiet Quinn", "Old Olga"]
    client.post(url, {"action": "remind", "enrolments": [students["quiet"].pk]})
    again = client.post(
        url, {"action": "remind", "enrolments": [students["quiet"].pk]}, follow=True
    )
    assert "already reminded today" in again.content.decode()
    saved = client.post(
        url,
        {
            "action": "template",
            "subject_nb": "Hei",
            "subject_en": "Hi",
            "body_nb": "Hei {name}",
            "body_en": "Hi {name}",
        },
    )
    assert saved.status_code == 302
    assert followup.template_for(personas.programme_p).body_en == "Hi {name}"


@pytest.mark.parametrize("size", [3, 40])
def test_follow_up_keeps_a_constant_number_of_queries(
    personas: Personas, django_assert_max_num_queries, size
) -> None:
    for _ in range(size):
        long_ago(EnrolmentFactory(student=UserFactory(), programme=personas.programme_p), 200)
    client = Client()
    client.force_login(personas.admin_p, backend="django.contrib.auth.backends.ModelBackend")
    with django_assert_max_num_queries(14):
        response = client.get(reverse("certificates:follow_up", args=["nursing"]))
    assert len(response.context["stalled"]) == size
