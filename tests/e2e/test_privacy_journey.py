"""The privacy notice at sign-up and after a change, and who has seen a student's portfolio."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cil import privacy
from cil.models import PrivacyAcceptance, User
from tests.e2e.conftest import prefer_language, sign_in_as
from tests.factories import EnrolmentFactory, EntryFactory, EvidenceFactory
from tests.support.clients import client_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_signing_up_needs_the_privacy_notice_ticked(visit, personas) -> None:
    notice = privacy.publish(text_en="We store **little**.", text_nb="Lite.", by=personas.central)
    page = visit.page
    visit.goto("/accounts/signup/")
    page.get_by_label("Full name*", exact=True).fill("Ingrid Kristiansen")
    page.get_by_label("Email*", exact=True).fill("ingrid@uni.example")
    page.get_by_label("Password*", exact=True).fill("a-long-and-unusual-passphrase")
    page.get_by_label("Password (again)*", exact=True).fill("a-long-and-unusual-passphrase")
    page.get_by_role("button", name="Sign Up").click()
    visit.check("-unticked")
    # The browser itself refuses the form while the box is not ticked (the server too:
    # tests/cil/test_privacy.py).
    box = page.get_by_label("I have read the privacy notice")
    expect(box).to_have_attribute("required", "")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign Up")
    assert not User.objects.filter(email="ingrid@uni.example").exists()
    expect(
        page.get_by_role("link", name="Read the privacy notice (opens in a new tab)")
    ).to_be_visible()
    box.check()
    page.get_by_role("button", name="Sign Up").click()
    visit.check("-ticked")
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify Your Email Address")
    user = User.objects.get(email="ingrid@uni.example")
    assert PrivacyAcceptance.objects.filter(user=user, notice=notice).exists()


@pytest.mark.parametrize(
    ("language", "heading", "accept"),
    [
        ("en", "Updated privacy notice", "I have read the privacy notice and accept it"),
        ("nb", "Oppdatert personvernerklæring", "Jeg har lest personvernerklæringen og godtar den"),
    ],
)
def test_a_changed_notice_is_asked_for_again_and_accepted(
    visit, personas, language: str, heading: str, accept: str
) -> None:
    first = privacy.publish(text_en="First.", text_nb="Første.", by=personas.central)
    privacy.accept(user=personas.student_a, notice=first, occasion="signup")
    second = privacy.publish(
        text_en="## What is stored\nYour portfolio.",
        text_nb="## Hva som lagres\nPorteføljen din.",
        by=personas.central,
    )
    privacy.forget_current_version()
    prefer_language(visit, language)
    sign_in_as(visit, personas.student_a)
    page = visit.page
    visit.goto(reverse("portfolio:home"))
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    page.get_by_role("button", name=accept).click()
    visit.check(f"-{language}-accepted")
    assert page.url.endswith(reverse("portfolio:home"))
    assert PrivacyAcceptance.objects.filter(user=personas.student_a, notice=second).exists()
    visit.goto("/privacy/")
    expect(page.get_by_role("heading", level=3)).to_have_text(
        "What is stored" if language == "en" else "Hva som lagres"
    )


@pytest.mark.parametrize("language", ["en", "nb"])
def test_a_student_sees_who_looked_after_an_administrator_opened_their_evidence(
    visit, personas, language: str
) -> None:
    enrolment = EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)
    entry = EntryFactory(enrolment=enrolment, status="submitted")
    evidence = EvidenceFactory(entry=entry)
    assert (
        client_for(personas.admin_p)
        .get(reverse("portfolio:evidence_file", args=[evidence.pk]))
        .status_code
        == 200
    )
    prefer_language(visit, language)
    sign_in_as(visit, personas.student_a)
    page = visit.page
    visit.goto(reverse("portfolio:home"))
    page.get_by_role(
        "link",
        name="Who has seen my portfolio" if language == "en" else "Hvem har sett porteføljen min",
    ).click()
    visit.check(f"-{language}-seen")
    row = page.get_by_role("row").nth(1)
    expect(row).to_contain_text(personas.admin_p.full_name)
    expect(row).to_contain_text(
        "Certificate administrator" if language == "en" else "Sertifikatadministrator"
    )
