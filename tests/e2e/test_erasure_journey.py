"""Erasure on request in Chromium: a student asks from their account pages; central staff,
signed in with a second factor, find the request in the queue, mistype the confirmation
(nothing happens), then erase; the student can no longer sign in, and the audit trail records
the erasure without naming them. And central staff change a retention period."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from cil.models import AuditEvent, User
from retention.models import ErasureRequest, Kind, RetentionPeriod
from tests.conftest import Personas
from tests.e2e.conftest import Visit, prefer_language, sign_in_as
from tests.factories import PASSWORD, TOTP_SECRET, EnrolmentFactory
from tests.mfa import current_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {
        "account": "Account",
        "erase_my_data": "Erase my data",
        "reason": "Anything we should know",
        "ask": "Ask for erasure",
        "sent": "Your request is sent. Central staff will handle it.",
        "waiting": "Central staff will carry it out; you will then no longer be able to sign in.",
        "sign_in": "Sign In",
        "queue": "Erasure requests",
        "erase_heading": "Erase a student",
        "confirmation": "Type the student's name or e-mail address",
        "keep": "Keep the diploma register entry",
        "erase": "Erase",
        "mistyped": "Type the student's name or e-mail address exactly to confirm.",
        "erased": "The student is erased.",
        "carried_out": "Carried out",
        "no_request": "No request is waiting.",
        "wrong_password": "The email address and/or password you specified are not correct.",
        "retention": "Retention",
        "audit": "Audit events",
        "save": "Save",
        "saved": "The retention periods are saved.",
        "too_long": "Ensure this value is less than or equal to 600.",
    },
    "nb": {
        "account": "Konto",
        "erase_my_data": "Slett opplysningene mine",
        "reason": "Noe vi bør vite",
        "ask": "Be om sletting",
        "sent": "Forespørselen din er sendt. Den sentrale ressursgruppen behandler den.",
        "waiting": "Den sentrale ressursgruppen utfører den; deretter kan du ikke lenger logge "
        "inn.",
        "sign_in": "Logg inn",
        "queue": "Forespørsler om sletting",
        "erase_heading": "Slett en student",
        "confirmation": "Skriv studentens navn eller e-postadresse",
        "keep": "Behold oppføringen i diplomregisteret",
        "erase": "Slett",
        "mistyped": "Skriv studentens navn eller e-postadresse nøyaktig for å bekrefte.",
        "erased": "Studenten er slettet.",
        "carried_out": "Utført",
        "no_request": "Ingen forespørsel venter.",
        "wrong_password": "E-postadressen og/eller passordet du oppgav er feil.",
        "retention": "Lagringstid",
        "audit": "Logghendelser",
        "save": "Lagre",
        "saved": "Lagringstidene er lagret.",
        "too_long": "Verdien må være mindre enn eller lik 600.",
    },
}


def sign_in_with_password(visit: Visit, email: str, t: dict[str, str]) -> None:
    page = visit.page
    visit.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name=t["sign_in"], exact=True).click()
    visit.check("-signed-in")


def sign_in_with_second_factor(visit: Visit, staff: User, t: dict[str, str]) -> None:
    """Password, then a code from the authenticator app the factories gave staff."""
    page = visit.page
    sign_in_with_password(visit, staff.email, t)
    assert page.url.endswith("/accounts/2fa/authenticate/"), page.url
    page.locator("input[name=code]").fill(current_code(TOTP_SECRET))
    page.get_by_role("button", name=t["sign_in"], exact=True).click()
    visit.check("-second-factor")
    assert "/accounts/" not in page.url, page.url


def start_afresh(visit: Visit, language: str) -> None:
    """Another person at the browser: no session, the same language."""
    visit.page.context.clear_cookies()
    prefer_language(visit, language)


@pytest.mark.parametrize("language", ["en", "nb"])
def test_a_student_asks_for_erasure_and_central_staff_erase_them(
    visit: Visit, personas: Personas, language: str
) -> None:
    t = TEXT[language]
    page = visit.page
    student = personas.student_a
    email, name = student.email, student.full_name
    EnrolmentFactory(student=student, programme=personas.programme_p)
    prefer_language(visit, language)

    # The student finds the request among their account pages.
    sign_in_as(visit, student)
    visit.goto(reverse("portfolio:home"))
    page.get_by_role("link", name=t["account"]).click()
    visit.check("-account")
    page.get_by_role("navigation", name=t["account"]).get_by_role(
        "link", name=t["erase_my_data"]
    ).click()
    visit.check("-ask")
    expect(page.get_by_role("heading", level=1)).to_have_text(t["erase_my_data"])
    page.get_by_label(t["reason"]).fill("I am leaving the university.")
    page.get_by_role("button", name=t["ask"]).click()
    visit.check("-asked")
    expect(page.get_by_role("status")).to_have_text(t["sent"])
    expect(page.get_by_role("main")).to_contain_text(t["waiting"])
    expect(page.get_by_role("button", name=t["ask"])).to_have_count(0)
    wanted = ErasureRequest.objects.get(user=student)
    assert wanted.is_pending
    session = next(c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)

    # Central staff sign in with their second factor and open the request from the queue.
    start_afresh(visit, language)
    sign_in_with_second_factor(visit, personas.central, t)
    page.get_by_role("link", name=t["queue"], exact=True).click()
    visit.check("-queue")
    expect(page.get_by_role("heading", level=1)).to_have_text(t["queue"])
    page.get_by_role("link", name=name, exact=True).click()
    visit.check("-erase")
    expect(page.get_by_role("heading", level=1)).to_have_text(t["erase_heading"])
    expect(page.get_by_role("main")).to_contain_text("I am leaving the university.")
    expect(page.get_by_label(t["keep"])).to_be_checked()

    # A mistyped confirmation: a clear message at the field, and nothing erased.
    field = page.get_by_label(t["confirmation"])
    field.fill(name + "x")
    page.get_by_role("button", name=t["erase"], exact=True).click()
    visit.check("-mistyped")
    expect(page.get_by_role("heading", level=1)).to_have_text(t["erase_heading"])
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("main")).to_contain_text(t["mistyped"])
    student.refresh_from_db()
    assert (student.email, student.full_name, student.is_active) == (email, name, True)
    assert ErasureRequest.objects.get(pk=wanted.pk).is_pending
    assert not AuditEvent.objects.filter(action="account.erased").exists()

    # Typed right (in other case and spacing): erased.
    field.fill("  " + name.upper().replace(" ", "   ") + " ")
    page.get_by_role("button", name=t["erase"], exact=True).click()
    visit.check("-erased")
    assert page.url.endswith(reverse("retention:queue")), page.url
    expect(page.get_by_role("status")).to_have_text(t["erased"])
    expect(page.get_by_role("main")).to_contain_text(t["no_request"])
    expect(page.get_by_role("heading", name=t["carried_out"])).to_be_visible()
    main = page.get_by_role("main").inner_text()
    assert name not in main and email not in main

    student.refresh_from_db()
    assert not student.is_active and not student.has_usable_password()
    assert student.full_name == "" and email not in student.email
    wanted.refresh_from_db()
    assert not wanted.is_pending and wanted.reason == ""

    # The audit event names the erasure's reference, not the student.
    event = AuditEvent.objects.get(action="account.erased")
    assert event.actor == personas.central and event.subject is None
    assert event.data == {"reference": wanted.reference, "register_kept": True}
    recorded = json.dumps(
        [event.data, event.comment, event.from_state, event.to_state, str(event.target)],
        ensure_ascii=False,
    )
    for personal in (email, name, email.partition("@")[0], "leaving the university"):
        assert personal.casefold() not in recorded.casefold(), personal

    # The student's session has ended, and their password no longer signs them in.
    start_afresh(visit, language)
    page.context.add_cookies([session])
    visit.goto(reverse("portfolio:home"))
    assert "/accounts/login/" in page.url, page.url
    sign_in_with_password(visit, email, t)
    assert page.url.endswith("/accounts/login/"), page.url
    expect(page.get_by_role("main")).to_contain_text(t["wrong_password"])


@pytest.mark.parametrize("language", ["en", "nb"])
def test_central_staff_change_a_retention_period(
    visit: Visit, personas: Personas, language: str
) -> None:
    t = TEXT[language]
    page = visit.page
    prefer_language(visit, language)
    sign_in_with_second_factor(visit, personas.central, t)
    page.get_by_role("link", name=t["retention"], exact=True).click()
    visit.check("-periods")
    expect(page.get_by_role("heading", level=1)).to_have_text(t["retention"])
    audit = page.get_by_label(t["audit"])
    # Each label starts with a capital letter, like every other form's.
    expect(page.locator("label[for=id_audit]")).to_contain_text(t["audit"])
    expect(audit).to_have_value(str(settings.CIL_RETENTION_DEFAULTS["audit"]))

    # Too long a period is refused at the field, and nothing is saved.
    audit.evaluate("field => field.removeAttribute('max')")
    audit.fill("601")
    page.get_by_role("button", name=t["save"]).click()
    visit.check("-refused")
    expect(audit).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("main")).to_contain_text(t["too_long"])
    assert not RetentionPeriod.objects.exists()

    audit.fill("84")
    page.get_by_role("button", name=t["save"]).click()
    visit.check("-saved")
    assert page.url.endswith(reverse("retention:periods")), page.url
    expect(page.get_by_role("status")).to_have_text(t["saved"])
    expect(page.get_by_label(t["audit"])).to_have_value("84")
    assert RetentionPeriod.objects.get(kind=Kind.AUDIT).months == 84
    assert RetentionPeriod.objects.get(kind=Kind.AUDIT).changed_by == personas.central

    # Shown again on a later visit too.
    visit.goto(reverse("retention:periods"))
    expect(page.get_by_label(t["audit"])).to_have_value("84")
