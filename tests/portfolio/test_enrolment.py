"""Signing up for the certificate, the rules kept with it, and withdrawing."""

from __future__ import annotations

import pytest
from django.db import IntegrityError
from django.urls import reverse

from activities import services as activity_services
from activities.rules import RuleSet
from cil.models import AuditEvent
from portfolio import services
from portfolio.models import Enrolment
from tests.conftest import Personas
from tests.factories import EnrolmentFactory
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db

SIGNUP = {"expected_term": "spring", "expected_year": "2028", "accept": "on"}


def test_student_signs_up_and_the_rules_of_the_day_are_kept(personas: Personas) -> None:
    response = client_for(personas.student_a).post(
        reverse("portfolio:signup", args=["nursing"]), SIGNUP
    )
    assert response.status_code == 302
    enrolment = Enrolment.objects.get()
    assert (enrolment.student, enrolment.programme, enrolment.expected_year) == (
        personas.student_a,
        personas.programme_p,
        2028,
    )
    assert enrolment.ruleset() == personas.programme_p.ruleset()
    # The programme asks for more later; the student keeps the rules they signed up under.
    activity_services.update_rules(
        programme=personas.programme_p, by=personas.admin_p, values={"min_activities": 5}
    )
    enrolment.refresh_from_db()
    assert enrolment.ruleset().min_activities == 3
    assert AuditEvent.objects.filter(
        action="enrolment.created", subject=personas.student_a
    ).exists()


def test_signing_up_needs_the_rules_accepted(personas: Personas) -> None:
    response = client_for(personas.student_a).post(
        reverse("portfolio:signup", args=["nursing"]), {**SIGNUP, "accept": ""}
    )
    assert response.status_code == 200
    assert "accept" in response.context["form"].errors
    assert not Enrolment.objects.exists()


def test_a_closed_programme_refuses_sign_up(personas: Personas) -> None:
    personas.programme_p.signup_open = False
    personas.programme_p.save()
    response = client_for(personas.student_a).post(
        reverse("portfolio:signup", args=["nursing"]), SIGNUP, follow=True
    )
    assert "not open for sign-up" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_one_active_enrolment_per_programme(personas: Personas) -> None:
    services.enrol(
        student=personas.student_a,
        programme=personas.programme_p,
        expected_term="spring",
        expected_year=2028,
    )
    with pytest.raises(services.PortfolioError, match="already signed up"):
        services.enrol(
            student=personas.student_a,
            programme=personas.programme_p,
            expected_term="spring",
            expected_year=2028,
        )
    # The database holds the line too, should two requests race past the check.
    with pytest.raises(IntegrityError):
        EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)


def test_withdrawing_keeps_the_enrolment_and_allows_signing_up_again(personas: Personas) -> None:
    enrolment = services.enrol(
        student=personas.student_a,
        programme=personas.programme_p,
        expected_term="autumn",
        expected_year=2027,
    )
    client = client_for(personas.student_a)
    assert client.get(reverse("portfolio:withdraw", args=[enrolment.pk])).status_code == 200
    client.post(reverse("portfolio:withdraw", args=[enrolment.pk]), {"reason": "Moving abroad."})
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.WITHDRAWN
    assert enrolment.withdrawal_reason == "Moving abroad."
    with pytest.raises(services.PortfolioError, match="already withdrawn"):
        services.withdraw(enrolment=enrolment, by=personas.student_a)
    again = services.enrol(
        student=personas.student_a,
        programme=personas.programme_p,
        expected_term="autumn",
        expected_year=2028,
    )
    assert Enrolment.objects.count() == 2 and again.is_active


def test_another_student_cannot_withdraw_someone_else(personas: Personas) -> None:
    enrolment = EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)
    response = client_for(personas.student_b).post(
        reverse("portfolio:withdraw", args=[enrolment.pk])
    )
    assert response.status_code == 404
    enrolment.refresh_from_db()
    assert enrolment.is_active


def test_administrators_see_new_sign_ups(personas: Personas) -> None:
    EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)
    EnrolmentFactory(student=personas.student_b, programme=personas.programme_q)
    page = client_for(personas.admin_p).get(
        reverse("portfolio:programme_students", args=["nursing"])
    )
    body = page.content.decode()
    assert "Student A" in body and "Student B" not in body


def test_enrolment_rules_round_trip_through_the_engine(personas: Personas) -> None:
    enrolment = EnrolmentFactory(student=personas.student_a, programme=personas.programme_q)
    assert isinstance(enrolment.ruleset(), RuleSet)
    assert enrolment.ruleset().min_abroad == 0


def test_sign_ups_are_paged_and_searchable(personas: Personas) -> None:
    from tests.factories import UserFactory

    for i in range(55):
        EnrolmentFactory(
            student=UserFactory(full_name=f"Student {i:02d}"), programme=personas.programme_p
        )
    EnrolmentFactory(student=UserFactory(full_name="Ingrid Ås"), programme=personas.programme_p)
    client = client_for(personas.admin_p)
    url = reverse("portfolio:programme_students", args=["nursing"])
    first = client.get(url)
    assert len(first.context["enrolments"]) == 50
    title = first.content.decode().split("<title>")[1].split("</title>")[0]
    assert "Page" not in title and title.startswith("Students")  # the pages sit below the list
    assert len(client.get(url, {"page": 2}).context["enrolments"]) == 6
    found = client.get(url, {"q": "ingrid"})
    assert [e.student.full_name for e in found.context["enrolments"]] == ["Ingrid Ås"]
