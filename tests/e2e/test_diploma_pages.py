"""Issuing a ceremony's diplomas with a progress page, and the verification pages an employer
sees (valid, revoked, too many look-ups), in both languages."""

from __future__ import annotations

import datetime
import json
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from certificates import credential, workflow
from certificates.models import Diploma
from cil import ratelimit
from cil.vc import keys
from tests.conftest import Personas
from tests.e2e.conftest import Visit, prefer_language, sign_in_as
from tests.factories import (
    UserFactory,
    enrolment_with_activities,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {
        "issue": "Issue the diplomas",
        "done": "3 of 3 issued",
        "valid": "Valid.",
        "revoked": "Revoked.",
        "busy": "Too many requests",
        "credential": "digital credential (Open Badges 3.0)",
    },
    "nb": {
        "issue": "Utsted diplomene",
        "done": "3 av 3 utstedt",
        "valid": "Gyldig.",
        "revoked": "Trukket tilbake.",
        "busy": "For mange forespørsler",
        "credential": "digitalt kompetansebevis (Open Badges 3.0)",
    },
}


def presented(personas: Personas):
    enrolment = enrolment_with_activities(
        student=UserFactory(), programme=personas.programme_p, stage="report_approved"
    )
    workflow.advance(
        enrolment=enrolment,
        by=personas.admin_p,
        action="record_presentation",
        presented_on=datetime.date(2026, 6, 5),
    )
    return enrolment


@pytest.mark.parametrize("language", ["en", "nb"])
def test_a_ceremony_then_an_employer_checks_and_one_is_revoked(
    visit: Visit, personas: Personas, language: str, settings, monkeypatch
) -> None:
    t = TEXT[language]
    for _ in range(3):
        presented(personas)
    prefer_language(visit, language)
    sign_in_as(visit, personas.admin_p)
    visit.goto("/manage/nursing/diplomas/")
    visit.page.get_by_role("button", name=t["issue"]).click()
    visit.check()
    expect(visit.page.get_by_role("status")).to_contain_text(t["done"])
    assert Diploma.objects.count() == 3

    first, second = Diploma.objects.order_by("pk")[:2]
    workflow.advance(
        enrolment=second.enrolment,
        by=personas.admin_p,
        action="revoke_diploma",
        comment="Wrong name.",
    )
    visit.page.context.clear_cookies()
    prefer_language(visit, language)
    # One minute for the three look-ups, even if the clock passes a minute's edge meanwhile.
    frozen = time.time()
    monkeypatch.setattr(ratelimit, "_now", lambda: frozen)
    visit.goto(f"/verify/{first.code}/")
    expect(visit.page.get_by_role("status")).to_contain_text(t["valid"])
    # The employer takes the signed credential from the page, and it verifies.
    with visit.page.expect_download() as download:
        visit.page.get_by_role("link", name=t["credential"]).click()
    assert download.value.suggested_filename == f"{first.number}.credential.json"
    signed = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert credential.verify(signed)["verificationMethod"].startswith(keys.issuer_did() + "#")
    visit.goto(f"/verify/{second.code}/")
    expect(visit.page.get_by_role("status")).to_contain_text(t["revoked"])
    settings.CIL_VERIFY_RATE_PER_MINUTE = 2
    visit.goto(f"/verify/{first.code}/")
    expect(visit.page.get_by_role("heading", level=1)).to_have_text(t["busy"])
