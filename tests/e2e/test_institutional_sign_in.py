"""Institutional sign-in (OpenID Connect) in Chromium, against real OpenID providers on
127.0.0.1: a new student's account is created and keyed on ``sub``; the same person comes back
to the same account; another provider giving the same e-mail address is refused (no silent
linking), and the account's owner links that login from the account page instead."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from allauth.socialaccount.models import SocialAccount
from playwright.sync_api import Request, expect

from cil.models import User
from tests.e2e.conftest import Visit, prefer_language
from tests.support.oidc import RunningProvider, feide_user, running_provider, use_providers

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

KARI_SUB = "76a7a061-3c55-430d-8ee0-6f82ec42501f"  # Feide's subjects look like this
KARI_EMAIL = "kari.nordmann@oslomet.no"
KARI_EPPN = "karinor@oslomet.no"
OTHER_SUB = "b1e3c6a8-other-provider"

TEXT = {
    "en": {
        "sign_in": "Sign In",
        "feide": "Sign in with Feide",
        "other": "Sign in with Example University",
        "link_other": "Link your Example University login",
        "refused": "Sign in with your password first",
        "refused_text": "link your Example University login from your account page",
        "connections": "Institutional sign-in",
        "institutional_id": "Institutional id",
    },
    "nb": {
        "sign_in": "Logg inn",
        "feide": "Logg inn med Feide",
        "other": "Logg inn med Eksempeluniversitetet",
        "link_other": "Koble til Eksempeluniversitetet-innloggingen din",
        "refused": "Logg inn med passordet ditt først",
        "refused_text": "til Eksempeluniversitetet-innloggingen fra kontosiden din",
        "connections": "Institusjonsinnlogging",
        "institutional_id": "Institusjons-ID",
    },
}


@pytest.fixture
def providers(settings) -> Iterator[tuple[RunningProvider, RunningProvider]]:
    """Feide, and a second institution whose user has Kari's e-mail address."""
    kari = feide_user(KARI_SUB, "Kari Nordmann", KARI_EMAIL, KARI_EPPN)
    other = feide_user(OTHER_SUB, "Kari Nordmann", KARI_EMAIL.upper(), "kari@example.edu")
    with running_provider(kari) as feide, running_provider(other) as second:
        use_providers(
            settings,
            feide.config("feide", {"en": "Feide", "nb": "Feide"}),
            second.config("uni2", {"en": "Example University", "nb": "Eksempeluniversitetet"}),
        )
        yield feide, second


def sign_in_at(visit: Visit, button: str, sub: str, t: dict[str, str]) -> list[str]:
    """Press an institutional button, and at the provider sign in as ``sub``. Returns the
    addresses of the authorization requests the browser sent to the provider."""
    page = visit.page
    requests: list[str] = []

    def remember(request: Request) -> None:
        if "/oauth2/authorize" in request.url and request.method == "GET":
            requests.append(request.url)

    page.on("request", remember)
    page.get_by_role("button", name=button).click()
    # The provider's own page (not the portal's): choose the user.
    page.get_by_role("button", name=sub).click()
    page.wait_for_url(re.compile(re.escape(visit.base_url)))
    page.remove_listener("request", remember)
    visit.check()
    return requests


def sign_out(visit: Visit, language: str) -> None:
    visit.page.context.clear_cookies()
    prefer_language(visit, language)


@pytest.mark.parametrize("language", ["en", "nb"])
def test_sign_in_through_the_institution(
    visit: Visit, providers: tuple[RunningProvider, RunningProvider], language: str
) -> None:
    t = TEXT[language]
    page = visit.page
    prefer_language(visit, language)

    # The sign-in page offers the institutions first, then the password form.
    visit.goto("/accounts/login/")
    buttons = page.get_by_role("main").get_by_role("button")
    expect(buttons.first).to_have_text(t["feide"])
    expect(page.get_by_role("button", name=t["sign_in"], exact=True)).to_be_visible()

    # A new student: the account is created, keyed on the provider and sub.
    authorize = sign_in_at(visit, t["feide"], KARI_SUB, t)
    assert authorize and "code_challenge=" in authorize[0]  # PKCE
    assert "code_challenge_method=S256" in authorize[0]
    assert "userid-feide" in authorize[0] and "nin" not in authorize[0]
    account = SocialAccount.objects.get(provider="feide", uid=KARI_SUB)
    kari = account.user
    assert kari.email == KARI_EMAIL
    assert kari.full_name == "Kari Nordmann"
    assert kari.language == language
    assert not kari.has_usable_password()

    # Her account page shows the linked login and her institutional id.
    visit.goto("/accounts/3rdparty/")
    expect(page.get_by_role("heading", level=1)).to_have_text(t["connections"])
    expect(page.get_by_role("main")).to_contain_text(t["institutional_id"])
    expect(page.locator("[data-institutional-id]")).to_have_text(KARI_EPPN)

    # The same person again: the same account, nothing new.
    sign_out(visit, language)
    visit.goto("/accounts/login/")
    sign_in_at(visit, t["feide"], KARI_SUB, t)
    assert SocialAccount.objects.get(provider="feide", uid=KARI_SUB).user_id == kari.pk
    assert User.objects.count() == 1
    assert page.evaluate("document.cookie") is not None
    visit.goto("/accounts/3rdparty/")  # a signed-in page, not the sign-in form
    expect(page.get_by_role("heading", level=1)).to_have_text(t["connections"])

    # A second provider gives the same e-mail address: refused, not joined to Kari's account.
    sign_out(visit, language)
    visit.goto("/accounts/login/")
    sign_in_at(visit, t["other"], OTHER_SUB, t)
    expect(page.get_by_role("heading", level=1)).to_have_text(t["refused"])
    expect(page.get_by_role("main")).to_contain_text(t["refused_text"])
    assert not SocialAccount.objects.filter(provider="uni2").exists()
    assert User.objects.count() == 1
    visit.goto("/home/")
    assert "/accounts/login/" in page.url  # nobody was signed in
    visit.check()

    # Kari, signed in with Feide, links the other login from her account page.
    visit.goto("/accounts/login/")
    sign_in_at(visit, t["feide"], KARI_SUB, t)
    visit.goto("/accounts/3rdparty/")
    sign_in_at(visit, t["link_other"], OTHER_SUB, t)
    linked = SocialAccount.objects.get(provider="uni2", uid=OTHER_SUB)
    assert linked.user_id == kari.pk
    visit.goto("/accounts/3rdparty/")
    expect(page.locator("[data-institutional-id]")).to_have_count(2)
