"""Two-factor sign-in in the browser: staff must set up an authenticator app first."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import time

import pytest
from playwright.sync_api import expect

from activities.models import ProgrammeRole
from tests.e2e.conftest import Visit, prefer_language
from tests.factories import PASSWORD, ProgrammeFactory, ProgrammeRoleFactory


def totp(secret: str, at: float | None = None) -> str:
    """RFC 6238 (SHA-1, 6 digits, 30 s), written here so the test does not trust allauth's."""
    counter = int((time.time() if at is None else at) // 30)
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def sign_in_with_password(visit: Visit, email: str) -> None:
    visit.goto("/accounts/login/")
    visit.page.locator("input[name=login]").fill(email)
    visit.page.locator("input[name=password]").fill(PASSWORD)
    visit.page.locator("form button[type=submit]").first.click()
    visit.check()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "nb"])
def test_administrator_must_set_up_an_authenticator_app(visit: Visit, language: str) -> None:
    prefer_language(visit, language)
    admin = ProgrammeRoleFactory(
        programme=ProgrammeFactory(code="nursing"),
        role=ProgrammeRole.Role.ADMINISTRATOR,
        second_factor=False,
        user__email="kari@uni.example",
    ).user
    page = visit.page

    sign_in_with_password(visit, admin.email)
    # Sent to the set-up page, and nothing else opens until an authenticator is set up.
    assert page.url.endswith("/accounts/2fa/")
    visit.goto("/manage/")
    assert page.url.endswith("/accounts/2fa/")

    page.locator("a[href$='/2fa/totp/activate/']").click()
    visit.check("-activate")
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("input[name=code]").fill(totp(secret))
    page.locator("form button[type=submit]").first.click()
    visit.check("-recovery")
    # Recovery codes are shown right after.
    assert "/2fa/recovery-codes/" in page.url
    codes = re.findall(r"\b\d{8}\b", page.locator("main").inner_text())
    assert len(codes) >= 8

    # Signs out, and in again: now a code is asked for after the password.
    visit.goto("/accounts/logout/")
    page.locator("main form button[type=submit]").click()
    visit.check("-out")
    sign_in_with_password(visit, admin.email)
    assert "/accounts/2fa/authenticate/" in page.url
    # A code not used yet (allauth refuses a code twice): the next period's, at its start.
    time.sleep(max(0.0, 30 - time.time() % 30) + 0.5)
    page.locator("input[name=code]").fill(totp(secret))
    page.locator("form button[type=submit]").first.click()
    visit.check("-signed-in")
    assert "/accounts/" not in page.url
    expect(page.locator("h1")).to_be_visible()
