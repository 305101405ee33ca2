"""The History reads each event once, in its own words."""

from __future__ import annotations

from collections import Counter

import pytest
from django.conf import settings
from django.urls import reverse

from certificates import workflow
from cil.audit import ACTION_LABELS
from tests.conftest import Personas
from tests.factories import enrolment_with_activities
from tests.support.clients import client_for


def test_no_two_actions_share_a_label() -> None:
    labels = Counter(str(label) for label in ACTION_LABELS.values())
    assert [label for label, n in labels.items() if n > 1] == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "approved"),
    [("en", "final report approved"), ("nb", "avsluttende refleksjonsrapport godkjent")],
)
def test_one_report_approval_reads_once_in_the_history(
    personas: Personas, language: str, approved: str
) -> None:
    enrolment = enrolment_with_activities(
        student=personas.student_a, programme=personas.programme_p, stage="activities_approved"
    )
    report = workflow.start_report(enrolment=enrolment, by=personas.student_a)
    report.status = "submitted"
    report.save(update_fields=["status"])
    report.versions.create(number=1, sections=[], summary="", word_count=0)
    workflow.report_transition(report=report, by=personas.reviewer_p, action="approve")
    client = client_for(personas.student_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("portfolio:history")).content.decode()
    history = page[page.index('class="history') :]
    assert history.count(f"· {approved}") == 1
