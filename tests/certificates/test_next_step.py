"""The next step follows the state at every stage: the demo's students, one per stage, each read
the step that is theirs, and their administrator reads it in staff's own words."""

from __future__ import annotations

import datetime
import re
from html import unescape

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from certificates import workflow
from certificates.models import FinalReport, Session, SessionSignup
from cil.models import User
from portfolio.models import Enrolment
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db

# What each demo student reads as their next step on their portfolio home.
STUDENT_STEP = {
    "ada": "Finish and submit “",
    "ben": "Finish and submit “",
    "dina": "Wait for the certificate administrator to give final approval of your activities.",
    "emil": "Your final report is awaiting review",
    "farah": "sign up for a presentation session",
    "gustav": "Your diploma is issued. Congratulations!",
    "hanna": "Your certificate administrator will issue a corrected diploma",
}
# What their administrator reads on the student's page.
STAFF_STEP = {
    "ada": "Review the activities awaiting approval",
    "ben": "Waiting for the student's activities",
    "dina": "Give final approval of the activities",
    "emil": "The final report is waiting for a reviewer.",
    "farah": "Waiting for the student's presentation",
    "gustav": "Nothing more to do: the diploma is issued.",
    "hanna": "Issue a corrected diploma",
}
# Words meant for one side that must never reach the other.
STUDENT_WORDS = re.compile(r"\byour\b|\byou\b", re.IGNORECASE)


def next_steps(html: str) -> list[str]:
    found = re.findall(r'class="next-step[^"]*">\s*<strong>[^<]*</strong>(.*?)</p>', html, re.S)
    return [" ".join(unescape(re.sub(r"<[^>]+>", "", text)).split()) for text in found]


@pytest.fixture
def demo(settings) -> None:
    settings.DEBUG = True
    call_command("seed_demo")


def student(name: str) -> User:
    return User.objects.get(email=f"{name}.student@uni.example")


def home_step(name: str) -> str:
    [step] = next_steps(client_for(student(name)).get(reverse("portfolio:home")).content.decode())
    return step


def staff_step(name: str) -> str:
    enrolment = Enrolment.objects.select_related("programme").get(student=student(name))
    admin = enrolment.programme.staff("administrator").first()
    page = client_for(admin).get(
        reverse("certificates:student", args=[enrolment.programme.code, enrolment.pk])
    )
    [step] = next_steps(page.content.decode())
    return step


def test_every_demo_student_reads_the_next_step_of_their_stage(demo) -> None:
    for name, expected in STUDENT_STEP.items():
        assert expected in home_step(name), name
    chloe = client_for(student("chloe")).get(reverse("portfolio:home")).content.decode()
    assert "Sign up for the certificate in your study programme" in chloe


def test_staff_read_the_next_step_in_their_own_words(demo) -> None:
    for name, expected in STAFF_STEP.items():
        step = staff_step(name)
        assert expected in step, name
        assert not STUDENT_WORDS.search(step), (name, step)


def test_the_next_step_moves_on_when_the_student_signs_up_for_the_ceremony(demo) -> None:
    farah = Enrolment.objects.get(student=student("farah"))
    ceremony = Session.objects.get(kind=Session.Kind.CEREMONY)
    workflow.sign_up_for_session(session=ceremony, enrolment=farah, by=farah.student)
    step = home_step("farah")
    assert "You are signed up for CIL ceremony" in step and "Main auditorium" in step
    assert "sign up for a presentation session" not in step
    assert "record the attendance" in staff_step("farah")


def test_a_returned_report_asks_for_a_revision(demo) -> None:
    emil = Enrolment.objects.get(student=student("emil"))
    report = FinalReport.objects.get(enrolment=emil)
    reviewer = emil.programme.staff("reviewer").first()
    assert reviewer is not None
    workflow.report_transition(
        report=report, by=reviewer, action="return", comment="Say more about the clerkship."
    )
    assert "revise it and submit it again" in home_step("emil")
    assert "Waiting for the student to revise the returned final report." in staff_step("emil")


def test_a_revoked_diploma_is_shown_to_the_student_with_its_reason(demo) -> None:
    page = client_for(student("hanna")).get(reverse("portfolio:home")).content.decode()
    alert = re.search(r'<div class="alert alert-danger[^"]*"[^>]*>(.*?)</div>', page, re.S)
    assert alert, "no alert on the portfolio home"
    assert "revoked" in alert.group(1)
    assert "Issued with a misspelt name; a corrected diploma will follow." in alert.group(1)
    assert "Everything is done" not in home_step("hanna")


def test_a_corrected_diploma_ends_the_revocation_alert(demo) -> None:
    hanna = Enrolment.objects.get(student=student("hanna"))
    admin = hanna.programme.staff("administrator").first()
    assert admin is not None
    workflow.advance(enrolment=hanna, by=admin, action="issue_diploma", language="en")
    page = client_for(student("hanna")).get(reverse("portfolio:home")).content.decode()
    assert "alert-danger" not in page
    assert "Congratulations" in home_step("hanna")


def test_a_withdrawn_student_has_no_step_left(demo) -> None:
    ben = Enrolment.objects.get(student=student("ben"))
    Enrolment.objects.filter(pk=ben.pk).update(
        status=Enrolment.Status.WITHDRAWN, withdrawn_at=timezone.now()
    )
    assert "Nothing to do: the student has withdrawn." in staff_step("ben")


def test_attendance_recorded_leaves_no_session_to_sign_up_for(demo) -> None:
    farah = Enrolment.objects.get(student=student("farah"))
    ceremony = Session.objects.get(kind=Session.Kind.CEREMONY)
    workflow.sign_up_for_session(session=ceremony, enrolment=farah, by=farah.student)
    SessionSignup.objects.filter(enrolment=farah).update(attended=False)
    Session.objects.filter(pk=ceremony.pk).update(
        attendance_recorded_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    # Not signed up for an open session any more: back to finding one.
    assert "sign up for a presentation session" in home_step("farah")
