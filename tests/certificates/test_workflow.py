"""The enrolment's way to the diploma: every (stage, action, role), conditions and pages."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from certificates import workflow
from cil.models import AuditEvent, User
from portfolio.models import Enrolment
from tests.conftest import MATRIX_ROLES, Personas, TwoRoles, acting
from tests.factories import (
    DiplomaFactory,
    EnrolmentFactory,
    EntryFactory,
    enrolment_with_activities,
)
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db

STAGES = [s.value for s in Enrolment.Stage]
ACTIONS = [a.value for a in workflow.StageAction]
ROLES = MATRIX_ROLES
# Written from the users' side: who moves the enrolment, from where, to where.
ALLOWED = {
    ("enrolled", "request_activities", "student_a"): "activities_requested",
    ("enrolled", "request_activities", "admin_student_own"): "activities_requested",
    ("enrolled", "request_activities", "reviewer_student_own"): "activities_requested",
    ("enrolled", "request_activities", "superuser_own"): "activities_requested",
    ("activities_requested", "confirm_activities", "admin_p"): "activities_approved",
    ("activities_requested", "confirm_activities", "superuser"): "activities_approved",
    ("activities_requested", "decline_activities", "admin_p"): "enrolled",
    ("activities_requested", "decline_activities", "superuser"): "enrolled",
    ("activities_approved", "approve_report", "reviewer_p"): "report_approved",
    ("activities_approved", "approve_report", "superuser"): "report_approved",
    ("report_approved", "record_presentation", "admin_p"): "presented",
    ("report_approved", "record_presentation", "superuser"): "presented",
    ("presented", "issue_diploma", "admin_p"): "certified",
    ("presented", "issue_diploma", "superuser"): "certified",
    ("certified", "revoke_diploma", "admin_p"): "presented",
    ("certified", "revoke_diploma", "superuser"): "presented",
}
ALLOWED.update(
    {
        (stage, action, two_roles): to
        for (stage, action, role), to in ALLOWED.items()
        for staff, two_roles in (("admin_p", "admin_student"), ("reviewer_p", "reviewer_student"))
        if role == staff
    }
)


def meeting_the_rules(personas: Personas, student: User | None = None, **kwargs) -> Enrolment:
    """Student A (or ``student``) in P (3 activities, 1 at home, 1 abroad) with three approved
    activities."""
    return enrolment_with_activities(
        student=student or personas.student_a, programme=personas.programme_p, **kwargs
    )


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_every_stage_action_and_role(
    personas: Personas, two_roles: TwoRoles, stage: str, action: str, role: str
) -> None:
    # An enrolment at each stage with what that stage implies: a presentation once presented,
    # a valid diploma (and the completed status) once certified.
    presented = stage in ("presented", "certified")
    user, student = acting(personas, two_roles, role)
    enrolment = meeting_the_rules(
        personas,
        student=student,
        stage=stage,
        presented_on=datetime.date(2026, 6, 1) if presented else None,
        status="completed" if stage == "certified" else "active",
    )
    if stage == "certified":
        DiplomaFactory(enrolment=enrolment)
    before = AuditEvent.objects.count()
    expected = ALLOWED.get((stage, action, role))
    if expected:
        workflow.advance(enrolment=enrolment, by=user, action=action, comment="Noted.")
        enrolment.refresh_from_db()
        assert enrolment.stage == expected
        assert AuditEvent.objects.count() == before + 1
    else:
        with pytest.raises((PermissionDenied, workflow.WorkflowError)):
            workflow.advance(enrolment=enrolment, by=user, action=action, comment="Noted.")
        enrolment.refresh_from_db()
        assert enrolment.stage == stage
        assert AuditEvent.objects.count() == before


def test_final_approval_needs_the_rules_met(personas: Personas) -> None:
    enrolment = EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)
    EntryFactory(enrolment=enrolment, status="approved")  # one activity at home; three needed
    with pytest.raises(workflow.WorkflowError, match="2 more activities, 1 more activity abroad"):
        workflow.advance(enrolment=enrolment, by=personas.student_a, action="request_activities")
    enrolment.refresh_from_db()
    assert enrolment.stage == "enrolled"


def test_declining_needs_a_comment_and_the_student_is_told(
    personas: Personas, mailoutbox, committed
) -> None:
    enrolment = meeting_the_rules(personas, stage="activities_requested")
    with pytest.raises(workflow.WorkflowError, match="Write a comment"):
        workflow.advance(enrolment=enrolment, by=personas.admin_p, action="decline_activities")
    with committed():
        workflow.advance(
            enrolment=enrolment,
            by=personas.admin_p,
            action="decline_activities",
            comment="Add the abroad proof.",
        )
    assert "Add the abroad proof." in mailoutbox[0].body
    page = client_for(personas.student_a).get(reverse("portfolio:home"))
    assert "Add the abroad proof." in page.content.decode()


def test_a_withdrawn_student_does_not_move(personas: Personas) -> None:
    enrolment = meeting_the_rules(personas, status="withdrawn")
    with pytest.raises(workflow.WorkflowError, match="withdrawn"):
        workflow.advance(enrolment=enrolment, by=personas.student_a, action="request_activities")


def test_presentation_only_where_the_programme_asks_for_one(personas: Personas) -> None:
    personas.programme_p.presentation_required = False
    personas.programme_p.save()
    enrolment = EnrolmentFactory(
        student=personas.student_a, programme=personas.programme_p, stage="report_approved"
    )
    with pytest.raises(workflow.WorkflowError, match="does not ask for a final presentation"):
        workflow.advance(enrolment=enrolment, by=personas.admin_p, action="record_presentation")


def test_career_course_is_recorded_once_by_an_administrator(personas: Personas) -> None:
    enrolment = EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)
    with pytest.raises(PermissionDenied):
        workflow.record_career_course(
            enrolment=enrolment, by=personas.student_a, completed_on=datetime.date(2026, 5, 1)
        )
    workflow.record_career_course(
        enrolment=enrolment, by=personas.admin_p, completed_on=datetime.date(2026, 5, 1)
    )
    with pytest.raises(workflow.WorkflowError, match="already recorded"):
        workflow.record_career_course(
            enrolment=enrolment, by=personas.admin_p, completed_on=datetime.date(2026, 5, 2)
        )
    enrolment.refresh_from_db()
    assert enrolment.career_course_on == datetime.date(2026, 5, 1)


def test_student_asks_and_administrator_confirms_through_the_pages(personas: Personas) -> None:
    enrolment = meeting_the_rules(personas)
    student = client_for(personas.student_a)
    home = student.get(reverse("portfolio:home")).content.decode()
    assert "Ask for final approval of your activities" in home
    url = reverse("certificates:request_activities", args=[enrolment.pk])
    assert student.get(url).status_code == 200  # a confirmation page
    student.post(url)
    enrolment.refresh_from_db()
    assert enrolment.stage == "activities_requested"
    admin = client_for(personas.admin_p)
    page = reverse("certificates:student", args=["nursing", enrolment.pk])
    assert "Final approval of the activities" in admin.get(page).content.decode()
    admin.post(page, {"action": "confirm_activities", "comment": ""})
    admin.post(page, {"action": "career_course", "completed_on": "2026-05-01"})
    enrolment.refresh_from_db()
    assert enrolment.stage == "activities_approved" and enrolment.career_course_on
    assert "Write your final report" in student.get(reverse("portfolio:home")).content.decode()


def test_issue_the_diploma_is_offered_only_when_it_can_be_issued(personas: Personas) -> None:
    # Nursing asks for a presentation: with the report approved, the diploma still waits.
    enrolment = meeting_the_rules(personas, stage="report_approved")
    admin = client_for(personas.admin_p)
    url = reverse("certificates:student", args=["nursing", enrolment.pk])
    page = admin.get(url).content.decode()
    assert "Issue the diploma" not in page
    assert "The diploma can be issued when this is recorded: the final presentation." in page
    admin.post(
        url, {"action": "record_presentation", "presented_on": "2026-05-01", "form": "poster"}
    )
    page = admin.get(url).content.decode()
    assert "Issue the diploma" in page
    assert "The diploma can be issued when" not in page


def test_another_programmes_student_is_not_found(personas: Personas) -> None:
    enrolment = meeting_the_rules(personas, stage="activities_requested")
    admin_q = client_for(personas.admin_q)
    response = admin_q.post(
        reverse("certificates:student", args=["medicine", enrolment.pk]),
        {"action": "confirm_activities"},
    )
    assert response.status_code == 404
    enrolment.refresh_from_db()
    assert enrolment.stage == "activities_requested"


@pytest.mark.parametrize("size", [2, 50])
def test_student_page_keeps_a_constant_number_of_queries(
    personas: Personas, django_assert_max_num_queries, size: int
) -> None:
    enrolment = EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)
    EntryFactory.create_batch(size, enrolment=enrolment)
    admin = client_for(personas.admin_p)
    with django_assert_max_num_queries(16):
        admin.get(reverse("certificates:student", args=["nursing", enrolment.pk]))


@pytest.mark.parametrize("size", [2, 30])
def test_student_page_shows_each_entrys_confirmation_in_a_constant_number_of_queries(
    personas: Personas, django_assert_max_num_queries, size: int
) -> None:
    enrolment = EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)
    now = timezone.now()
    answers = {
        "confirmed": {"role": "Course leader", "organisation": "Oslo Summer School"},
        "declined": {"comment": "I cannot find her on our lists."},
        "open": {},
        "withdrawn": {},  # the student took it back: not shown
    }
    for number, entry in enumerate(EntryFactory.create_batch(size, enrolment=enrolment)):
        for status, fields in answers.items():
            entry.confirmations.create(
                organiser_name=f"{status.capitalize()} Organiser {number}",
                organiser_email="organiser@host.example",
                language="en",
                status=status,
                answered_at=now if status in ("confirmed", "declined") else None,
                expires_at=now + datetime.timedelta(days=30),
                **fields,
            )
    EntryFactory(enrolment=enrolment)  # nobody asked
    admin = client_for(personas.admin_p)
    with django_assert_max_num_queries(15):
        response = admin.get(reverse("certificates:student", args=["nursing", enrolment.pk]))
    page = response.content.decode()
    last = size - 1
    assert (
        f"Confirmed by Confirmed Organiser {last}</span>, Course leader, Oslo Summer School" in page
    )
    assert f"Declined by Declined Organiser {last}" in page
    assert f"Waiting for Open Organiser {last}" in page
    assert "Withdrawn Organiser" not in page
    assert page.count("Not asked") == 1


def test_administrators_hear_of_a_request_and_reviewers_of_a_report(
    personas: Personas, mailoutbox, committed
) -> None:
    enrolment = meeting_the_rules(personas)
    with committed():
        workflow.advance(enrolment=enrolment, by=personas.student_a, action="request_activities")
    assert [m.to for m in mailoutbox] == [[personas.admin_p.email]]
    assert "asks for final approval" in mailoutbox[0].subject
    assert f"/manage/nursing/students/{enrolment.pk}/" in mailoutbox[0].body
    workflow.advance(enrolment=enrolment, by=personas.admin_p, action="confirm_activities")
    report = workflow.start_report(enrolment=enrolment, by=personas.student_a)
    text = "Ord " * 150
    workflow.save_report(report=report, by=personas.student_a, summary="", texts=[text] * 4)
    mailoutbox.clear()
    with committed():
        workflow.report_transition(report=report, by=personas.student_a, action="submit")
    assert [m.to for m in mailoutbox] == [[personas.reviewer_p.email]]
    assert f"/certificates/review/{report.pk}/" in mailoutbox[0].body


def test_moves_for_offers_by_stage_and_role_and_allows_by_the_condition(
    personas: Personas,
) -> None:
    short = EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)
    moves = workflow.moves_for(short, personas.student_a)
    assert list(moves) == ["request_activities"]
    assert not moves.allows("request_activities")  # no approved activities yet
    assert list(workflow.moves_for(short, personas.admin_p)) == []
    short.delete()
    met = meeting_the_rules(personas)
    assert workflow.moves_for(met, personas.student_a).allows("request_activities")
    assert not workflow.moves_for(met, personas.student_b).allows("request_activities")


def test_a_withdrawn_enrolment_offers_nothing_but_a_certified_one_can_be_revoked(
    personas: Personas,
) -> None:
    withdrawn = meeting_the_rules(personas, status="withdrawn")
    assert list(workflow.moves_for(withdrawn, personas.student_a)) == []
    withdrawn.delete()
    certified = meeting_the_rules(personas, stage="certified", status="completed")
    assert list(workflow.moves_for(certified, personas.admin_p)) == ["revoke_diploma"]


def test_a_form_with_mistakes_on_the_students_page_is_shown_again_with_what_to_do(
    personas: Personas,
) -> None:
    enrolment = meeting_the_rules(personas, stage="activities_approved")
    page = reverse("certificates:student", args=["nursing", enrolment.pk])
    response = client_for(personas.admin_p).post(
        page, {"action": "career_course", "completed_on": "not a date"}
    )
    assert response.status_code == 400
    assert "Give the date the career course was completed." in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.career_course_on is None
