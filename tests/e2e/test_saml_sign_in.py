"""Institutional sign-in over SAML 2.0 in Chromium, against a small identity provider on
127.0.0.1 (tests/support/saml.py): the portal sends the browser there with an AuthnRequest, the
provider's page posts a signed response back, and a new student's account is created, keyed on
the eduPersonPrincipalName. A response the portal refuses gets a page that says why."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from allauth.socialaccount.models import SocialAccount
from playwright.sync_api import expect

from cil.models import User
from tests.e2e.conftest import Visit, axe_violations, prefer_language
from tests.support.saml import Person, RunningIdP, running_idp, use_saml_providers

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

KARIN = Person(
    eppn="karin.student@lu.se",
    mail="karin.student@student.lu.se",
    display_name="Karin Student",
    affiliation=("student", "member"),
)

TEXT = {
    "en": {
        "button": "Sign in with Lund University",
        "connections": "Institutional sign-in",
        "refused": "Sign-in refused",
        "audience": "It was meant for another service, not for this portal.",
    },
    "nb": {
        "button": "Logg inn med Lunds universitet",
        "connections": "Institusjonsinnlogging",
        "refused": "Innloggingen ble avvist",
        "audience": "Det var ment for en annen tjeneste, ikke for denne portalen.",
    },
}


@pytest.fixture
def idp(settings, live_server) -> Iterator[RunningIdP]:
    with running_idp() as running:
        provider = running.idp.config("lu", {"en": "Lund University", "nb": "Lunds universitet"})
        use_saml_providers(settings, live_server.url, provider)
        running.audience = provider.metadata_url(live_server.url)
        running.person = KARIN
        yield running


def press(visit: Visit, button: str) -> None:
    """Press the institution's button; its page posts the answer back to the portal."""
    visit.page.get_by_role("button", name=button).click()
    visit.page.wait_for_url(re.compile(re.escape(visit.base_url) + r"/(?!accounts/login/)"))
    visit.check()


@pytest.mark.parametrize("language", ["en", "nb"])
def test_sign_in_through_a_saml_institution(visit: Visit, idp: RunningIdP, language: str) -> None:
    t = TEXT[language]
    page = visit.page
    prefer_language(visit, language)

    visit.goto("/accounts/login/")
    buttons = page.get_by_role("main").get_by_role("button")
    expect(buttons.first).to_have_text(t["button"])
    assert axe_violations(page) == ""

    # A new student: the account is created, keyed on the provider and the eppn.
    press(visit, t["button"])
    assert len(idp.requests) == 1
    account = SocialAccount.objects.get(provider="lu", uid=KARIN.eppn)
    karin = account.user
    assert karin.email == KARIN.mail
    assert karin.full_name == "Karin Student"
    assert karin.language == language
    visit.goto("/accounts/3rdparty/")
    expect(page.get_by_role("heading", level=1)).to_have_text(t["connections"])
    expect(page.locator("[data-institutional-id]")).to_have_text(KARIN.eppn)

    # Again, signed out: the same account.
    page.context.clear_cookies()
    prefer_language(visit, language)
    visit.goto("/accounts/login/")
    press(visit, t["button"])
    assert User.objects.count() == 1
    visit.goto("/accounts/3rdparty/")
    expect(page.get_by_role("heading", level=1)).to_have_text(t["connections"])

    # A response for another service is refused, with a page that says so.
    page.context.clear_cookies()
    prefer_language(visit, language)
    idp.audience = "https://another-service.example/shibboleth"
    visit.goto("/accounts/login/")
    press(visit, t["button"])
    expect(page.get_by_role("heading", level=1)).to_have_text(t["refused"])
    expect(page.get_by_role("main")).to_contain_text(t["audience"])
    assert axe_violations(page) == ""
    visit.goto("/home/")
    assert "/accounts/login/" in page.url  # nobody was signed in
