"""Where a number meets a noun, the noun agrees with it, in both languages."""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from activities.rules import RuleSet, Substitution
from certificates import workflow
from certificates.forms import FollowUpFilter
from certificates.models import Session
from tests.conftest import Personas
from tests.factories import EnrolmentFactory, EntryFactory, UserFactory
from tests.support.clients import client_for

ONE_AND_TWO = {
    "en": (
        "1 month",
        "2 months",
        "1 activity of size S can replace",
        "Attendance recorded: 1 student.",
    ),
    "nb": (
        "1 måned",
        "2 måneder",
        "1 aktivitet av størrelse S kan erstatte",
        "Oppmøte registrert: 1 student.",
    ),
}


@pytest.mark.parametrize("language", ["en", "nb"])
def test_the_follow_up_periods_agree_with_their_number(language: str) -> None:
    with translation.override(language):
        labels = dict(
            re.findall(
                r'<option value="(\d+)"[^>]*>([^<]+)</option>', str(FollowUpFilter()["months"])
            )
        )
    assert (labels["1"], labels["2"]) == ONE_AND_TWO[language][:2]


@pytest.mark.parametrize("language", ["en", "nb"])
def test_one_substitute_is_one_activity(language: str) -> None:
    rules = RuleSet(
        min_activities=3,
        size_requirements={"M": 1},
        substitutions=(Substitution(size="S", count=1, replaces="M"),),
    )
    with translation.override(language):
        assert any(line.startswith(ONE_AND_TWO[language][2]) for line in rules.describe())


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "nb"])
def test_attendance_of_one_student_says_student(personas: Personas, language: str) -> None:
    session = Session.objects.create(
        kind="ceremony",
        starts_at=timezone.now() + datetime.timedelta(days=1),
        place="Aula",
        capacity=30,
    )
    session.programmes.add(personas.programme_p)
    enrolment = EnrolmentFactory(
        student=UserFactory(), programme=personas.programme_p, stage="report_approved"
    )
    signup = workflow.sign_up_for_session(
        session=session, enrolment=enrolment, by=enrolment.student
    )
    # Attendance is recorded once the session has begun.
    Session.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=2)
    )
    client = client_for(personas.admin_p)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.post(
        reverse("certificates:session", args=["nursing", session.pk]),
        {"attended": [signup.pk]},
        follow=True,
    ).content.decode()
    assert ONE_AND_TWO[language][3] in page


@pytest.mark.django_db
def test_approving_one_activity_says_activity(personas: Personas) -> None:
    enrolment = EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)
    entry = EntryFactory(enrolment=enrolment, status="submitted", submitted_at=timezone.now())
    client = client_for(personas.admin_p)
    page = client.post(
        reverse("certificates:entry_approve_many", args=["nursing"]),
        {"entries": [entry.pk]},
        follow=True,
    ).content.decode()
    assert "1 activity approved." in page
