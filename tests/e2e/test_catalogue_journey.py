"""A programme's catalogue from start to finish, in Chromium: the administrator sets the rules
and builds the catalogue, a student proposes an activity, the administrator accepts it, and an
anonymous visitor reads the programme's public page and catalogue in both languages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from activities.models import Activity, ActivityProposal
from tests.conftest import Personas
from tests.e2e.conftest import Visit, prefer_language, sign_in_as
from tests.factories import ActivityFactory, EnrolmentFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def add_activity(visit: Visit, *, en: str, nb: str, where: str, category: str) -> None:
    page = visit.page
    page.get_by_role("link", name="Add an activity").click()
    visit.check()
    page.get_by_label("Title (English)").fill(en)
    page.get_by_label("Title (Norwegian bokmål)").fill(nb)
    page.get_by_label("Description (English)").fill(
        f"{en}: what you do and why it is international."
    )
    page.get_by_label("Description (Norwegian bokmål)").fill(f"{nb}: hva du gjør.")
    page.get_by_label(where, exact=True).check()
    page.get_by_label("Category").select_option(label=category)
    page.get_by_label("Expected evidence (English)").fill("A certificate of participation.")
    page.get_by_role("button", name="Add to the catalogue").click()
    visit.check()
    expect(page.get_by_role("main")).to_contain_text(f"“{en}” is added to the catalogue.")


def test_administrator_builds_the_catalogue_and_accepts_a_students_proposal(
    visit: Visit, personas: Personas
) -> None:
    page = visit.page

    # The administrator sets the rules of the programme.
    sign_in_as(visit, personas.admin_p)
    visit.goto("/manage/")
    page.get_by_role("link", name="Nursing").click()
    visit.check()
    page.get_by_role("link", name="Change the rules").click()
    visit.check()
    page.get_by_label("Minimum number of different activities").fill("4")
    page.get_by_label("Minimum activities at home").fill("2")
    page.get_by_label("Career course required").check()
    page.get_by_role("button", name="Save the rules").click()
    visit.check()
    main = page.get_by_role("main")
    expect(main).to_contain_text("The certificate rules are saved.")
    expect(main).to_contain_text("At least 4 different activities")

    # ... adds an activity at home and one abroad, and archives one.
    add_activity(
        visit, en="Language café: Spanish", nb="Språkkafé: spansk", where="At home",
        category="Language café or club",
    )  # fmt: skip
    add_activity(
        visit, en="Summer school in Granada", nb="Sommerskole i Granada", where="Abroad",
        category="Summer course",
    )  # fmt: skip
    add_activity(
        visit, en="Old exchange agreement", nb="Gammel utvekslingsavtale", where="Abroad",
        category="Exchange studies",
    )  # fmt: skip
    page.get_by_role("link", name="Archive Old exchange agreement").click()
    visit.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Archive “Old exchange agreement”?")
    page.get_by_role("button", name="Archive").click()
    visit.check()
    expect(main).to_contain_text("“Old exchange agreement” is archived.")
    expect(main.get_by_role("table")).not_to_contain_text("Old exchange agreement")

    # A student of the programme proposes a volunteer activity they found.
    EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)
    page.context.clear_cookies()
    sign_in_as(visit, personas.student_a)
    visit.goto("/programmes/nursing/")
    page.get_by_role("link", name="Propose an activity").click()
    visit.check()
    page.get_by_label("Title").fill("Volunteer at the Red Cross homework café")
    page.get_by_label("Description").fill("Helping refugee pupils with homework every Monday.")
    page.get_by_label("At home", exact=True).check()
    page.get_by_label("Category").select_option(label="Volunteer work")
    page.get_by_label("Organiser or host").fill("Red Cross Oslo")
    page.get_by_role("button", name="Send proposal").click()
    visit.check()
    expect(main).to_contain_text(
        "Your proposal is sent to the certificate administrators of Nursing."
    )
    expect(main).to_contain_text("Awaiting decision")

    # The administrator completes the proposal in both languages and accepts it.
    page.context.clear_cookies()
    sign_in_as(visit, personas.admin_p)
    visit.goto("/manage/")
    page.get_by_role("link", name="1 proposal awaits your decision").click()
    visit.check()
    page.get_by_role("link", name="Volunteer at the Red Cross homework café").click()
    visit.check()
    page.get_by_label("Title (Norwegian bokmål)").fill("Frivillig i Røde Kors' leksehjelp")
    page.get_by_label("Description (Norwegian bokmål)").fill(
        "Leksehjelp for flyktninger hver mandag."
    )
    page.get_by_label("Expected evidence (English)").fill(
        "A letter from the Red Cross coordinator."
    )
    page.get_by_role("button", name="Accept into the catalogue").click()
    visit.check()
    expect(main).to_contain_text("Accepted into the catalogue. Student A has been told.")
    proposal = ActivityProposal.objects.get()
    assert proposal.status == ActivityProposal.Status.ACCEPTED

    # The student sees the decision.
    page.context.clear_cookies()
    sign_in_as(visit, personas.student_a)
    visit.goto("/proposals/")
    expect(main).to_contain_text("Accepted into the catalogue")

    # An anonymous visitor reads the public page and the catalogue, in English ...
    page.context.clear_cookies()
    visit.goto("/programmes/")
    page.get_by_role("link", name="Nursing").click()
    visit.check()
    expect(main).to_contain_text("At least 4 different activities")
    page.get_by_role("link", name="See the whole catalogue").click()
    visit.check()
    catalogue = page.locator("ul.catalogue")
    for title in (
        "Language café: Spanish",
        "Summer school in Granada",
        "Volunteer at the Red Cross homework café",
    ):
        expect(catalogue).to_contain_text(title)
    expect(catalogue).not_to_contain_text("Old exchange agreement")
    page.get_by_label("Where").select_option(label="Abroad")
    page.get_by_role("button", name="Filter").click()
    visit.check()
    expect(catalogue.get_by_role("heading")).to_have_text(["Summer school in Granada"])

    # ... and in Norwegian bokmål.
    prefer_language(visit, "nb")
    visit.goto("/programmes/nursing/catalogue/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Aktivitetskatalog")
    for title in (
        "Språkkafé: spansk",
        "Sommerskole i Granada",
        "Frivillig i Røde Kors' leksehjelp",
    ):
        expect(catalogue).to_contain_text(title)
    visit.goto("/programmes/nursing/")
    expect(main).to_contain_text("Minst 4 ulike aktiviteter")
    assert Activity.objects.filter(archived_at__isnull=False).count() == 1


@pytest.mark.parametrize("language", ["en", "nb"])
def test_central_staff_assign_a_reviewer_on_a_phone(
    phone: Visit, personas: Personas, language: str, settings
) -> None:
    settings.CIL_CENTRAL_STAFF_ASSIGN_ROLES = True  # the institution lets central staff do it
    prefer_language(phone, language)
    sign_in_as(phone, personas.central)
    phone.goto("/groups/")
    phone.page.get_by_role("link", name="Sykepleie" if language == "nb" else "Nursing").click()
    phone.check()
    email = "E-postadresse" if language == "nb" else "E-mail address"
    phone.page.get_by_label(email).fill(personas.student_b.email)
    phone.page.get_by_label("Rolle" if language == "nb" else "Role").select_option(value="reviewer")
    phone.page.get_by_role(
        "button", name="Legg til" if language == "nb" else "Add", exact=True
    ).click()
    phone.check()
    table = phone.page.get_by_role("main").get_by_role("table")
    expect(table.get_by_role("row").filter(has_text=personas.student_b.full_name)).to_contain_text(
        "Fagperson" if language == "nb" else "Reviewer"
    )


OTHER = {
    "en": {
        "add_from": "Add from other programmes",
        "search": "Search by title or programme",
        "search_button": "Search",
        "add": "Add to my catalogue",
        "added": "is in your catalogue now",
        "take_out": "Take out of my catalogue",
        "confirm": "Take it out",
        "taken_out": "is no longer in your catalogue",
    },
    "nb": {
        "add_from": "Legg til fra andre studieprogram",
        "search": "Søk etter tittel eller studieprogram",
        "search_button": "Søk",
        "add": "Legg til i aktivitetskatalogen",
        "added": "er i aktivitetskatalogen deres nå",
        "take_out": "Ta ut av aktivitetskatalogen",
        "confirm": "Ta den ut",
        "taken_out": "er ikke lenger i aktivitetskatalogen deres",
    },
}


@pytest.mark.parametrize("language", ["en", "nb"])
def test_administrator_offers_another_programmes_activity_and_takes_it_out(
    visit: Visit, personas: Personas, language: str
) -> None:
    t = OTHER[language]
    week = ActivityFactory(
        programme=personas.programme_p,
        title_en="International week",
        title_nb="Internasjonal uke",
    )
    ActivityFactory(programme=personas.programme_p, title_en="Buddy", title_nb="Fadder")
    title = week.title_nb if language == "nb" else week.title_en
    page = visit.page
    prefer_language(visit, language)
    sign_in_as(visit, personas.admin_q)
    visit.goto("/manage/medicine/")
    page.get_by_role("link", name=t["add_from"]).click()
    visit.check()
    page.get_by_label(t["search"]).fill(title.split()[0])
    page.get_by_role("button", name=t["search_button"], exact=True).click()
    visit.check()
    expect(page.get_by_role("row")).to_have_count(2)  # the heading and the one match
    page.get_by_role("row").filter(has_text=title).get_by_role("button", name=t["add"]).click()
    visit.check()
    expect(page.get_by_role("main")).to_contain_text(t["added"])
    assert week.programmes.filter(pk=personas.programme_q.pk).exists()

    visit.goto("/programmes/medicine/catalogue/")
    expect(page.get_by_role("main")).to_contain_text(title)
    visit.goto("/manage/medicine/")
    page.get_by_role("row").filter(has_text=title).get_by_role("link", name=t["take_out"]).click()
    visit.check()
    page.get_by_role("button", name=t["confirm"]).click()
    visit.check()
    expect(page.get_by_role("main")).to_contain_text(t["taken_out"])
    assert not week.programmes.filter(pk=personas.programme_q.pk).exists()
