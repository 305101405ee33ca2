"""Expected completion at sign-up: offered from the term now running, proposed a year ahead,
and a term already over refused."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from portfolio import terms
from portfolio.forms import SignupForm
from tests.conftest import Personas
from tests.support.clients import client_for


@pytest.mark.parametrize(
    ("today", "term", "year"),
    [
        (datetime.date(2026, 1, 1), "spring", 2026),
        (datetime.date(2026, 6, 30), "spring", 2026),
        (datetime.date(2026, 7, 1), "autumn", 2026),
        (datetime.date(2026, 12, 31), "autumn", 2026),
    ],
)
def test_spring_is_january_to_june_and_autumn_july_to_december(
    today: datetime.date, term: str, year: int
) -> None:
    assert terms.current_term(today) == (term, year)


def test_a_term_is_over_once_its_last_day_has_passed() -> None:
    november = datetime.date(2026, 11, 30)
    assert terms.is_over("spring", 2026, today=november)
    assert terms.is_over("autumn", 2025, today=november)
    assert not terms.is_over("autumn", 2026, today=november)
    assert not terms.is_over("spring", 2027, today=november)


def test_the_form_proposes_the_same_term_a_year_ahead_and_no_past_year() -> None:
    form = SignupForm()
    term, year = terms.current_term(form.today)
    assert (form["expected_term"].value(), form["expected_year"].value()) == (term, year + 1)
    years = [int(y) for y in re.findall(r'<option value="(\d+)"', str(form["expected_year"]))]
    assert min(years) == form.today.year
    assert not terms.is_over(
        form["expected_term"].value(), form["expected_year"].value(), today=form.today
    )


@pytest.mark.django_db
def test_a_term_already_over_is_refused_with_a_reason(personas: Personas) -> None:
    today = datetime.date.today()
    past_term = "spring" if today.month >= 7 else "autumn"
    past_year = today.year if today.month >= 7 else today.year - 1
    client = client_for(personas.student_a)
    url = reverse("portfolio:signup", args=[personas.programme_p.code])
    answer = client.post(
        url, {"expected_term": past_term, "expected_year": str(past_year), "accept": "on"}
    )
    assert answer.status_code == 200
    assert not personas.student_a.enrolments.exists()
    if past_year == today.year:  # a past year is not even offered
        assert "is already over: choose a term that has not ended." in answer.content.decode()
