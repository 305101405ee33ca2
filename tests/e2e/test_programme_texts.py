"""An administrator writes the programme's public page in Markdown and edits the reflection
questions; the public sees the page rendered, with nothing unsafe getting through."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import Personas
from tests.e2e.conftest import Visit, prefer_language, sign_in_as

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {
        "save_page": "Save the page",
        "save_questions": "Save the questions",
        "about": "About the certificate",
    },
    "nb": {
        "save_page": "Lagre siden",
        "save_questions": "Lagre spørsmålene",
        "about": "Om sertifikatet",
    },
}


@pytest.mark.parametrize("language", ["en", "nb"])
def test_administrator_writes_the_public_page_and_the_questions(
    visit: Visit, personas: Personas, language: str
) -> None:
    t = TEXT[language]
    page = visit.page
    prefer_language(visit, language)
    sign_in_as(visit, personas.admin_p)
    visit.goto("/manage/nursing/page/")
    textareas = page.locator("textarea")
    textareas.nth(0).fill("Join **now**! <script>alert('x')</script>[site](javascript:alert(1))")
    textareas.nth(1).fill("Meld deg på **nå**!")
    page.get_by_role("button", name=t["save_page"]).click()
    visit.check()
    section = page.locator("section").filter(has=page.get_by_role("heading", name=t["about"]))
    expect(section.locator("strong")).to_have_text("nå" if language == "nb" else "now")
    assert "javascript:" not in page.content() and "<script>alert" not in page.content()

    visit.goto("/manage/nursing/questions/")
    boxes = page.locator("textarea")
    boxes.nth(0).fill("What did you learn?\nWhom did you meet?")
    boxes.nth(1).fill("Hva lærte du?")
    page.get_by_role("button", name=t["save_questions"]).click()
    visit.check()
    expect(page.get_by_role("main")).to_contain_text("(1)")  # bokmål lines do not match English
    boxes.nth(1).fill("Hva lærte du?\nHvem møtte du?")
    page.get_by_role("button", name=t["save_questions"]).click()
    visit.check()
    personas.programme_p.refresh_from_db()
    assert personas.programme_p.activity_questions[1] == {
        "en": "Whom did you meet?",
        "nb": "Hvem møtte du?",
    }
