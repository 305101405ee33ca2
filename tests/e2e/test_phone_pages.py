"""On a phone: an administrator works through the review queue and the figures, and adds
another programme's activity to the catalogue; a student reads their history. Every page
passes axe-core and fits the screen without sideways scrolling (wide tables scroll inside
their own box). The rest of the student's side on a phone is in the journeys of each part."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portfolio import workflow as entry_workflow
from tests.conftest import Personas
from tests.e2e.conftest import Visit, fits_the_screen, prefer_language, sign_in_as
from tests.factories import (
    ActivityFactory,
    EnrolmentFactory,
    EntryFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


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


def test_administrator_adds_another_programmes_activity_on_a_phone(
    phone: Visit, personas: Personas
) -> None:
    ActivityFactory(programme=personas.programme_q, title_en="Global health seminar")
    page = phone.page
    sign_in_as(phone, personas.admin_p)
    phone.goto("/manage/nursing/activities/other-programmes/")
    fits_the_screen(page)
    row = page.get_by_role("row").filter(has_text="Global health seminar")
    row.get_by_role("button", name="Add to my catalogue").click()
    phone.check("-added")
    expect(page.get_by_role("main")).to_contain_text("is in your catalogue now")
    fits_the_screen(page)
    phone.goto("/manage/nursing/")
    expect(page.get_by_role("main")).to_contain_text("Global health seminar")
    fits_the_screen(page)


@pytest.mark.parametrize(
    ("language", "link", "returned"),
    [
        ("en", "My history", "activity returned for changes"),
        ("nb", "Min historikk", "aktivitet sendt tilbake for endringer"),
    ],
)
def test_student_reads_their_history_on_a_phone(
    phone: Visit, personas: Personas, language: str, link: str, returned: str
) -> None:
    entry = EntryFactory(
        enrolment=EnrolmentFactory(student=personas.student_a, programme=personas.programme_p),
        status="submitted",
    )
    comment = "Please add the certificate of attendance from the host university, with dates."
    entry_workflow.transition(entry=entry, action="return", by=personas.admin_p, comment=comment)
    page = phone.page
    prefer_language(phone, language)
    sign_in_as(phone, personas.student_a)
    phone.goto("/portfolio/")
    page.get_by_role("link", name=link, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(link)
    expect(page.locator("ul.history li")).to_contain_text(f"{returned}: {comment}")
    phone.check("-history")
    fits_the_screen(page)
