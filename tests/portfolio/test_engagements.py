"""Activities that need several engagements say so where the student and staff decide:
in the entry form, on the entry, in the progress, in the review queue, and before asking for
final approval."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import Personas
from tests.factories import (
    ActivityFactory,
    EnrolmentFactory,
    EntryFactory,
    enrolment_with_activities,
)
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db

LECTURES = "Guest lectures on global health"


@pytest.fixture
def lectures(personas: Personas):
    return ActivityFactory(
        programme=personas.programme_p,
        title_en=LECTURES,
        engagements_required=3,
        category="guest_lecture",
    )


def test_the_entry_form_says_how_many_engagements_make_one_activity(
    personas: Personas, lectures
) -> None:
    enrolment = EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)
    client = client_for(personas.student_a)
    new = client.get(reverse("portfolio:entry_create", args=[enrolment.pk])).content.decode()
    assert f"“{LECTURES}”: 3 engagements" in new
    entry = EntryFactory(enrolment=enrolment, activity=lectures)
    edit = client.get(reverse("portfolio:entry_edit", args=[entry.pk])).content.decode()
    assert f"“{LECTURES}”: 3 engagements make one activity." in edit


def test_the_entry_shows_the_engagements_of_the_activity_so_far(
    personas: Personas, lectures
) -> None:
    enrolment = EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)
    EntryFactory(enrolment=enrolment, activity=lectures, status="approved", engagements=1)
    entry = EntryFactory(enrolment=enrolment, activity=lectures, engagements=1)
    page = client_for(personas.student_a).get(reverse("portfolio:entry", args=[entry.pk]))
    assert "2 of 3 engagements" in page.content.decode()


def test_the_progress_says_why_an_activity_does_not_count_yet(personas: Personas, lectures) -> None:
    enrolment = enrolment_with_activities(
        student=personas.student_a, programme=personas.programme_p, locations=("home", "abroad")
    )
    EntryFactory(enrolment=enrolment, activity=lectures, status="approved", engagements=1)
    page = client_for(personas.student_a).get(reverse("portfolio:home")).content.decode()
    assert (
        f"“{LECTURES}” counts as one activity once 3 engagements are approved: 1 of 3 so far."
        in page
    )


def test_the_review_queue_shows_the_engagements_so_far(personas: Personas, lectures) -> None:
    enrolment = EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)
    EntryFactory(enrolment=enrolment, activity=lectures, status="approved", engagements=1)
    EntryFactory(
        enrolment=enrolment,
        activity=lectures,
        status="submitted",
        submitted_at=timezone.now(),
        engagements=1,
    )
    page = client_for(personas.admin_p).get(reverse("certificates:entry_queue", args=["nursing"]))
    assert "2 of 3 engagements" in page.content.decode()


def test_asking_for_final_approval_mentions_what_still_waits(personas: Personas, lectures) -> None:
    enrolment = enrolment_with_activities(
        student=personas.student_a, programme=personas.programme_p
    )
    EntryFactory(
        enrolment=enrolment, activity=lectures, status="submitted", submitted_at=timezone.now()
    )
    client = client_for(personas.student_a)
    page = client.get(reverse("certificates:request_activities", args=[enrolment.pk]))
    assert f"“{LECTURES}” is still waiting for approval" in page.content.decode()
