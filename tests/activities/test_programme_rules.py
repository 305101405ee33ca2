from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from activities.models import StudyProgramme
from activities.rules import (
    DEFAULT_RULES,
    CompletedEntry,
    Location,
    RuleSet,
    Substitution,
    evaluate,
)
from tests.factories import ProgrammeFactory


@pytest.mark.django_db
def test_a_programme_gives_the_rules_engine_its_own_rules() -> None:
    programme = ProgrammeFactory(
        min_activities=3,
        min_home=1,
        min_abroad=0,
        career_course_required=True,
        size_requirements={"A": 1, "B": 2},
        size_substitutions=[{"size": "C", "count": 3, "replaces": "B"}],
        report_min_words=300,
        report_max_words=600,
    )
    assert programme.ruleset() == RuleSet(
        min_activities=3,
        min_home=1,
        min_abroad=0,
        career_course_required=True,
        presentation_required=True,
        size_requirements={"A": 1, "B": 2},
        substitutions=(Substitution(size="C", count=3, replaces="B"),),
        report_min_words=300,
        report_max_words=600,
    )
    assert "Going abroad is optional." in programme.ruleset().describe()


def test_a_new_programme_starts_from_the_rules_engines_defaults() -> None:
    assert StudyProgramme().ruleset() == DEFAULT_RULES == RuleSet()


def test_a_programme_refuses_by_field_the_rules_the_engine_cannot_hold() -> None:
    programme = StudyProgramme(
        min_activities=2,
        min_home=2,
        min_abroad=1,
        size_requirements={"A": 1},
        size_substitutions=[{"size": "C", "count": 3, "replaces": "B"}],
        report_min_words=800,
        report_max_words=600,
    )
    with pytest.raises(ValidationError) as refused:
        programme.clean()
    assert sorted(refused.value.message_dict) == [
        "min_activities",
        "report_max_words",
        "size_substitutions",
    ]


@pytest.mark.django_db
def test_home_and_abroad_minimums_cannot_exceed_the_number_of_activities() -> None:
    with transaction.atomic(), pytest.raises(IntegrityError):
        ProgrammeFactory(min_activities=3, min_home=2, min_abroad=2)


@pytest.mark.django_db
def test_report_word_range_must_be_in_order() -> None:
    with transaction.atomic(), pytest.raises(IntegrityError):
        ProgrammeFactory(report_min_words=1000, report_max_words=500)


def test_rules_kept_with_an_enrolment_survive_a_round_trip() -> None:
    rules = RuleSet(
        min_activities=4,
        min_home=2,
        min_abroad=1,
        size_requirements={"A": 1},
        substitutions=(Substitution(size="C", count=2, replaces="A"),),
    )
    assert RuleSet.from_dict(rules.to_dict()) == rules
    entries = [CompletedEntry(activity_key=i, location=Location.HOME, size="C") for i in range(2)]
    assert evaluate(RuleSet.from_dict(rules.to_dict()), entries) == evaluate(rules, entries)
