"""Two-factor sign-in in Chromium: an administrator must set up an authenticator app before
anything else opens and then signs in with a code from it; a student adds a passkey and signs
in with it alone."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.webauthn.internal.auth import WebAuthn
from playwright.sync_api import expect

from activities.models import ProgrammeRole
from tests.e2e.conftest import Visit, prefer_language
from tests.factories import PASSWORD, ProgrammeFactory, ProgrammeRoleFactory, UserFactory
from tests.mfa import current_code, totp

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {
        "sign_in": "Sign In",
        "sign_out": "Sign Out",
        "needs_2fa": "Your role needs two-factor sign-in",
        "activate": "Activate",
        "code": "Authenticator code",
        "recovery": "Recovery Codes",
        "two_factor": "Two-Factor Authentication",
        "add": "Add",
        "name": "Name of the key",
        "passwordless": "Passwordless",
        "passkey": "Sign in with a passkey",
        "welcome_student": "Welcome, Ingrid",
        "confirm_access": "Confirm Access",
        "confirm": "Confirm",
    },
    "nb": {
        "sign_in": "Logg inn",
        "sign_out": "Logg ut",
        "needs_2fa": "Rollen din krever innlogging med to faktorer",
        "activate": "Aktiver",
        "code": "Autentiseringskode",
        "recovery": "Gjenopprettingskoder",
        "two_factor": "Tofaktorautentisering",
        "add": "Legg til",
        "name": "Navn på nøkkelen",
        "passwordless": "Passordløs",
        "passkey": "Logg inn med en passnøkkel",
        "welcome_student": "Velkommen, Ingrid",
        "confirm_access": "Bekreft tilgang",
        "confirm": "Bekreft",
    },
}


def sign_in_with_password(visit: Visit, email: str, t: dict[str, str]) -> None:
    page = visit.page
    visit.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name=t["sign_in"], exact=True).click()
    visit.check()


def confirm_password(visit: Visit, t: dict[str, str]) -> None:
    """allauth asks for the password again before an authenticator is added, even right after
    signing in (only a fresh confirmation counts)."""
    page = visit.page
    expect(page.get_by_role("heading", level=1)).to_have_text(t["confirm_access"])
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name=t["confirm"], exact=True).click()


def sign_out(visit: Visit, t: dict[str, str]) -> None:
    visit.page.get_by_role("button", name=t["sign_out"]).first.click()
    visit.check("-signed-out")


@pytest.mark.parametrize("language", ["en", "nb"])
def test_administrator_sets_up_an_authenticator_app_and_signs_in_with_it(
    visit: Visit, language: str
) -> None:
    t = TEXT[language]
    page = visit.page
    prefer_language(visit, language)
    admin = ProgrammeRoleFactory(
        programme=ProgrammeFactory(code="nursing"),
        role=ProgrammeRole.Role.ADMINISTRATOR,
        second_factor=False,
        user__email="kari@uni.example",
        user__full_name="Kari Nordmann",
    ).user
    assert not Authenticator.objects.filter(user=admin).exists()

    # Signing in with the password alone leads to the two-factor page, with the reason.
    sign_in_with_password(visit, admin.email, t)
    assert page.url.endswith("/accounts/2fa/"), page.url
    expect(page.get_by_role("main")).to_contain_text(t["needs_2fa"])
    # Nothing else opens until an authenticator is set up.
    for path in ("/home/", "/manage/", "/manage/nursing/", "/accounts/email/"):
        visit.goto(path)
        assert page.url.endswith("/accounts/2fa/"), f"{path} opened: {page.url}"

    page.get_by_role("link", name=t["activate"], exact=True).click()
    visit.check("-confirm-access")
    confirm_password(visit, t)
    visit.check("-activate")
    secret = page.locator("#authenticator_secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret), secret
    page.get_by_label(t["code"]).fill(current_code(secret))
    page.get_by_role("button", name=t["activate"], exact=True).click()
    visit.check("-recovery-codes")

    # The recovery codes are shown at once.
    assert page.url.endswith("/accounts/2fa/recovery-codes/"), page.url
    expect(page.get_by_role("heading", level=1)).to_have_text(t["recovery"])
    codes = page.locator("#recovery_codes").input_value().split()
    assert len(codes) >= 8 and all(re.fullmatch(r"[0-9a-f]{8}", c) for c in codes), codes
    assert Authenticator.objects.filter(user=admin, type=Authenticator.Type.TOTP).exists()
    visit.goto("/manage/nursing/")
    assert page.url.endswith("/manage/nursing/"), page.url

    sign_out(visit, t)
    # Signing in again asks for a code after the password.
    sign_in_with_password(visit, admin.email, t)
    assert page.url.endswith("/accounts/2fa/authenticate/"), page.url
    expect(page.get_by_role("heading", level=1)).to_have_text(t["two_factor"])
    page.locator("input[name=code]").fill("000000" if totp(secret) != "000000" else "111111")
    page.get_by_role("button", name=t["sign_in"], exact=True).click()
    visit.check("-wrong-code")
    assert page.url.endswith("/accounts/2fa/authenticate/"), page.url
    page.locator("input[name=code]").fill(current_code(secret))
    page.get_by_role("button", name=t["sign_in"], exact=True).click()
    visit.check("-signed-in")
    assert page.url.endswith("/manage/"), page.url  # an administrator's start page
    visit.goto("/manage/nursing/")
    assert page.url.endswith("/manage/nursing/"), page.url


@pytest.mark.parametrize("language", ["en", "nb"])
def test_student_adds_a_passkey_and_signs_in_with_it(visit: Visit, language: str) -> None:
    t = TEXT[language]
    page = visit.page
    prefer_language(visit, language)
    student = UserFactory(email="ingrid@uni.example", full_name="Ingrid Kristiansen")
    # Chromium's virtual authenticator stands in for the phone's or laptop's own.
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator_id = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )["authenticatorId"]

    sign_in_with_password(visit, student.email, t)
    expect(page.get_by_role("heading", level=1)).to_have_text(t["welcome_student"])
    # Students are not made to set up a second factor, but may.
    visit.goto("/accounts/2fa/")
    page.get_by_role("link", name=t["add"], exact=True).click()
    visit.check("-confirm-access")
    confirm_password(visit, t)
    visit.check("-add-passkey")
    page.get_by_label(t["name"]).fill("My laptop")
    page.get_by_label(t["passwordless"]).check()
    page.get_by_role("button", name=t["add"], exact=True).click()
    page.wait_for_url(re.compile(r"/accounts/2fa/(recovery-codes|webauthn)/$"))
    visit.check("-passkey-added")
    key = WebAuthn(Authenticator.objects.get(user=student, type=Authenticator.Type.WEBAUTHN))
    assert key.name == "My laptop" and key.is_passwordless
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    assert len(credentials["credentials"]) == 1
    assert credentials["credentials"][0]["isResidentCredential"] is True

    sign_out(visit, t)
    # The passkey alone signs in: no e-mail address, no password.
    visit.goto("/accounts/login/")
    page.get_by_role("button", name=t["passkey"]).click()
    page.wait_for_url(re.compile(r"/portfolio/$"))  # a student's start page
    visit.check("-passkey-sign-in")
    expect(page.get_by_role("heading", level=1)).to_have_text(t["welcome_student"])
    expect(page.get_by_role("button", name=t["sign_out"]).first).to_be_visible()
