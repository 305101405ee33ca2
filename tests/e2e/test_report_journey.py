"""The final report in Chromium: write with a live word count and autosave, submit, be
returned with comments, revise, and be approved by a reviewer; and write it on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from certificates.models import FinalReport
from tests.conftest import Personas
from tests.e2e.conftest import Visit, fits_the_screen, prefer_language, sign_in_as
from tests.factories import (
    enrolment_with_activities,
)
from tests.support.wordcount_cases import WORD_COUNT_CASES

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PARAGRAPH = (
    "Gjennom språkkafeen og utvekslingen i Granada har jeg møtt pasienter og studenter fra "
    "mange land, og jeg har lært å lytte etter hva de mener, ikke bare hva de sier. "
)  # 30 words
TEXT = {
    "en": {
        "report": "Final report",
        "save": "Save",
        "submit": "Submit the report",
        "comments": "Comments for the student",
        "return": "Return with comments",
        "approve": "Approve the report",
        "saved": "Saved at",
    },
    "nb": {
        "report": "Avsluttende refleksjonsrapport",
        "save": "Lagre",
        "submit": "Send inn rapporten",
        "comments": "Kommentarer til studenten",
        "return": "Send tilbake med kommentarer",
        "approve": "Godkjenn rapporten",
        "saved": "Lagret kl.",
    },
}


@pytest.mark.parametrize("language", ["en", "nb"])
def test_student_writes_the_report_and_a_reviewer_approves_it(
    visit: Visit, personas: Personas, language: str
) -> None:
    t = TEXT[language]
    enrolment = enrolment_with_activities(
        student=personas.student_a, programme=personas.programme_p, stage="activities_approved"
    )
    page = visit.page
    prefer_language(visit, language)
    sign_in_as(visit, personas.student_a)
    visit.goto("/portfolio/")
    page.get_by_role("link", name=t["report"], exact=True).click()
    visit.check()
    boxes = page.locator("textarea[data-counts]")
    expect(boxes).to_have_count(5)  # the summary and four questions
    boxes.nth(1).fill(PARAGRAPH * 9)  # 270 words
    expect(page.locator("[data-word-count-output]")).not_to_have_text("0")
    expect(page.locator("#report-status")).to_contain_text(t["saved"], timeout=10_000)  # autosaved
    page.get_by_role("link", name=t["submit"]).click()
    visit.check()
    page.get_by_role("button", name=t["submit"]).click()
    visit.check()
    expect(page.get_by_role("main")).to_contain_text("500")  # refused: too short, with the range
    for index in (2, 3):
        page.locator("textarea[data-counts]").nth(index).fill(PARAGRAPH * 5)
    page.get_by_role("button", name=t["save"], exact=True).click()
    visit.check()
    page.get_by_role("link", name=t["submit"]).click()
    visit.check()
    page.get_by_role("button", name=t["submit"]).click()
    visit.check()
    report = FinalReport.objects.get()
    assert report.status == "submitted" and report.word_count >= 500

    page.context.clear_cookies()
    prefer_language(visit, language)
    sign_in_as(visit, personas.reviewer_p)
    visit.goto("/certificates/review/")
    page.get_by_role("link", name="Student A").click()
    visit.check()
    page.get_by_label(t["comments"]).fill(
        "Please add a paragraph on what you learned about teamwork."
    )
    page.get_by_role("button", name=t["return"]).click()
    visit.check()

    page.context.clear_cookies()
    prefer_language(visit, language)
    sign_in_as(visit, personas.student_a)
    visit.goto(f"/portfolio/enrolments/{enrolment.pk}/report/")
    expect(page.get_by_role("main")).to_contain_text(
        "Please add a paragraph on what you learned about teamwork."
    )
    page.locator("textarea[data-counts]").nth(4).fill(PARAGRAPH * 2)
    page.get_by_role("button", name=t["save"], exact=True).click()
    visit.check()
    page.get_by_role("link", name=t["submit"]).click()
    visit.check()
    page.get_by_role("button", name=t["submit"]).click()
    visit.check()

    page.context.clear_cookies()
    prefer_language(visit, language)
    sign_in_as(visit, personas.reviewer_p)
    visit.goto(f"/certificates/review/{report.pk}/")
    page.get_by_role("button", name=t["approve"]).click()
    visit.check()
    report.refresh_from_db()
    enrolment.refresh_from_db()
    assert report.status == "approved" and report.versions.count() == 2
    assert enrolment.stage == "report_approved"


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
    page.get_by_role("link", name=TEXT[language]["report"], exact=True).click()
    phone.check()
    fits_the_screen(page)
    counter = page.locator("[data-word-count-output]")
    before = int(counter.inner_text())  # the summary is drafted from the approved activities
    page.locator("textarea[data-counts]").nth(1).fill(PARAGRAPH * 4)
    expect(counter).to_have_text(str(before + 120))
    expect(page.locator("#report-status")).to_contain_text(TEXT[language]["saved"], timeout=10_000)
    phone.check("-autosaved")
    fits_the_screen(page)
    enrolment.final_report.refresh_from_db()
    assert PARAGRAPH.strip() in enrolment.final_report.sections[0]["text"]


def test_the_live_counter_counts_as_the_server_does(visit: Visit, personas: Personas) -> None:
    enrolment_with_activities(
        student=personas.student_a, programme=personas.programme_p, stage="activities_approved"
    )
    page = visit.page
    sign_in_as(visit, personas.student_a)
    visit.goto("/portfolio/")
    page.get_by_role("link", name=TEXT["en"]["report"], exact=True).click()
    visit.check()
    boxes = page.locator("textarea[data-counts]")
    for i in range(1, boxes.count()):
        boxes.nth(i).fill("")
    counter = page.locator("[data-word-count-output]")
    for text, words in WORD_COUNT_CASES:
        boxes.first.fill(text)
        expect(counter).to_have_text(str(words), timeout=2_000)
