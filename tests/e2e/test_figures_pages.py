"""The dashboards in Chromium: filter, open a chart's numbers; central staff and a programme."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import Personas
from tests.e2e.conftest import Visit, prefer_language, sign_in_as
from tests.factories import ActivityFactory, EnrolmentFactory, EntryFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["en", "nb"])
def test_dashboards_with_their_numbers(visit: Visit, personas: Personas, language: str) -> None:
    for country in ("ES", "ES", "DE"):
        enrolment = EnrolmentFactory(student=UserFactory(), programme=personas.programme_p)
        activity = ActivityFactory(programme=personas.programme_p, location="abroad")
        EntryFactory(enrolment=enrolment, activity=activity, status="approved", country=country)
    prefer_language(visit, language)
    sign_in_as(visit, personas.admin_p)
    visit.goto("/manage/nursing/figures/")
    page = visit.page
    page.get_by_role("button", name="Vis" if language == "nb" else "Show", exact=True).click()
    visit.check()
    countries = page.locator("figure").filter(has_text="Spain" if language == "en" else "Spania")
    countries.locator("summary").click()
    expect(countries.get_by_role("table")).to_contain_text("2")
    visit.check("-table")
    page.context.clear_cookies()
    prefer_language(visit, language)
    sign_in_as(visit, personas.central)
    visit.goto("/certificates/overview/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Oversikt" if language == "nb" else "Overview"
    )


def test_administrator_reminds_two_stalled_students_once(
    visit: Visit, personas: Personas, mailoutbox
) -> None:
    import datetime

    from django.utils import timezone

    from portfolio.models import Enrolment

    stalled = []
    for name in ("Quiet Quinn", "Old Olga"):
        enrolment = EnrolmentFactory(
            student=UserFactory(full_name=name), programme=personas.programme_p
        )
        Enrolment.objects.filter(pk=enrolment.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=200)
        )
        stalled.append(enrolment)
    sign_in_as(visit, personas.admin_p)
    page = visit.page
    visit.goto("/manage/nursing/figures/")
    page.get_by_label("Term", exact=True).select_option("spring")
    page.get_by_role("button", name="Show", exact=True).click()
    visit.check()
    funnel = page.locator("figure").filter(has_text="Students who have reached each stage")
    funnel.locator("summary").click()
    expect(funnel.get_by_role("table")).to_contain_text("Collecting activities")
    visit.check("-table")
    visit.goto("/manage/nursing/follow-up/?months=3")
    page.get_by_role("checkbox", name="Quiet Quinn").check()
    page.get_by_role("checkbox", name="Old Olga").check()
    page.get_by_role("button", name="Send the reminder to the ticked students").click()
    visit.check()
    expect(page.get_by_role("main")).to_contain_text("Reminder sent to 2 students.")
    assert len(mailoutbox) == 2
    assert all("Hei " in m.body and "Hello " in m.body for m in mailoutbox)
    page.get_by_role("checkbox", name="Quiet Quinn").check()
    page.get_by_role("checkbox", name="Old Olga").check()
    page.get_by_role("button", name="Send the reminder to the ticked students").click()
    visit.check()
    expect(page.get_by_role("main")).to_contain_text("already reminded today")
    assert len(mailoutbox) == 2
