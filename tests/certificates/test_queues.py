"""What waits for a programme's staff, on its administration page: every queue, its size, the
age of its oldest item, and a link to where the work is done."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import ActivityProposal, ProgrammeRole
from certificates.models import FinalReport
from portfolio.models import Enrolment, Entry
from tests.conftest import Personas
from tests.factories import (
    ActivityFactory,
    EnrolmentFactory,
    EntryFactory,
    ProposalFactory,
    UserFactory,
)
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days, hours=1)


def fill_the_queues(personas: Personas, size: int = 1) -> None:
    """``size`` items in each of programme P's queues, the first of each older than the rest;
    and in programme Q, one of each, which P's page must not count."""
    for programme in (personas.programme_p, personas.programme_q):
        n = size if programme == personas.programme_p else 1
        for i in range(n):
            age = 9 if i == 0 else 1
            EntryFactory(
                enrolment__programme=programme,
                status=Entry.Status.SUBMITTED,
                submitted_at=days_ago(age + 1),
            )
            EnrolmentFactory(
                programme=programme,
                stage=Enrolment.Stage.ACTIVITIES_REQUESTED,
                activities_requested_at=days_ago(age + 2),
            )
            proposal = ProposalFactory(programme=programme)
            ActivityProposal.objects.filter(pk=proposal.pk).update(created_at=days_ago(age + 3))
            FinalReport.objects.create(
                enrolment=EnrolmentFactory(
                    programme=programme, stage=Enrolment.Stage.ACTIVITIES_APPROVED
                ),
                status=FinalReport.Status.SUBMITTED,
                submitted_at=days_ago(age + 4),
            )
    # Not waiting: a draft, a decided proposal, a withdrawn student's request, a draft report.
    p = personas.programme_p
    EntryFactory(enrolment__programme=p, status=Entry.Status.DRAFT)
    ProposalFactory(programme=p, status=ActivityProposal.Status.DECLINED, reason="No.")
    EnrolmentFactory(
        programme=p,
        stage=Enrolment.Stage.ACTIVITIES_REQUESTED,
        status=Enrolment.Status.WITHDRAWN,
        activities_requested_at=days_ago(30),
    )
    FinalReport.objects.create(
        enrolment=EnrolmentFactory(programme=p, stage=Enrolment.Stage.ACTIVITIES_APPROVED)
    )


def administration_page(personas: Personas, user=None) -> str:
    client = client_for(user or personas.admin_p)
    return client.get(reverse("activities:manage_programme", args=["nursing"])).content.decode()


def test_every_queue_shows_its_count_and_the_age_of_its_oldest_item(personas: Personas) -> None:
    fill_the_queues(personas, size=2)
    page = administration_page(personas)
    for line in (
        "2 activities waiting for approval",
        "the oldest has waited 10 days",
        "2 requests for final approval of activities",
        "the oldest has waited 11 days",
        "2 activity proposals waiting for a decision",
        "the oldest has waited 12 days",
        "2 final reports waiting for a reviewer",
        "the oldest has waited 13 days",
    ):
        assert line in page


def test_an_empty_queue_says_so_in_the_singular_and_plural_forms(personas: Personas) -> None:
    page = administration_page(personas)
    assert "0 activities waiting for approval" in page
    assert "the oldest has waited" not in page
    fill_the_queues(personas, size=1)
    assert "1 activity waiting for approval" in administration_page(personas)


def test_each_queue_links_to_where_the_work_is_done(personas: Personas) -> None:
    page = administration_page(personas)
    assert reverse("certificates:entry_queue", args=["nursing"]) in page
    assert reverse("activities:proposals", args=["nursing"]) in page
    students = reverse("portfolio:programme_students", args=["nursing"])
    assert f"{students}?stage=activities_requested" in page
    # The administrator is no reviewer: the reports line names who reviews them.
    assert reverse("activities:group", args=["nursing"]) in page
    assert reverse("certificates:review_home") not in page
    personas.admin_p.programme_roles.create(
        programme=personas.programme_p, role=ProgrammeRole.Role.REVIEWER
    )
    assert reverse("certificates:review_home") in administration_page(personas)


def test_the_student_list_filtered_to_final_approval_requests(personas: Personas) -> None:
    asking = EnrolmentFactory(
        programme=personas.programme_p,
        student__full_name="Chloé Asking",
        stage=Enrolment.Stage.ACTIVITIES_REQUESTED,
        activities_requested_at=days_ago(2),
    )
    EnrolmentFactory(programme=personas.programme_p, student__full_name="Carl Collecting")
    EnrolmentFactory(
        programme=personas.programme_p,
        student__full_name="Wanda Withdrawn",
        stage=Enrolment.Stage.ACTIVITIES_REQUESTED,
        status=Enrolment.Status.WITHDRAWN,
    )
    client = client_for(personas.admin_p)
    url = reverse("portfolio:programme_students", args=["nursing"])
    found = client.get(url, {"stage": "activities_requested"})
    assert [e.pk for e in found.context["enrolments"]] == [asking.pk]
    # A stage that does not exist filters nothing out.
    assert len(client.get(url, {"stage": "nonsense"}).context["enrolments"]) == 3


@pytest.mark.parametrize("size", [2, 40])
def test_the_queues_cost_the_same_number_of_queries_however_long(
    personas: Personas, django_assert_max_num_queries, size: int
) -> None:
    fill_the_queues(personas, size=size)
    client = client_for(personas.admin_p)
    url = reverse("activities:manage_programme", args=["nursing"])
    # As on a running server: the process already remembers the privacy notice's version
    # (looked up once per CURRENT_VERSION_TTL, cil/privacy.py) and the content types.
    client.get(url)
    with django_assert_max_num_queries(11):
        response = client.get(url)
    assert f"{size} activities waiting for approval" in response.content.decode()


def test_the_review_queue_prints_names_and_titles_as_text(personas: Personas) -> None:
    # The queue's rows are written in Python (certificates/views/review.py), not by the
    # template engine, which would escape them by itself.
    EntryFactory(
        enrolment__programme=personas.programme_p,
        enrolment__student=UserFactory(full_name='<b>Bold</b> & "Co"'),
        activity=ActivityFactory(programme=personas.programme_p, title_en="<i>Lab</i> night"),
        status=Entry.Status.SUBMITTED,
        submitted_at=days_ago(1),
    )
    client = client_for(personas.admin_p)
    page = client.get(reverse("certificates:entry_queue", args=["nursing"])).content.decode()
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; &quot;Co&quot;" in page
    assert "&lt;i&gt;Lab&lt;/i&gt; night" in page
    assert "<b>Bold" not in page and "<i>Lab" not in page
