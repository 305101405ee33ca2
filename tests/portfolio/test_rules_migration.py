"""The data migration that gives each enrolment's kept rules the final report's word range."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from tests.factories import EnrolmentFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "portfolio.migrations.0005_enrolment_rules_keep_report_word_range"
)


def test_rules_kept_without_a_word_range_get_their_programmes_current_one() -> None:
    programme = ProgrammeFactory(report_min_words=300, report_max_words=700)
    older = EnrolmentFactory(programme=programme)
    older.rules = {k: v for k, v in older.rules.items() if not k.startswith("report_")}
    older.rules["min_activities"] = 4  # the rules of its day, which stay as they are
    older.save(update_fields=["rules"])
    newer = EnrolmentFactory(
        programme=programme, rules={**older.rules, "report_min_words": 100, "report_max_words": 200}
    )

    migration.copy_programme_word_range(apps, None)

    older.refresh_from_db()
    newer.refresh_from_db()
    assert (older.ruleset().report_min_words, older.ruleset().report_max_words) == (300, 700)
    assert older.ruleset().min_activities == 4
    assert (newer.ruleset().report_min_words, newer.ruleset().report_max_words) == (100, 200)
