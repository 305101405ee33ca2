"""A newcomer signs up, verifies the e-mail address, signs in, switches language, signs out."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from cil.models import User

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_newcomer_signs_up_verifies_signs_in_switches_language_and_signs_out(visit) -> None:
    page = visit.page
    visit.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Certificate of International Learning (CIL)"
    )

    page.get_by_role("main").get_by_role("link", name="Sign up").click()
    visit.check()
    # Required fields carry an asterisk in their label.
    page.get_by_label("Full name*", exact=True).fill("Ingrid Kristiansen")
    page.get_by_label("Email*", exact=True).fill("ingrid@uni.example")
    page.get_by_label("Password*", exact=True).fill("a-long-and-unusual-passphrase")
    page.get_by_label("Password (again)*", exact=True).fill("a-long-and-unusual-passphrase")
    page.get_by_role("button", name="Sign Up").click()
    visit.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify Your Email Address")

    # The verification e-mail, read from the test mailbox.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ingrid@uni.example"]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", str(mail.outbox[0].body))
    assert link, mail.outbox[0].body
    page.goto(link.group(0))
    visit.check()
    page.get_by_role("button", name="Confirm").click()
    visit.check()
    expect(page.get_by_role("alert").or_(page.get_by_role("status")).first).to_contain_text(
        "You have confirmed ingrid@uni.example"
    )

    page.get_by_label("Email*", exact=True).fill("ingrid@uni.example")
    page.get_by_label("Password*", exact=True).fill("a-long-and-unusual-passphrase")
    page.get_by_role("button", name="Sign In", exact=True).click()
    visit.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Ingrid")
    assert User.objects.get(email="ingrid@uni.example").full_name == "Ingrid Kristiansen"

    page.get_by_role("button", name="Norsk (bokmål)").click()
    visit.check("-nb")
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    expect(page.get_by_role("link", name="Min portefølje")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Velkommen, Ingrid")

    page.get_by_role("button", name="Logg ut").click()
    visit.check("-nb")
    expect(page.get_by_role("link", name="Logg inn").first).to_be_visible()
    assert page.url.rstrip("/") == visit.base_url
