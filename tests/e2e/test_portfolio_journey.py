"""A student on a phone: sign up, document an activity with a proof and a photo, write a diary
note and the reflection, submit it, watch the progress bar move, and download the portfolio."""

from __future__ import annotations

import json
import zipfile

import pytest
from playwright.sync_api import FilePayload, expect

from portfolio.models import Entry
from tests.conftest import Personas
from tests.e2e.conftest import Visit, prefer_language, sign_in_as
from tests.factories import ActivityFactory, EnrolmentFactory, tiny_jpeg, tiny_pdf

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {
        "sign_up": "Sign up",
        "term": "Expected completion: term",
        "accept": "I have read the rules above",
        "signed_up": "You have signed up for the certificate in Nursing.",
        "add": "Add an activity",
        "activity": "Activity",
        "from": "From",
        "country": "Country",
        "city": "City",
        "what": "What you did",
        "add_to": "Add to my portfolio",
        "file": "File",
        "photo": "Photo",
        "caption": "Caption (optional)",
        "upload": "Upload",
        "note": "Note",
        "add_note": "Add the note",
        "write": "Write the reflection",
        "edit": "Edit the reflection",
        "save_reflection": "Save the reflection",
        "submit": "Submit for approval",
        "submitted": "Submitted.",
        "download": "Download my portfolio (ZIP)",
        "bar": "Activities: 0% approved, 33% more awaiting approval",
        "bar_before": "Activities: 0% approved, 0% more awaiting approval",
    },
    "nb": {
        "sign_up": "Meld deg på",
        "term": "Forventet fullført: semester",
        "accept": "Jeg har lest reglene over",
        "signed_up": "Du er meldt på sertifikatet i Sykepleie.",
        "add": "Legg til en aktivitet",
        "activity": "Aktivitet",
        "from": "Fra",
        "country": "Land",
        "city": "By",
        "what": "Hva du gjorde",
        "add_to": "Legg til i porteføljen",
        "file": "Fil",
        "photo": "Bilde",
        "caption": "Bildetekst (valgfritt)",
        "upload": "Last opp",
        "note": "Notat",
        "add_note": "Legg til notatet",
        "write": "Skriv refleksjonen",
        "edit": "Rediger refleksjonen",
        "save_reflection": "Lagre refleksjonen",
        "submit": "Send til godkjenning",
        "submitted": "Sendt.",
        "download": "Last ned porteføljen min (ZIP)",
        "bar": "Aktiviteter: 0 % godkjent, 33 % til venter på godkjenning",
        "bar_before": "Aktiviteter: 0 % godkjent, 0 % til venter på godkjenning",
    },
}


@pytest.mark.parametrize("language", ["en", "nb"])
def test_student_documents_an_activity_on_a_phone(
    phone: Visit, personas: Personas, language: str
) -> None:
    t = TEXT[language]
    ActivityFactory(
        programme=personas.programme_p,
        title_en="Language café: Spanish",
        title_nb="Språkkafé: spansk",
    )
    title = "Språkkafé: spansk" if language == "nb" else "Language café: Spanish"
    page = phone.page
    prefer_language(phone, language)
    sign_in_as(phone, personas.student_a)

    phone.goto("/portfolio/")
    programme = "Sykepleie" if language == "nb" else "Nursing"
    main = page.get_by_role("main")
    main.get_by_role("listitem").filter(has_text=programme).get_by_role(
        "link", name=t["sign_up"]
    ).click()
    phone.check()
    page.get_by_label(t["term"]).select_option(index=0)
    page.get_by_label(t["accept"]).check()
    page.get_by_role("button", name=t["sign_up"]).click()
    phone.check()
    expect(main).to_contain_text(t["signed_up"])
    bar = page.get_by_role("img", name=t["bar_before"])
    expect(bar).to_be_visible()

    page.get_by_role("link", name=t["add"]).click()
    phone.check()
    page.get_by_label(t["activity"], exact=False).first.select_option(
        label=f"{title} ({'hjemme' if language == 'nb' else 'at home'})"
    )
    page.get_by_label(t["from"], exact=False).first.fill("2026-10-01")
    page.get_by_label(t["country"]).select_option("NO")
    page.get_by_label(t["city"]).fill("Oslo")
    page.get_by_label(t["what"]).fill("Spoke Spanish with exchange students every Thursday.")
    page.get_by_role("button", name=t["add_to"]).click()
    phone.check()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)

    page.get_by_label(t["file"]).set_input_files(
        files=[
            FilePayload(name="signed-programme.pdf", mimeType="application/pdf", buffer=tiny_pdf())
        ]
    )
    page.get_by_role("button", name=t["upload"]).click()
    phone.check()
    page.get_by_label(t["file"]).set_input_files(
        files=[
            FilePayload(name="IMG_0042.jpg", mimeType="image/jpeg", buffer=tiny_jpeg((300, 200)))
        ]
    )
    page.get_by_label(t["photo"], exact=True).check()
    page.get_by_label(t["caption"]).fill("Our table")
    page.get_by_role("button", name=t["upload"]).click()
    phone.check()
    expect(page.locator("#evidence")).to_contain_text("signed-programme.pdf")
    expect(page.get_by_role("img", name="Our table")).to_be_visible()

    page.locator("#diary").get_by_label(t["note"]).fill(
        "First evening: twelve people, three languages."
    )
    page.get_by_role("button", name=t["add_note"]).click()
    phone.check()
    expect(page.locator("#diary")).to_contain_text("twelve people")

    page.get_by_role("link", name=t["write"]).click()
    phone.check()
    boxes = page.get_by_role("textbox")
    boxes.nth(0).fill("I met students from five countries and heard how care differs between them.")
    boxes.nth(1).fill("I will listen for what a patient means, not only what they say.")
    page.get_by_role("button", name=t["save_reflection"]).click()
    phone.check()
    # Written now: the link edits it.
    expect(page.get_by_role("link", name=t["edit"])).to_be_visible()
    expect(page.get_by_role("link", name=t["write"])).to_have_count(0)

    page.get_by_role("link", name=t["submit"]).click()
    phone.check()
    page.get_by_role("button", name=t["submit"]).click()
    phone.check()
    expect(main).to_contain_text(t["submitted"])
    expect(page.get_by_role("img", name=t["bar"])).to_be_visible()
    assert Entry.objects.get().status == Entry.Status.SUBMITTED

    with page.expect_download() as download_info:
        page.get_by_role("link", name=t["download"]).click()
    archive = zipfile.ZipFile(download_info.value.path())
    data = json.loads(archive.read("portfolio.json"))
    [entry] = data["entries"]
    assert entry["activity"]["title_en"] == "Language café: Spanish"
    assert entry["status"] == "submitted"
    files = [ev["file"] for ev in entry["evidence"]]
    assert len(files) == 2 and set(files) <= set(archive.namelist())


@pytest.mark.parametrize("language", ["en", "nb"])
def test_administrator_sees_sign_ups_and_a_student_withdraws(
    visit: Visit, personas: Personas, language: str
) -> None:
    enrolment = EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)
    prefer_language(visit, language)
    sign_in_as(visit, personas.admin_p)
    visit.goto("/manage/nursing/")
    visit.page.get_by_role("link", name="Studenter" if language == "nb" else "Students").click()
    visit.check()
    expect(visit.page.get_by_role("table")).to_contain_text("Student A")

    visit.page.context.clear_cookies()
    prefer_language(visit, language)
    sign_in_as(visit, personas.student_a)
    visit.goto("/portfolio/")
    withdraw = "Trekk deg fra sertifikatet" if language == "nb" else "Withdraw from the certificate"
    visit.page.get_by_role("link", name=withdraw).click()
    visit.check()
    visit.page.get_by_role("textbox").fill("Changing programme.")
    visit.page.get_by_role(
        "button", name="Trekk deg" if language == "nb" else "Withdraw", exact=True
    ).click()
    visit.check()
    enrolment.refresh_from_db()
    assert enrolment.status == "withdrawn"
    earlier = "Tidligere påmeldinger" if language == "nb" else "Earlier sign-ups"
    expect(visit.page.get_by_role("main")).to_contain_text(earlier)
