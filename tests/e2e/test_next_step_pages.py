"""What the demo's students and their administrator read as the next step, in Chromium and in
both languages: it follows a submitted report and a place at the ceremony, a revoked diploma
is shown with its reason, a recorded attendance leaves no place to cancel, and staff read the
step in their own words."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from certificates import upcoming
from certificates.models import Session
from cil.models import User
from portfolio.models import Enrolment
from tests.e2e.conftest import Visit, prefer_language, sign_in_as

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {
        "awaiting": "Your final report is awaiting review",
        "stale_report": "Write your final report",
        "sign_up": "Sign me up",
        "cancel": "Cancel my place",
        "signed_up": "You are signed up for CIL ceremony",
        "stale_session": "sign up for a presentation session",
        "revoked": "was revoked on",
        "staff_report": "The final report is waiting for a reviewer.",
    },
    "nb": {
        "awaiting": "Den avsluttende refleksjonsrapporten din venter på vurdering",
        "stale_report": "Skriv den avsluttende refleksjonsrapporten",
        "sign_up": "Meld meg på",
        "cancel": "Meld meg av",
        "signed_up": "Du er påmeldt CIL ceremony",
        "stale_session": "meld deg på en presentasjon",
        "revoked": "ble trukket tilbake",
        "staff_report": "Den avsluttende refleksjonsrapporten venter på en fagperson.",
    },
}
REASON = "Issued with a misspelt name; a corrected diploma will follow."


def as_user(visit: Visit, language: str, name: str) -> None:
    visit.page.context.clear_cookies()
    prefer_language(visit, language)
    sign_in_as(visit, User.objects.get(email=f"{name}@uni.example"))


@pytest.mark.parametrize("language", ["en", "nb"])
def test_the_next_step_follows_every_stage(visit: Visit, settings, language: str) -> None:
    settings.DEBUG = True
    call_command("seed_demo")
    t = TEXT[language]
    page = visit.page
    step = page.locator(".next-step")

    # A submitted report: the student waits for the review; for staff it is a reviewer's turn.
    as_user(visit, language, "emil.student")
    visit.goto("/portfolio/")
    expect(step).to_contain_text(t["awaiting"])
    expect(step).not_to_contain_text(t["stale_report"])
    emil = Enrolment.objects.get(student__email="emil.student@uni.example")
    as_user(visit, language, "lars.admin")
    visit.goto(f"/manage/medicine/students/{emil.pk}/")
    expect(step).to_have_text(
        f"{'Neste steg:' if language == 'nb' else 'Next step:'} {t['staff_report']}"
    )

    # Signing up for the ceremony moves the step on; a recorded attendance ends the place.
    as_user(visit, language, "farah.student")
    visit.goto("/portfolio/")
    page.get_by_role("button", name=t["sign_up"]).click()
    visit.check("-signed-up")
    expect(step).to_contain_text(t["signed_up"])
    expect(step).not_to_contain_text(t["stale_session"])
    expect(page.get_by_role("button", name=t["cancel"])).to_be_visible()
    Session.objects.filter(kind=Session.Kind.CEREMONY).update(attendance_recorded_at=timezone.now())
    upcoming.forget()  # as record_attendance does: an update sends no signal
    visit.goto("/portfolio/")
    expect(page.get_by_role("button", name=t["cancel"])).to_have_count(0)
    expect(page.get_by_role("button", name=t["sign_up"])).to_have_count(0)

    # A revoked diploma: an alert with the reason, and what happens next.
    as_user(visit, language, "hanna.student")
    visit.goto("/portfolio/")
    alert = page.locator(".alert-danger")
    expect(alert).to_contain_text(t["revoked"])
    expect(alert).to_contain_text(REASON)
