"""The certificate administrator reviews submitted activities; the student sees the decision."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portfolio.models import Entry
from tests.conftest import Personas
from tests.e2e.conftest import Visit, prefer_language, sign_in_as
from tests.factories import ActivityFactory, EnrolmentFactory, EntryFactory, EvidenceFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {
        "queue": "Activities to review",
        "approve_ticked": "Approve the ticked activities",
        "comment": "Comment to the student",
        "return": "Return for changes",
        "returned": "Returned for changes",
    },
    "nb": {
        "queue": "Aktiviteter til vurdering",
        "approve_ticked": "Godkjenn de avkryssede aktivitetene",
        "comment": "Kommentar til studenten",
        "return": "Send tilbake for endringer",
        "returned": "Sendt tilbake for endringer",
    },
}


@pytest.mark.parametrize("language", ["en", "nb"])
def test_administrator_approves_one_and_returns_another(
    visit: Visit, personas: Personas, language: str
) -> None:
    t = TEXT[language]
    enrolment = EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)
    p = personas.programme_p
    cafe_activity = ActivityFactory(programme=p, title_en="Language café", title_nb="Språkkafé")
    summer_activity = ActivityFactory(
        programme=p, title_en="Summer school", title_nb="Sommerskole", location="abroad"
    )
    cafe = EntryFactory(enrolment=enrolment, status="submitted", activity=cafe_activity)
    summer = EntryFactory(enrolment=enrolment, status="submitted", activity=summer_activity)
    EvidenceFactory(entry=cafe, caption="Our table")
    EvidenceFactory(entry=summer, caption="Certificate")
    prefer_language(visit, language)
    sign_in_as(visit, personas.admin_p)
    page = visit.page

    visit.goto("/manage/nursing/")
    page.get_by_role("link", name=t["queue"]).click()
    visit.check()
    cafe_title = "Språkkafé" if language == "nb" else "Language café"
    summer_title = "Sommerskole" if language == "nb" else "Summer school"
    page.get_by_role("checkbox", name=cafe_title).check()
    page.get_by_role("button", name=t["approve_ticked"]).click()
    visit.check()
    page.get_by_role("link", name=summer_title).click()
    visit.check()
    expect(page.get_by_role("img", name="Certificate")).to_be_visible()
    page.get_by_label(t["comment"]).fill("Please add the transcript from the summer school.")
    page.get_by_role("button", name=t["return"]).click()
    visit.check()
    cafe.refresh_from_db()
    summer.refresh_from_db()
    assert (cafe.status, summer.status) == (Entry.Status.APPROVED, Entry.Status.RETURNED)

    page.context.clear_cookies()
    prefer_language(visit, language)
    sign_in_as(visit, personas.student_a)
    visit.goto(f"/portfolio/entries/{summer.pk}/")
    expect(page.get_by_role("main")).to_contain_text(
        "Please add the transcript from the summer school."
    )
    expect(page.get_by_role("main")).to_contain_text(t["returned"])
