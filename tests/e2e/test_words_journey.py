"""What the pages say, in both languages: engagements counted where they matter, a sign-up
that proposes a term still ahead, nouns that agree with their numbers, a history that says
each thing once, and refusals announced as alerts."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from certificates import workflow
from portfolio import terms
from tests.conftest import Personas
from tests.e2e.conftest import Visit, prefer_language, sign_in_as
from tests.factories import (
    ActivityFactory,
    EnrolmentFactory,
    EntryFactory,
    enrolment_with_activities,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LECTURES = {"en": "Guest lectures on global health", "nb": "Gjesteforelesninger om global helse"}
# A title quoted as each language quotes: “…” in English, «…» in bokmål.
QUOTED = {
    "en": f"“{LECTURES['en']}”",
    "nb": f"«{LECTURES['nb']}»",
}
TEXT = {
    "en": {
        "year": "Expected completion: year",
        "term": "Expected completion: term",
        "accept": "I have read the rules above",
        "sign_up": "Sign up",
        "over": "is already over: choose a term that has not ended.",
        "autumn": "Autumn",
        "hint": "3 engagements",
        "so_far": "counts as one activity once 3 engagements are approved: 1 of 3 so far.",
        "entry": "With your other entries for this activity: 2 of 3 engagements",
        "waiting": "is still waiting for approval",
        "queue": "2 of 3 engagements",
        "tick": "Tick the activities to approve.",
        "approve": "Approve the ticked activities",
        "approved_one": "1 activity approved.",
        "month": "1 month",
        "history": "My history",
        "report_approved": "final report approved",
        "next_steps": "ready for the last steps towards the diploma",
    },
    "nb": {
        "year": "Forventet fullført: år",
        "term": "Forventet fullført: semester",
        "accept": "Jeg har lest reglene over",
        "sign_up": "Meld deg på",
        "over": "er allerede over: velg et semester som ikke er slutt.",
        "autumn": "Høst",
        "hint": "3 ganger",
        "so_far": "teller som én aktivitet når 3 ganger er godkjent: 1 av 3 så langt.",
        "entry": "Med de andre oppføringene dine for denne aktiviteten: 2 av 3 ganger",
        "waiting": "venter fortsatt på godkjenning",
        "queue": "2 av 3 ganger",
        "tick": "Kryss av aktivitetene som skal godkjennes.",
        "approve": "Godkjenn de avkryssede aktivitetene",
        "approved_one": "1 aktivitet godkjent.",
        "month": "1 måned",
        "history": "Min historikk",
        "report_approved": "avsluttende refleksjonsrapport godkjent",
        "next_steps": "klar for de siste trinnene mot diplomet",
    },
}


def lectures(personas: Personas):
    return ActivityFactory(
        programme=personas.programme_p,
        title_en=LECTURES["en"],
        title_nb=LECTURES["nb"],
        engagements_required=3,
        category="guest_lecture",
    )


@pytest.mark.parametrize("language", ["en", "nb"])
def test_sign_up_proposes_a_term_ahead_and_the_form_explains_engagements(
    visit: Visit, personas: Personas, language: str
) -> None:
    t = TEXT[language]
    lectures(personas)
    page = visit.page
    prefer_language(visit, language)
    sign_in_as(visit, personas.student_a)
    today = timezone.localdate()
    term, year = terms.default_completion(today)

    visit.goto(reverse("portfolio:signup", args=["nursing"]))
    expect(page.get_by_label(t["term"])).to_have_value(term)
    expect(page.get_by_label(t["year"])).to_have_value(str(year))
    years = page.get_by_label(t["year"]).locator("option").all_inner_texts()
    assert int(years[0]) == today.year
    if today.month >= 7:  # spring of this year is over: refused, said at once
        page.get_by_label(t["term"]).select_option("spring")
        page.get_by_label(t["year"]).select_option(str(today.year))
        page.get_by_label(t["accept"]).check()
        page.get_by_role("button", name=t["sign_up"]).click()
        visit.check("-refused")
        expect(page.get_by_role("main")).to_contain_text(t["over"])
    page.get_by_label(t["term"]).select_option(term)
    page.get_by_label(t["year"]).select_option(str(year))
    page.get_by_label(t["accept"]).check()
    page.get_by_role("button", name=t["sign_up"]).click()
    visit.check("-signed-up")
    expect(page.get_by_role("status").first).to_be_visible()

    enrolment = personas.student_a.enrolments.get()
    visit.goto(reverse("portfolio:entry_create", args=[enrolment.pk]))
    hint = page.locator("#div_id_engagements")
    expect(hint).to_contain_text(f"{QUOTED[language]}: {t['hint']}")


@pytest.mark.parametrize("language", ["en", "nb"])
def test_the_student_sees_one_of_three_and_what_still_waits(
    visit: Visit, personas: Personas, language: str
) -> None:
    t = TEXT[language]
    activity = lectures(personas)
    enrolment = enrolment_with_activities(
        student=personas.student_a, programme=personas.programme_p
    )
    approved = EntryFactory(enrolment=enrolment, activity=activity, status="approved")
    EntryFactory(
        enrolment=enrolment, activity=activity, status="submitted", submitted_at=timezone.now()
    )
    page = visit.page
    prefer_language(visit, language)
    sign_in_as(visit, personas.student_a)

    visit.goto(reverse("portfolio:home"))
    expect(page.get_by_role("main")).to_contain_text(f"{QUOTED[language]} {t['so_far']}")
    visit.goto(reverse("portfolio:entry", args=[approved.pk]))
    expect(page.locator("#engagements")).to_contain_text(t["entry"])
    visit.goto(reverse("certificates:request_activities", args=[enrolment.pk]))
    expect(page.get_by_role("main")).to_contain_text(f"{QUOTED[language]} {t['waiting']}")


@pytest.mark.parametrize("language", ["en", "nb"])
def test_the_administrator_sees_counts_plurals_and_alerts(
    visit: Visit, personas: Personas, language: str
) -> None:
    t = TEXT[language]
    activity = lectures(personas)
    enrolment = EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)
    EntryFactory(enrolment=enrolment, activity=activity, status="approved")
    EntryFactory(
        enrolment=enrolment, activity=activity, status="submitted", submitted_at=timezone.now()
    )
    page = visit.page
    prefer_language(visit, language)
    sign_in_as(visit, personas.admin_p)

    visit.goto(reverse("certificates:entry_queue", args=["nursing"]))
    main = page.get_by_role("main")
    expect(main.get_by_role("row").nth(1)).to_contain_text(t["queue"])
    page.get_by_role("button", name=t["approve"]).click()
    visit.check("-nothing-ticked")
    expect(page.get_by_role("alert")).to_have_text(t["tick"])
    main.get_by_role("checkbox").first.check()
    page.get_by_role("button", name=t["approve"]).click()
    visit.check("-approved")
    expect(page.get_by_role("status")).to_have_text(t["approved_one"])
    expect(page.get_by_role("alert")).to_have_count(0)

    visit.goto(reverse("certificates:follow_up", args=["nursing"]))
    expect(page.locator("option", has_text=t["month"]).first).to_have_text(t["month"])


@pytest.mark.parametrize("language", ["en", "nb"])
def test_one_report_approval_reads_once_in_the_history(
    visit: Visit, personas: Personas, language: str
) -> None:
    t = TEXT[language]
    enrolment = enrolment_with_activities(
        student=personas.student_a, programme=personas.programme_p, stage="activities_approved"
    )
    report = workflow.start_report(enrolment=enrolment, by=personas.student_a)
    report.status = "submitted"
    report.save(update_fields=["status"])
    report.versions.create(number=1, sections=[], summary="", word_count=0)
    workflow.report_transition(report=report, by=personas.reviewer_p, action="approve")
    page = visit.page
    prefer_language(visit, language)
    sign_in_as(visit, personas.student_a)

    visit.goto(reverse("portfolio:home"))
    page.get_by_role("link", name=t["history"], exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t["history"])
    visit.check("-history")
    history = page.locator("ul.history li")
    expect(history.filter(has_text=t["report_approved"])).to_have_count(1)
    expect(history.filter(has_text=t["next_steps"])).to_have_count(1)
