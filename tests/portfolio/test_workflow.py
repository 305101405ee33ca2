"""The entry state machine: every (state, action, role), concurrent clicks, mail and the queue."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse

from certificates.review_queue import QUEUE_PAGE_SIZE
from cil.models import AuditEvent
from portfolio import workflow
from portfolio.models import Entry
from tests.conftest import MATRIX_ROLES, Personas, TwoRoles, acting
from tests.factories import EnrolmentFactory, EntryFactory, EvidenceFactory
from tests.support.clients import client_for

STATES = [s.value for s in Entry.Status]
ACTIONS = [a.value for a in workflow.EntryAction]
ROLES = MATRIX_ROLES

# Written out from the users' side, apart from workflow.TRANSITIONS: who may do what, when.
DECISIONS = {"approve": "approved", "return": "returned", "reject": "rejected"}
STUDENTS = ("student_a", "admin_student_own", "reviewer_student_own", "superuser_own")
ALLOWED = {
    **{
        (state, "submit", role): "submitted" for state in ("draft", "returned") for role in STUDENTS
    },
    **{
        ("submitted", action, role): to
        for action, to in DECISIONS.items()
        for role in ("admin_p", "superuser", "admin_student")
    },
}


@pytest.mark.django_db
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_every_state_action_and_role(
    personas: Personas, two_roles: TwoRoles, state: str, action: str, role: str
) -> None:
    user, student = acting(personas, two_roles, role)
    enrolment = EnrolmentFactory(student=student, programme=personas.programme_p)
    entry = EntryFactory(enrolment=enrolment, status=state)
    before = AuditEvent.objects.count()
    expected = ALLOWED.get((state, action, role))
    if expected:
        workflow.transition(entry=entry, by=user, action=action, comment="Because.")
        entry.refresh_from_db()
        assert entry.status == expected
        assert AuditEvent.objects.count() == before + 1
    else:
        with pytest.raises((PermissionDenied, workflow.WorkflowError)):
            workflow.transition(entry=entry, by=user, action=action, comment="Because.")
        entry.refresh_from_db()
        assert entry.status == state
        assert AuditEvent.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["return", "reject"])
def test_returning_or_rejecting_needs_a_comment(personas: Personas, action: str) -> None:
    entry = EntryFactory(
        enrolment=EnrolmentFactory(student=personas.student_a, programme=personas.programme_p),
        status="submitted",
    )
    with pytest.raises(workflow.WorkflowError, match="Write a comment"):
        workflow.transition(entry=entry, by=personas.admin_p, action=action, comment=" ")
    entry.refresh_from_db()
    assert entry.status == "submitted"


@pytest.mark.django_db
def test_the_student_is_told_the_decision_and_sees_the_comment(
    personas: Personas, mailoutbox, committed
) -> None:
    entry = EntryFactory(
        enrolment=EnrolmentFactory(student=personas.student_a, programme=personas.programme_p),
        status="submitted",
    )
    with committed():
        workflow.transition(
            entry=entry, by=personas.admin_p, action="return", comment="Add the signed programme."
        )
    assert [m.to for m in mailoutbox] == [[personas.student_a.email]]
    assert "Changes needed" in mailoutbox[0].subject
    assert "Add the signed programme." in mailoutbox[0].body
    page = client_for(personas.student_a).get(reverse("portfolio:entry", args=[entry.pk]))
    assert "Add the signed programme." in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_administrators_approving_at_once_make_one_transition(personas: Personas) -> None:
    enrolment = EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)
    entry = EntryFactory(enrolment=enrolment, status="submitted")
    second_admin = personas.admin_p.__class__.objects.create_user(
        email="admin2@uni.example", full_name="Admin Two"
    )
    second_admin.programme_roles.create(programme=personas.programme_p, role="administrator")
    barrier = threading.Barrier(2)
    results: list[str] = []

    def approve(user) -> None:
        try:
            barrier.wait()
            workflow.transition(entry=Entry.objects.get(pk=entry.pk), by=user, action="approve")
            results.append("approved")
        except workflow.WorkflowError:
            results.append("refused")
        finally:
            connection.close()  # each thread has its own real database connection

    threads = [
        threading.Thread(target=approve, args=(u,)) for u in (personas.admin_p, second_admin)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["approved", "refused"]
    assert AuditEvent.objects.filter(action="entry.approve", object_id=str(entry.pk)).count() == 1
    entry.refresh_from_db()
    assert entry.status == "approved"


@pytest.mark.django_db
def test_queue_lists_submitted_entries_oldest_first_and_approves_several(
    personas: Personas,
) -> None:
    from django.utils import timezone

    enrolment = EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)
    later = EntryFactory(enrolment=enrolment, status="submitted", submitted_at=timezone.now())
    earlier = EntryFactory(
        enrolment=enrolment,
        status="submitted",
        submitted_at=timezone.now() - datetime.timedelta(days=2),
    )
    EntryFactory(enrolment=enrolment, status="draft")
    other = EntryFactory(
        enrolment=EnrolmentFactory(programme=personas.programme_q), status="submitted"
    )
    client = client_for(personas.admin_p)
    queue = client.get(reverse("certificates:entry_queue", args=["nursing"]))
    assert [e.pk for e in queue.context["entries"]] == [earlier.pk, later.pk]
    assert [row.url for row in queue.context["entries"]] == [
        reverse("certificates:entry_review", args=["nursing", entry.pk])
        for entry in (earlier, later)
    ]
    client.post(
        reverse("certificates:entry_approve_many", args=["nursing"]),
        {"entries": [earlier.pk, later.pk, other.pk]},
    )
    assert set(Entry.objects.filter(status="approved").values_list("pk", flat=True)) == {
        earlier.pk,
        later.pk,
    }
    other.refresh_from_db()
    assert other.status == "submitted"  # another programme's entry is not even looked at


@pytest.mark.django_db
def test_review_page_shows_evidence_and_decides(personas: Personas) -> None:
    entry = EntryFactory(
        enrolment=EnrolmentFactory(student=personas.student_a, programme=personas.programme_p),
        status="submitted",
    )
    EvidenceFactory(entry=entry, caption="At the café")
    client = client_for(personas.admin_p)
    url = reverse("certificates:entry_review", args=["nursing", entry.pk])
    page = client.get(url)
    assert 'alt="At the café"' in page.content.decode()
    assert (
        client.post(url, {"action": "reject", "comment": "Not international."}).status_code == 302
    )
    entry.refresh_from_db()
    assert (entry.status, entry.review_comment, entry.decided_by) == (
        "rejected",
        "Not international.",
        personas.admin_p,
    )
    again = client.post(url, {"action": "approve"}, follow=True)
    assert "already" in again.content.decode()


@pytest.mark.django_db
def test_administrator_of_q_cannot_review_p(personas: Personas) -> None:
    entry = EntryFactory(
        enrolment=EnrolmentFactory(student=personas.student_a, programme=personas.programme_p),
        status="submitted",
    )
    client = client_for(personas.admin_q)
    assert (
        client.post(
            reverse("certificates:entry_review", args=["medicine", entry.pk]), {"action": "approve"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("certificates:entry_review", args=["nursing", entry.pk]), {"action": "approve"}
        ).status_code
        == 403
    )
    entry.refresh_from_db()
    assert entry.status == "submitted"


@pytest.mark.django_db
@pytest.mark.parametrize("size", [2, 50])
def test_queue_keeps_a_constant_number_of_queries(
    personas: Personas, django_assert_max_num_queries, size: int
) -> None:
    enrolment = EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)
    for entry in EntryFactory.create_batch(size, enrolment=enrolment, status="submitted"):
        EvidenceFactory(entry=entry)
    client = client_for(personas.admin_p)
    with django_assert_max_num_queries(7):  # the page and its count are one query
        response = client.get(reverse("certificates:entry_queue", args=["nursing"]))
    # A page at a time, with the whole queue's size.
    assert len(response.context["entries"]) == min(size, QUEUE_PAGE_SIZE)
    assert response.context["page_obj"].paginator.count == size
    assert {row.files for row in response.context["entries"]} == {1}


@pytest.mark.django_db
def test_queue_pages_go_on_oldest_first(personas: Personas) -> None:
    from django.utils import timezone

    enrolment = EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)
    start = timezone.now() - datetime.timedelta(days=60)
    entries = [
        EntryFactory(
            enrolment=enrolment, status="submitted", submitted_at=start + datetime.timedelta(days=i)
        )
        for i in range(QUEUE_PAGE_SIZE + 3)
    ]
    client = client_for(personas.admin_p)
    url = reverse("certificates:entry_queue", args=["nursing"])
    first = client.get(url)
    assert [e.pk for e in first.context["entries"]] == [e.pk for e in entries[:QUEUE_PAGE_SIZE]]
    assert f"{QUEUE_PAGE_SIZE + 3} activities wait" in first.content.decode()
    second = client.get(url, {"page": 2})
    assert [e.pk for e in second.context["entries"]] == [e.pk for e in entries[QUEUE_PAGE_SIZE:]]
