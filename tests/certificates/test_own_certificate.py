"""Nobody decides on their own certificate, whatever roles they hold.

An administrator or reviewer of a programme who signs up in it is a student there like any
other: the transition matrices (tests/certificates/test_workflow.py, tests/portfolio/
test_workflow.py) cover every move through the runner; these cover what acts outside it
(career course, attendance, a ceremony's batch, approving several entries) and the pages that
offer moves.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from certificates import workflow
from certificates.models import DiplomaBatch, FinalReport, ReportVersion, Session, SessionSignup
from certificates.tasks import issue_batch
from cil.models import User
from portfolio.models import Enrolment
from tests.conftest import Personas, TwoRoles
from tests.factories import (
    EnrolmentFactory,
    EntryFactory,
    ProposalFactory,
    enrolment_with_activities,
)
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db

OWN = "Nobody decides on their own certificate"


def enrolled(personas: Personas, student: User, **kwargs) -> Enrolment:
    """``student`` in P with three approved activities, which meet P's rules."""
    return enrolment_with_activities(student=student, programme=personas.programme_p, **kwargs)


def test_an_administrator_enrolled_in_their_programme_confirms_nothing_of_their_own(
    personas: Personas, two_roles: TwoRoles
) -> None:
    me = two_roles.admin_student
    own = enrolled(personas, me, stage="activities_requested")
    with pytest.raises(PermissionDenied, match=OWN):
        workflow.advance(enrolment=own, by=me, action="confirm_activities")
    assert list(workflow.moves_for(own, me)) == []
    page = reverse("certificates:student", args=["nursing", own.pk])
    client = client_for(me)
    shown = client.get(page)
    assert shown.status_code == 200  # they may read their own page, as staff of P
    html = shown.content.decode()
    assert "This is your own certificate" in html
    assert 'value="confirm_activities"' not in html
    assert 'value="career_course"' not in html
    assert client.post(page, {"action": "confirm_activities"}).status_code == 403
    assert (
        client.post(page, {"action": "career_course", "completed_on": "2026-05-01"}).status_code
        == 403
    )
    own.refresh_from_db()
    assert (own.stage, own.career_course_on) == ("activities_requested", None)
    # Another administrator of P decides.
    workflow.advance(enrolment=own, by=personas.admin_p, action="confirm_activities")


def test_nobody_records_their_own_career_course(personas: Personas, two_roles: TwoRoles) -> None:
    own = enrolled(personas, two_roles.admin_student)
    with pytest.raises(PermissionDenied, match=OWN):
        workflow.record_career_course(
            enrolment=own, by=two_roles.admin_student, completed_on=datetime.date(2026, 5, 1)
        )
    own.refresh_from_db()
    assert own.career_course_on is None


def test_a_superuser_enrolled_in_a_programme_issues_no_diploma_of_their_own(
    personas: Personas,
) -> None:
    own = enrolled(
        personas,
        personas.superuser,
        stage="presented",
        presented_on=datetime.date(2026, 6, 1),
        career_course_on=datetime.date(2026, 5, 1),
    )
    with pytest.raises(PermissionDenied, match=OWN):
        workflow.advance(enrolment=own, by=personas.superuser, action="issue_diploma")
    own.refresh_from_db()
    assert own.stage == "presented"


def submitted_report(enrolment: Enrolment) -> FinalReport:
    report = FinalReport.objects.create(
        enrolment=enrolment, summary="Three activities.", sections=[], status="submitted"
    )
    ReportVersion.objects.create(
        report=report, number=1, summary=report.summary, sections=[], word_count=2
    )
    return report


def test_a_reviewer_enrolled_in_their_programme_does_not_review_their_own_report(
    personas: Personas, two_roles: TwoRoles
) -> None:
    me = two_roles.reviewer_student
    report = submitted_report(enrolled(personas, me, stage="activities_approved"))
    others = submitted_report(enrolled(personas, personas.student_a, stage="activities_approved"))
    with pytest.raises(PermissionDenied, match=OWN):
        workflow.report_transition(report=report, by=me, action="approve")
    assert workflow.decisions_for(report, me) == set()
    client = client_for(me)
    assert client.get(reverse("certificates:report_review", args=[report.pk])).status_code == 404
    assert (
        client.post(
            reverse("certificates:report_review", args=[report.pk]),
            {"action": "approve", "comment": ""},
        ).status_code
        == 404
    )
    home = client.get(reverse("certificates:review_home"))
    assert list(home.context["waiting"]) == [others]  # their own waits for another reviewer
    report.refresh_from_db()
    assert report.status == "submitted"
    workflow.report_transition(report=report, by=personas.reviewer_p, action="approve")


def test_attendance_is_recorded_for_others_but_not_for_oneself(
    personas: Personas, two_roles: TwoRoles
) -> None:
    personas.programme_p.career_course_required = True
    personas.programme_p.save()
    me = two_roles.admin_student
    own = EnrolmentFactory(student=me, programme=personas.programme_p)
    other = EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)
    session = Session.objects.create(
        kind="career_course", starts_at=timezone.now() - datetime.timedelta(hours=2), place="Aula"
    )
    session.programmes.add(personas.programme_p)
    mine = SessionSignup.objects.create(session=session, enrolment=own)
    theirs = SessionSignup.objects.create(session=session, enrolment=other)
    page = client_for(me).get(reverse("certificates:session", args=["nursing", session.pk]))
    html = page.content.decode()
    assert f'value="{theirs.pk}"' in html and f'value="{mine.pk}"' not in html
    recorded, problems = workflow.record_attendance(
        session=session, by=me, attended_ids={mine.pk, theirs.pk}
    )
    assert recorded == 1
    assert problems == ["Admin Student: your own certificate; another administrator records it."]
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.career_course_on is None and other.career_course_on is not None
    mine.refresh_from_db()
    assert mine.attended is None


def test_a_ceremony_leaves_out_the_administrators_own_diploma_with_the_reason(
    personas: Personas, two_roles: TwoRoles
) -> None:
    me = two_roles.admin_student
    ready = {"stage": "report_approved"}
    personas.programme_p.career_course_required = False
    personas.programme_p.presentation_required = False
    personas.programme_p.save()
    own = enrolled(personas, me, **ready)
    other = enrolled(personas, personas.student_a, **ready)
    page = client_for(me).get(reverse("certificates:issue_diplomas", args=["nursing"]))
    assert [e.pk for e in page.context["candidates"]] == [other.pk]
    assert "Your own diploma is not listed" in page.content.decode()
    # A batch naming their own enrolment (made before they signed up, say) skips it.
    batch = DiplomaBatch.objects.create(
        programme=personas.programme_p,
        created_by=me,
        language="en",
        enrolment_ids=[own.pk, other.pk],
    )
    issue_batch.call(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.done == 1
    assert [f["enrolment"] for f in batch.failed] == [own.pk]
    assert batch.failed[0]["reason"].startswith(OWN)
    own.refresh_from_db()
    assert own.stage == "report_approved"


def test_approving_several_leaves_ones_own_activities_with_the_reason(
    personas: Personas, two_roles: TwoRoles
) -> None:
    me = two_roles.admin_student
    own = EntryFactory(
        enrolment=EnrolmentFactory(student=me, programme=personas.programme_p), status="submitted"
    )
    other = EntryFactory(
        enrolment=EnrolmentFactory(student=personas.student_a, programme=personas.programme_p),
        status="submitted",
    )
    client = client_for(me)
    queue = client.get(reverse("certificates:entry_queue", args=["nursing"]))
    assert [row.pk for row in queue.context["entries"]] == [other.pk]
    response = client.post(
        reverse("certificates:entry_approve_many", args=["nursing"]),
        {"entries": [own.pk, other.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert "1 activity approved." in html
    assert "1 is your own activity: another administrator decides on it." in html
    own.refresh_from_db()
    other.refresh_from_db()
    assert (own.status, other.status) == ("submitted", "approved")


def test_an_administrator_decides_nothing_on_their_own_activity_proposal(
    personas: Personas, two_roles: TwoRoles
) -> None:
    from activities import services

    me = two_roles.admin_student
    EnrolmentFactory(student=me, programme=personas.programme_p)
    proposal = ProposalFactory(programme=personas.programme_p, student=me)
    with pytest.raises(PermissionDenied, match=OWN):
        services.decline_proposal(proposal=proposal, by=me, reason="Not international.")
    page = client_for(me).get(reverse("activities:proposal", args=["nursing", proposal.pk]))
    assert "This is your own proposal" in page.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == "pending"
    services.decline_proposal(proposal=proposal, by=personas.admin_p, reason="Not international.")
