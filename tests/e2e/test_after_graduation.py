"""After graduation, in Chromium, in both languages: a student who signs in with Feide (a real
OpenID provider on 127.0.0.1) adds and confirms a private address; the diploma is refused until
it is confirmed, then issued through the pages; the institutional login goes away, and the
graduate signs in with a one-time link mailed to the private address and downloads the diploma.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator

import pytest
from django.core import mail
from playwright.sync_api import expect

from certificates import workflow
from certificates.models import Diploma
from cil.models import AuditEvent, User
from tests.conftest import Personas
from tests.e2e.conftest import Visit, axe_violations, prefer_language, sign_in_as
from tests.factories import enrolment_with_activities
from tests.support.oidc import RunningProvider, feide_user, running_provider, use_providers

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

KARI_SUB = "76a7a061-3c55-430d-8ee0-6f82ec42501f"
KARI_EMAIL = "kari.nordmann@oslomet.no"
PRIVATE = "kari.nordmann@private.example"

TEXT = {
    "en": {
        "feide": "Sign in with Feide",
        "address_page": "Address after graduation",
        "private": "Private e-mail address",
        "save": "Save and send the confirmation link",
        "confirm": "Confirm",
        "confirmed": "confirmed",
        "waits": "confirmed a private e-mail address for after graduation",
        "language": "Language of the diploma",
        "issue": "Issue the diploma",
        "issued": "The diploma is issued.",
        "ask_link": "Get a sign-in link by e-mail",
        "your_private": "Your private e-mail address",
        "send_link": "Send me a sign-in link",
        "sent": "Check your e-mail",
        "link_page": "Sign in with a link",
        "sign_in": "Sign in",
        "download": "Download your diploma (PDF)",
    },
    "nb": {
        "feide": "Logg inn med Feide",
        "address_page": "Adresse etter endt utdanning",
        "private": "Privat e-postadresse",
        "save": "Lagre og send bekreftelseslenken",
        "confirm": "Bekreft",
        "confirmed": "bekreftet",
        "waits": "bekreftet en privat e-postadresse for tiden etter endt utdanning",
        "language": "Språk på diplomet",
        "issue": "Utsted diplomet",
        "issued": "Diplomet er utstedt.",
        "ask_link": "Få en innloggingslenke på e-post",
        "your_private": "Den private e-postadressen din",
        "send_link": "Send meg en innloggingslenke",
        "sent": "Sjekk e-posten din",
        "link_page": "Logg inn med en lenke",
        "sign_in": "Logg inn",
        "download": "Last ned diplomet ditt (PDF)",
    },
}


@pytest.fixture
def feide(settings) -> Iterator[RunningProvider]:
    kari = feide_user(KARI_SUB, "Kari Nordmann", KARI_EMAIL, "karinor@oslomet.no")
    with running_provider(kari) as provider:
        use_providers(settings, provider.config("feide", {"en": "Feide", "nb": "Feide"}))
        yield provider


def sign_in_with_feide(visit: Visit, t: dict[str, str]) -> None:
    page = visit.page
    visit.goto("/accounts/login/")
    page.get_by_role("button", name=t["feide"]).click()
    page.get_by_role("button", name=KARI_SUB).click()  # the provider's own page
    page.wait_for_url(re.compile(re.escape(visit.base_url)))
    visit.check()


def fresh_browser(visit: Visit, language: str) -> None:
    visit.page.context.clear_cookies()
    prefer_language(visit, language)


def link_in_mail(to: str, path: str) -> str:
    for message in reversed(mail.outbox):
        found = re.search(rf"https?://\S+{re.escape(path)}\S+/", str(message.body))
        if message.to == [to] and found:
            return found.group(0)
    raise AssertionError(f"no mail to {to} with a link to {path}")


def no_axe_violations(visit: Visit) -> None:
    report = axe_violations(visit.page)
    assert report == "", report


@pytest.mark.parametrize("language", ["en", "nb"])
def test_a_graduate_signs_in_with_a_mailed_link_and_downloads_the_diploma(
    visit: Visit, personas: Personas, feide: RunningProvider, settings, language: str
) -> None:
    t = TEXT[language]
    page = visit.page
    prefer_language(visit, language)

    # Kari signs in with Feide; her certificate is complete but for the diploma.
    sign_in_with_feide(visit, t)
    kari = User.objects.get(email=KARI_EMAIL)
    enrolment = enrolment_with_activities(
        student=kari,
        programme=personas.programme_p,
        stage="report_approved",
        graduation_address=False,
    )
    workflow.advance(
        enrolment=enrolment,
        by=personas.admin_p,
        action="record_presentation",
        presented_on=datetime.date(2026, 6, 5),
    )

    # She gives her private address; a confirmation link is mailed to it.
    visit.goto("/accounts/after-graduation/")
    expect(page.get_by_role("heading", level=1)).to_have_text(t["address_page"])
    no_axe_violations(visit)
    page.get_by_label(t["private"]).fill(PRIVATE)
    page.get_by_role("button", name=t["save"]).click()
    visit.check()
    expect(page.get_by_role("main")).to_contain_text(PRIVATE)
    confirm = link_in_mail(PRIVATE, "/accounts/confirm-email/")

    # Until she confirms it, the administrator is told why the diploma cannot be issued.
    fresh_browser(visit, language)
    sign_in_as(visit, personas.admin_p)
    student_page = f"/manage/nursing/students/{enrolment.pk}/"
    visit.goto(student_page)
    expect(page.get_by_role("main")).to_contain_text(t["waits"])
    expect(page.get_by_role("button", name=t["issue"])).to_have_count(0)

    # She opens the link from the mail and confirms.
    fresh_browser(visit, language)
    page.goto(confirm)
    visit.check()
    page.get_by_role("main").get_by_role("button", name=t["confirm"]).click()
    visit.check()
    sign_in_with_feide(visit, t)
    visit.goto("/accounts/after-graduation/")
    expect(page.get_by_role("main")).to_contain_text(f"{PRIVATE} \N{EN DASH} {t['confirmed']}")

    # The administrator issues the diploma through the page.
    fresh_browser(visit, language)
    sign_in_as(visit, personas.admin_p)
    visit.goto(student_page)
    page.get_by_label(t["language"]).select_option("en")
    page.get_by_role("button", name=t["issue"]).click()
    visit.check()
    expect(page.get_by_role("main")).to_contain_text(t["issued"])
    assert Diploma.objects.filter(enrolment=enrolment).count() == 1

    # Her institutional login is gone: Feide is no longer offered.
    use_providers(settings)
    fresh_browser(visit, language)
    visit.goto("/accounts/login/")
    expect(page.get_by_role("button", name=t["feide"])).to_have_count(0)
    page.get_by_role("link", name=t["ask_link"]).click()
    visit.check()
    expect(page.get_by_role("heading", level=1)).to_have_text(t["ask_link"])
    no_axe_violations(visit)
    page.get_by_label(t["your_private"]).fill(PRIVATE)
    page.get_by_role("button", name=t["send_link"]).click()
    visit.check()
    expect(page.get_by_role("heading", level=1)).to_have_text(t["sent"])

    # The link from the mail asks first, then signs her in.
    page.goto(link_in_mail(PRIVATE, "/accounts/link/"))
    visit.check()
    expect(page.get_by_role("heading", level=1)).to_have_text(t["link_page"])
    expect(page.get_by_role("main")).to_contain_text(PRIVATE)
    no_axe_violations(visit)
    page.get_by_role("main").get_by_role("button", name=t["sign_in"]).click()
    visit.check()
    assert AuditEvent.objects.filter(action="account.signin_link_used", subject=kari).exists()

    # She downloads her diploma.
    visit.goto("/portfolio/")
    with page.expect_download() as download:
        page.get_by_role("link", name=t["download"]).click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
