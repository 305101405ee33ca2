"""Each role's home page, and the account pages, in both languages and on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import Personas
from tests.e2e.conftest import prefer_language, sign_in_as

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HOMES = {
    # persona: (where /home/ leads, the page heading in English, in bokmål)
    "student_a": ("/portfolio/", "Welcome, Student", "Velkommen, Student"),
    "admin_p": ("/manage/", "Administration", "Administrasjon"),
    "reviewer_p": ("/certificates/review/", "Reviews", "Vurderinger"),
    "central": ("/certificates/overview/", "Overview", "Oversikt"),
}


@pytest.mark.parametrize("language", ["en", "nb"])
@pytest.mark.parametrize("persona", sorted(HOMES))
def test_each_role_lands_on_its_own_home_page(
    visit, personas: Personas, persona: str, language: str
) -> None:
    path, heading_en, heading_nb = HOMES[persona]
    prefer_language(visit, language)
    sign_in_as(visit, getattr(personas, persona))
    visit.goto("/home/")
    assert visit.page.url == visit.base_url + path
    expect(visit.page.get_by_role("heading", level=1)).to_have_text(
        heading_en if language == "en" else heading_nb
    )
    visit.goto("/accounts/email/")
    visit.goto("/accounts/password/change/")


def test_administrator_sees_own_programme_and_its_resource_group(visit, personas) -> None:
    sign_in_as(visit, personas.admin_p)
    visit.goto("/manage/")
    main = visit.page.get_by_role("main")
    expect(main.get_by_role("heading", name="Nursing")).to_be_visible()
    expect(main.get_by_role("heading", name="Medicine")).to_have_count(0)
    expect(main).to_contain_text("Reviewer P")


@pytest.mark.parametrize("language", ["en", "nb"])
def test_public_pages_on_a_phone(phone, language: str) -> None:
    prefer_language(phone, language)
    for path in ("/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"):
        phone.goto(path)
    # The menu opens with the toggler on a small screen.
    menu = {"en": "Show or hide the menu", "nb": "Vis eller skjul menyen"}[language]
    phone.page.get_by_role("button", name=menu).click()
    expect(phone.page.locator("#main-nav")).to_be_visible()


@pytest.mark.parametrize("language", ["en", "nb"])
def test_error_and_lockout_pages_explain_what_happened(
    visit, personas: Personas, settings, language: str
) -> None:
    page = visit.page
    prefer_language(visit, language)
    texts = {
        "en": ("Page not found", "Access denied", "Too many failed log-in attempts", "Sign In"),
        "nb": (
            "Fant ikke siden",
            "Ingen tilgang",
            "For mange mislykkede innloggingsforsøk",
            "Logg inn",
        ),
    }[language]

    visit.goto("/no-such-page/")
    expect(page.get_by_role("heading", level=1)).to_have_text(texts[0])

    sign_in_as(visit, personas.student_a)
    visit.goto("/manage/")  # a student on an administrator's page
    expect(page.get_by_role("heading", level=1)).to_have_text(texts[1])
    page.context.clear_cookies()
    prefer_language(visit, language)

    visit.goto("/accounts/login/")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.locator("#id_login").fill(personas.student_b.email)
        page.locator("#id_password").fill("not-the-password")
        page.get_by_role("button", name=texts[3], exact=True).click()
        visit.check()
    expect(page.get_by_role("heading", level=1)).to_have_text(texts[2])
