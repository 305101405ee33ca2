"""A student asks an activity's organiser to confirm; the organiser confirms from the mailed
link, without an account; the certificate administrator sees it and approves the activity."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from portfolio.models import Confirmation, Entry
from tests.conftest import Personas
from tests.e2e.conftest import Visit, fits_the_screen, prefer_language, sign_in_as
from tests.factories import ActivityFactory, EnrolmentFactory, EntryFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {
        "ask": "Ask the organiser to confirm",
        "name": "Organiser's name",
        "email": "Organiser's e-mail address",
        "message": "Message (optional)",
        "language": "English",
        "send": "Send the request",
        "waiting": "Waiting",
        "role": "Your role (optional)",
        "organisation": "Your organisation (optional)",
        "confirm": "Confirm",
        "thanks": "Thank you, your answer is recorded",
        "mark": "Confirmed by the organiser",
        "confirmed_by": "Confirmed by Olga Nordmann, Course leader, Oslo Summer School",
        "approve": "Approve",
    },
    "nb": {
        "ask": "Be arrangøren bekrefte",
        "name": "Arrangørens navn",
        "email": "Arrangørens e-postadresse",
        "message": "Melding (valgfritt)",
        "language": "Norsk bokmål",
        "send": "Send forespørselen",
        "waiting": "Venter",
        "role": "Din rolle (valgfritt)",
        "organisation": "Din organisasjon (valgfritt)",
        "confirm": "Bekreft",
        "thanks": "Takk, svaret ditt er registrert",
        "mark": "Bekreftet av arrangøren",
        "confirmed_by": "Bekreftet av Olga Nordmann, Course leader, Oslo Summer School",
        "approve": "Godkjenn",
    },
}


@pytest.mark.parametrize(("language", "screen"), [("en", "visit"), ("nb", "phone")])
def test_organiser_confirms_and_the_administrator_approves(
    personas: Personas, language: str, screen: str, request: pytest.FixtureRequest
) -> None:
    t = TEXT[language]
    visit: Visit = request.getfixturevalue(screen)
    page = visit.page
    enrolment = EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)
    activity = ActivityFactory(
        programme=personas.programme_p, title_en="Summer school", title_nb="Sommerskole"
    )
    entry = EntryFactory(
        enrolment=enrolment,
        activity=activity,
        status=Entry.Status.SUBMITTED,
        host="Oslo Summer School",
        description="Led the Tuesday workshop on intercultural teams.",
    )
    Entry.objects.filter(pk=entry.pk).update(submitted_at=entry.created_at)

    # The student asks.
    prefer_language(visit, language)
    sign_in_as(visit, personas.student_a)
    visit.goto(f"/portfolio/entries/{entry.pk}/")
    page.get_by_role("link", name=t["ask"]).click()
    visit.check()
    page.get_by_label(t["name"]).fill("Olga Nordmann")
    page.get_by_label(t["email"]).fill("olga@summer.example")
    page.get_by_label(t["message"]).fill("I led the Tuesday workshop.")
    page.get_by_label(t["language"]).check()
    page.get_by_role("button", name=t["send"]).click()
    visit.check()
    expect(page.locator("#confirmations")).to_contain_text(t["waiting"])
    if screen == "phone":
        fits_the_screen(page)

    # The organiser opens the link in the mail, in a browser without an account.
    assert [m.to for m in mail.outbox] == [["olga@summer.example"]]
    link = re.search(r"https?://\S+/confirm/[\w-]+/", str(mail.outbox[0].body))
    assert link, mail.outbox[0].body
    page.context.clear_cookies()
    page.goto(link.group(0))
    visit.check()
    main = page.get_by_role("main")
    expect(main).to_contain_text("Student A")
    expect(main).to_contain_text("Led the Tuesday workshop on intercultural teams.")
    if screen == "phone":
        fits_the_screen(page)
    page.get_by_label(t["role"]).fill("Course leader")
    page.get_by_label(t["organisation"]).fill("Oslo Summer School")
    page.get_by_role("button", name=t["confirm"], exact=True).click()
    visit.check()
    expect(page.get_by_role("heading", level=1)).to_have_text(t["thanks"])
    assert Confirmation.objects.get().status == Confirmation.Status.CONFIRMED
    page.goto(link.group(0))  # once only
    visit.check()
    # In the browser's language (English here), not the mail's: the page says nothing of
    # the link it was opened with.
    expect(page.get_by_role("heading", level=1)).to_have_text("This link can no longer be used")

    # The administrator sees it in the queue and on the review page, and approves.
    prefer_language(visit, language)
    sign_in_as(visit, personas.admin_p)
    visit.goto("/manage/nursing/review/")
    row = page.get_by_role("row").filter(
        has_text=activity.title_en if language == "en" else activity.title_nb
    )
    expect(row).to_contain_text(t["mark"])
    row.get_by_role("link").first.click()
    visit.check()
    expect(page.get_by_role("main")).to_contain_text(t["confirmed_by"])
    page.get_by_role("button", name=t["approve"], exact=True).click()
    visit.check()
    entry.refresh_from_db()
    assert entry.status == Entry.Status.APPROVED
