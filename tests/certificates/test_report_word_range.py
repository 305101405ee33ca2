"""The final report's word range is the student's own, kept at sign-up, not the programme's."""

from __future__ import annotations

import pytest
from django.urls import reverse

from activities import services as activity_services
from certificates import workflow
from certificates.models import FinalReport
from portfolio import services as portfolio_services
from tests.certificates.test_report import write
from tests.conftest import Personas
from tests.factories import enrolment_with_activities
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(personas: Personas) -> FinalReport:
    """A report started under 500-1000 words, after which the programme asks for 100-300."""
    enrolment = enrolment_with_activities(
        student=personas.student_a, programme=personas.programme_p, stage="activities_approved"
    )
    activity_services.update_rules(
        programme=personas.programme_p,
        by=personas.admin_p,
        values={"report_min_words": 100, "report_max_words": 300},
    )
    return workflow.start_report(enrolment=enrolment, by=personas.student_a)


def test_a_student_writing_keeps_the_range_they_signed_up_under(
    personas: Personas, report: FinalReport
) -> None:
    write(report, personas.student_a, 600)
    workflow.report_transition(report=report, by=personas.student_a, action="submit")
    report.refresh_from_db()
    assert report.status == FinalReport.Status.SUBMITTED


def test_the_programmes_new_range_does_not_let_a_student_under_the_old_one_through(
    personas: Personas, report: FinalReport
) -> None:
    write(report, personas.student_a, 200)
    with pytest.raises(workflow.WorkflowError, match="it must have between 500 and 1000"):
        workflow.report_transition(report=report, by=personas.student_a, action="submit")


def test_the_editor_shows_and_counts_against_the_students_own_range(
    personas: Personas, report: FinalReport
) -> None:
    page = client_for(personas.student_a).get(
        reverse("certificates:report", args=[report.enrolment.pk])
    )
    html = page.content.decode()
    assert "Write an essay of 500\u20131000 words" in html
    assert "(needed: 500\u20131000)" in html
    assert 'data-min-words="500" data-max-words="1000"' in html
    assert "100\u2013300" not in html


def test_a_new_sign_up_gets_the_programmes_new_range(personas: Personas) -> None:
    activity_services.update_rules(
        programme=personas.programme_p,
        by=personas.admin_p,
        values={"report_min_words": 100, "report_max_words": 300},
    )
    enrolment = portfolio_services.enrol(
        student=personas.student_b,
        programme=personas.programme_p,
        expected_term="spring",
        expected_year=2028,
    )
    rules = enrolment.ruleset()
    assert (rules.report_min_words, rules.report_max_words) == (100, 300)
