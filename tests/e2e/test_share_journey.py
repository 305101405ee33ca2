"""A student shares their certificate with an employer by link, in both languages: the
employer (another browser, on a phone, in English) sees exactly what was chosen, in the link's
language; a stopped link and a revoked diploma say so."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from certificates import workflow
from certificates.models import ShareLink
from portfolio.models import Evidence, Reflection
from tests.conftest import Personas
from tests.e2e.conftest import Visit, fits_the_screen, prefer_language, sign_in_as
from tests.factories import (
    ActivityFactory,
    DiplomaFactory,
    EnrolmentFactory,
    EntryFactory,
    EvidenceFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {
        "share": "Share with employers",
        "new": "New share link",
        "create": "Create the link",
        "qr": "Show the QR code",
        "stop": "Stop sharing",
        "question": "What did you learn?",
        "valid": "Valid.",
        "gone": "This link is not available",
        "revoked": "This diploma has been revoked",
    },
    "nb": {
        "share": "Del med arbeidsgivere",
        "new": "Ny delingslenke",
        "create": "Opprett lenken",
        "qr": "Vis QR-koden",
        "stop": "Slutt å dele",
        "question": "Hva lærte du?",
        "valid": "Gyldig.",
        "gone": "This link is not available",  # the visitor's language: nothing names the link's
        "revoked": "Dette diplomet er trukket tilbake",
    },
}


def certified_student(personas: Personas):
    student = UserFactory(full_name="Kari Nordmann", email="kari.private@example.org")
    enrolment = EnrolmentFactory(
        student=student, programme=personas.programme_p, stage="certified", status="completed"
    )
    for n in range(3):
        entry = EntryFactory(
            enrolment=enrolment,
            activity=ActivityFactory(programme=personas.programme_p, title_en=f"Activity {n}"),
            status="approved",
            city="Hammerfest",
        )
        Reflection.objects.create(
            entry=entry,
            answers=[{"en": "What did you learn?", "nb": "Hva lærte du?", "answer": f"Lesson{n}"}],
        )
        EvidenceFactory(entry=entry, caption=f"Picture{n}")
    DiplomaFactory(
        enrolment=enrolment,
        content={"holder": student.full_name, "institution": "OsloMet", "programme": {"en": "N"}},
    )
    return enrolment


@pytest.mark.parametrize("language", ["en", "nb"])
def test_a_student_shares_stops_and_a_revoked_diploma_shows(
    visit: Visit, phone: Visit, personas: Personas, language: str
) -> None:
    t = TEXT[language]
    enrolment = certified_student(personas)
    reflections = list(Reflection.objects.filter(entry__enrolment=enrolment).order_by("pk"))
    photos = list(Evidence.objects.filter(entry__enrolment=enrolment).order_by("pk"))
    prefer_language(visit, language)
    sign_in_as(visit, enrolment.student)

    visit.goto("/portfolio/")
    visit.page.get_by_role("link", name=t["share"]).click()
    visit.check()
    visit.page.get_by_role("link", name=t["new"]).click()
    visit.check()
    visit.page.locator("#id_label").fill("Application to Equinor")
    visit.page.locator("#id_language").select_option(language)
    for reflection in reflections[:2]:
        visit.page.locator(f"input[name=reflections][value='{reflection.pk}']").check()
    visit.page.locator(f"input[name=photos][value='{photos[0].pk}']").check()
    visit.page.get_by_role("button", name=t["create"]).click()
    visit.check()

    first = ShareLink.objects.get()
    address = visit.page.locator(f"#link-url-{first.pk}")
    expect(address).to_have_attribute("readonly", "")
    url = address.input_value()
    visit.page.locator("summary", has_text=t["qr"]).click()
    expect(visit.page.locator("details svg")).to_be_visible()
    visit.check("-qr")

    # The employer: another browser, in English, never signed in.
    phone.page.goto(url)
    phone.check()
    fits_the_screen(phone.page)
    page = phone.page.locator("main")
    expect(page).to_contain_text("Kari Nordmann")
    expect(page).to_contain_text(t["valid"])
    expect(page).to_contain_text(t["question"])
    expect(page).to_contain_text("Lesson0")
    expect(page).to_contain_text("Lesson1")
    expect(phone.page.get_by_role("img", name="Picture0")).to_be_visible()
    text = page.inner_text()
    for absent in ("Lesson2", "Picture1", "Picture2", "kari.private", "Hammerfest"):
        assert absent not in text
    assert phone.page.evaluate("document.querySelector('main img').naturalWidth") > 0
    expect(phone.page.locator("meta[name=robots]")).to_have_attribute("content", "noindex")
    expect(phone.page.locator("html")).to_have_attribute("lang", language)

    # The student stops it: at once, the link shows the plain page.
    visit.page.get_by_role("button", name=re.compile(f"^{t['stop']}")).click()
    visit.check()
    phone.page.goto(url)
    phone.check()
    expect(phone.page.get_by_role("heading", level=1)).to_have_text(t["gone"])
    assert "Lesson0" not in phone.page.locator("main").inner_text()

    # A second link; then the diploma is revoked, and the live link says so.
    visit.page.get_by_role("link", name=t["new"]).click()
    visit.check()
    visit.page.locator("#id_label").fill("Application to Statkraft")
    visit.page.locator("#id_language").select_option(language)
    visit.page.locator(f"input[name=reflections][value='{reflections[2].pk}']").check()
    visit.page.get_by_role("button", name=t["create"]).click()
    visit.check()
    second = ShareLink.objects.exclude(pk=first.pk).get()
    second_url = visit.page.locator(f"#link-url-{second.pk}").input_value()
    phone.page.goto(second_url)
    phone.check()
    expect(phone.page.locator("main")).to_contain_text("Lesson2")
    workflow.advance(
        enrolment=enrolment, by=personas.admin_p, action="revoke_diploma", comment="Wrong name."
    )
    phone.page.goto(second_url)
    phone.check()
    expect(phone.page.get_by_role("alert")).to_contain_text(t["revoked"])
    assert "Lesson2" not in phone.page.locator("main").inner_text()
