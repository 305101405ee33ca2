"""On a phone: a student writes the final report, and an administrator works through the review
queue and the figures. Every page passes axe-core and fits the screen without sideways
scrolling (wide tables scroll inside their own box)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import Personas
from tests.e2e.conftest import Visit, prefer_language, sign_in_as
from tests.factories import (
    ActivityFactory,
    EnrolmentFactory,
    EntryFactory,
    UserFactory,
    enrolment_with_activities,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PARAGRAPH = (
    "Gjennom språkkafeen og utvekslingen i Granada har jeg møtt pasienter og studenter fra "
    "mange land, og jeg har lært å lytte etter hva de mener, ikke bare hva de sier. "
)  # 30 words


def fits_the_screen(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.evaluate("window.innerWidth"), f"{page.url} scrolls sideways"


@pytest.mark.parametrize("language", ["en", "nb"])
def test_student_writes_the_final_report_on_a_phone(
    phone: Visit, personas: Personas, language: str
) -> None:
    enrolment = enrolment_with_activities(
        student=personas.student_a, programme=personas.programme_p, stage="activities_approved"
    )
    page = phone.page
    prefer_language(phone, language)
    sign_in_as(phone, personas.student_a)
    phone.goto("/portfolio/")
    fits_the_screen(page)
    report = "Avsluttende refleksjonsrapport" if language == "nb" else "Final report"
    page.get_by_role("link", name=report, exact=True).click()
    phone.check()
    fits_the_screen(page)
    counter = page.locator("[data-word-count-output]")
    before = int(counter.inner_text())  # the summary is drafted from the approved activities
    page.locator("textarea[data-counts]").nth(1).fill(PARAGRAPH * 4)
    expect(counter).to_have_text(str(before + 120))
    saved = "Lagret kl." if language == "nb" else "Saved at"
    expect(page.locator("#report-status")).to_contain_text(saved, timeout=10_000)
    phone.check("-autosaved")
    fits_the_screen(page)
    enrolment.final_report.refresh_from_db()
    assert PARAGRAPH.strip() in enrolment.final_report.sections[0]["text"]


def test_administrator_reviews_and_reads_figures_on_a_phone(
    phone: Visit, personas: Personas
) -> None:
    for country in ("ES", "DE", "KE"):
        enrolment = EnrolmentFactory(student=UserFactory(), programme=personas.programme_p)
        activity = ActivityFactory(programme=personas.programme_p, location="abroad")
        EntryFactory(enrolment=enrolment, activity=activity, status="submitted", country=country)
        EntryFactory(enrolment=enrolment, activity=activity, status="approved", country=country)
    page = phone.page
    sign_in_as(phone, personas.admin_p)
    phone.goto("/manage/nursing/review/")
    expect(page.get_by_role("checkbox")).to_have_count(3)
    expect(page.get_by_role("main")).to_contain_text("3 activities wait")
    fits_the_screen(page)
    phone.goto("/manage/nursing/figures/")
    fits_the_screen(page)
    countries = page.locator("figure").filter(has_text="Kenya")
    countries.locator("summary").click()
    expect(countries.get_by_role("table")).to_contain_text("Kenya")
    phone.check("-numbers")
    fits_the_screen(page)
