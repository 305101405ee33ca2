"""A student sees where their account is signed in and signs out the other sessions; after a
thief makes their own address primary, the owner undoes it from the notice."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from playwright.sync_api import expect

from tests.e2e.conftest import prefer_language
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in_with_the_form(visit, email: str) -> None:
    visit.goto("/accounts/login/")
    visit.page.get_by_label("Email*", exact=True).fill(email)
    visit.page.get_by_label("Password*", exact=True).fill(PASSWORD)
    visit.page.get_by_role("button", name="Sign In", exact=True).click()
    visit.check()


def test_student_sees_sessions_and_signs_out_the_other_one(visit) -> None:
    user = UserFactory(email="ingrid@uni.example", full_name="Ingrid")
    other = Client(HTTP_USER_AGENT="Old phone browser")
    other.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert other.get("/portfolio/").status_code == 200

    page = visit.page
    sign_in_with_the_form(visit, user.email)
    page.get_by_role("link", name="Account").click()
    visit.check()
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Sessions").click()
    visit.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sessions")
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows).to_have_count(3)  # the heading row and two sessions
    expect(page.get_by_role("table")).to_contain_text("Old phone browser")
    expect(page.get_by_role("table")).to_contain_text("This browser")

    page.get_by_role("button", name="Sign out other sessions").click()
    visit.check()
    expect(page.get_by_role("table").get_by_role("row")).to_have_count(2)
    assert other.get("/portfolio/")["Location"].startswith("/accounts/login/")


def test_sessions_page_in_bokmal(visit) -> None:
    user = UserFactory(email="ingrid@uni.example", full_name="Ingrid")
    prefer_language(visit, "nb")
    visit.goto("/accounts/login/")
    visit.page.get_by_label("E-post*", exact=True).fill(user.email)
    visit.page.get_by_label("Passord*", exact=True).fill(PASSWORD)
    visit.page.get_by_role("main").get_by_role("button", name="Logg inn", exact=True).click()
    visit.check("-nb")
    visit.goto("/accounts/sessions/")
    expect(visit.page.get_by_role("heading", level=1)).to_have_text("Økter")
    expect(visit.page.get_by_role("table")).to_contain_text("Denne nettleseren")


def test_owner_undoes_a_new_primary_address_from_the_notice(visit, live_server) -> None:
    user = UserFactory(email="ingrid@uni.example", full_name="Ingrid")
    thief = Client()
    thief.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    thief.post("/accounts/reauthenticate/", {"password": PASSWORD})
    thief.post("/accounts/email/", {"action_add": "", "email": "thief@evil.example"})
    found = re.search(r"/accounts/confirm-email/\S+/", str(mail.outbox[-1].body))
    assert found
    thief.post(found.group(0))
    thief.post("/accounts/email/", {"action_primary": "", "email": "thief@evil.example"})
    notice = next(m for m in mail.outbox if "changed" in m.subject and user.email in m.to)
    found = re.search(r"https?://\S+/accounts/email/undo/\S+/", str(notice.body))
    assert found
    undo = found.group(0)
    assert undo.startswith(live_server.url)

    page = visit.page
    page.goto(undo)
    visit.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Undo the change of e-mail address")
    page.get_by_role("button", name=re.compile("Make it primary again")).click()
    visit.check()
    expect(page.get_by_role("status")).to_contain_text(
        "ingrid@uni.example is your primary e-mail address again"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Password Reset")
    assert EmailAddress.objects.get(user=user, primary=True).email == "ingrid@uni.example"
    assert thief.get("/portfolio/")["Location"].startswith("/accounts/login/")
