"""The whole certificate in Chromium, from sign-up to an employer's verification, for both
demo rule sets: at home and abroad with the career course and a presentation at a ceremony
(like OsloMet), and going abroad optional with the presentation recorded singly (like Lund)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import FilePayload, expect
from pypdf import PdfReader

from certificates.models import Session
from tests.conftest import Personas
from tests.e2e.conftest import Visit, sign_in_as
from tests.factories import PASSWORD, ActivityFactory, tiny_pdf

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PARAGRAPH = (
    "Taking part in international activities has changed how I see my future profession. I "
    "met students and patients from many countries and learned to ask what they expect. "
)  # 30 words


def as_user(visit: Visit, user) -> None:
    visit.page.context.clear_cookies()
    sign_in_as(visit, user)


def document_activity(visit: Visit, enrolment_id: int, title: str, where: str) -> None:
    page = visit.page
    visit.goto(f"/portfolio/enrolments/{enrolment_id}/entries/new/")
    page.get_by_label("Activity").first.select_option(label=f"{title} ({where})")
    page.get_by_label("From", exact=False).first.fill("2026-03-02")
    page.get_by_label("Country").select_option("SE")
    page.get_by_label("What you did").fill("Took part and kept a diary.")
    page.get_by_role("button", name="Add to my portfolio").click()
    visit.check()
    page.get_by_label("File").set_input_files(
        files=[FilePayload(name="certificate.pdf", mimeType="application/pdf", buffer=tiny_pdf())]
    )
    page.get_by_role("button", name="Upload").click()
    visit.check()
    page.get_by_role("link", name="Write the reflection").click()
    visit.check()
    for box in page.get_by_role("textbox").all():
        box.fill("It widened my view of care across cultures.")
    page.get_by_role("button", name="Save the reflection").click()
    visit.check()
    page.get_by_role("link", name="Submit for approval").click()
    visit.check()
    page.get_by_role("button", name="Submit for approval").click()
    visit.check()


def confirm_private_address(visit: Visit, email: str) -> None:
    """The student gives a private address for after graduation (the diploma waits for it) and
    confirms it with the link mailed to it. Changing it asks for the password again first."""
    page = visit.page
    visit.goto("/accounts/after-graduation/")
    page.get_by_label("Private e-mail address").fill(email)
    page.get_by_role("button", name="Save and send the confirmation link").click()
    visit.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm Access")
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Confirm", exact=True).click()
    visit.check()
    expect(page.get_by_role("main")).to_contain_text(email)
    message = next(m for m in reversed(mail.outbox) if m.to == [email])
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", str(message.body))
    assert link, message.body
    page.goto(link.group(0))
    visit.check()
    page.get_by_role("main").get_by_role("button", name="Confirm").click()
    visit.check()
    visit.goto("/accounts/after-graduation/")
    expect(page.get_by_role("main")).to_contain_text(f"{email} \N{EN DASH} confirmed")


@pytest.mark.parametrize("rule_set", ["home_and_abroad", "abroad_optional"])
def test_from_sign_up_to_verification(visit: Visit, personas: Personas, rule_set: str) -> None:
    page = visit.page
    if rule_set == "home_and_abroad":
        programme, admin = personas.programme_p, personas.admin_p
        programme.career_course_required = True
        programme.save()
        catalogue = [
            ("Language café", "home"),
            ("Buddy programme", "home"),
            ("Summer school in Lund", "abroad"),
        ]
    else:
        programme, admin = personas.programme_q, personas.admin_q
        catalogue = [
            ("Language café", "home"),
            ("Buddy programme", "home"),
            ("Guest lecture series", "home"),
        ]
    reviewer = personas.reviewer_p
    reviewer.programme_roles.get_or_create(programme=programme, role="reviewer")
    for title, location in catalogue:
        ActivityFactory(programme=programme, title_en=title, location=location)
    code = programme.code
    student = personas.student_a

    # The student signs up and documents three activities.
    as_user(visit, student)
    visit.goto(f"/portfolio/sign-up/{code}/")
    page.get_by_label("I have read the rules above").check()
    page.get_by_role("button", name="Sign up").click()
    visit.check()
    enrolment = student.enrolments.get()
    for title, location in catalogue:
        document_activity(
            visit, enrolment.pk, title, "abroad" if location == "abroad" else "at home"
        )

    # The administrator approves all three at once.
    as_user(visit, admin)
    visit.goto(f"/manage/{code}/review/")
    for checkbox in page.get_by_role("checkbox").all():
        checkbox.check()
    page.get_by_role("button", name="Approve the ticked activities").click()
    visit.check()

    # The student asks for final approval; the administrator confirms.
    as_user(visit, student)
    visit.goto("/portfolio/")
    page.get_by_role("link", name="Ask for final approval of your activities").click()
    visit.check()
    page.get_by_role("button", name="Ask for final approval").click()
    visit.check()
    as_user(visit, admin)
    visit.goto(f"/manage/{code}/students/{enrolment.pk}/")
    page.get_by_role("button", name="Confirm: the student may write the final report").click()
    visit.check()
    if rule_set == "home_and_abroad":
        page.get_by_label("Career course completed on").fill("2026-05-04")
        page.get_by_role("button", name="Record the career course").click()
        visit.check()

    # The final report, written, submitted and approved by a reviewer.
    as_user(visit, student)
    visit.goto(f"/portfolio/enrolments/{enrolment.pk}/report/")
    for box in page.locator("textarea[data-counts]").all()[1:]:
        box.fill(PARAGRAPH * 5)
    page.get_by_role("button", name="Save", exact=True).click()
    visit.check()
    page.get_by_role("link", name="Submit the report").click()
    visit.check()
    page.get_by_role("button", name="Submit the report").click()
    visit.check()
    as_user(visit, reviewer)
    visit.goto("/certificates/review/")
    page.get_by_role("link", name=student.full_name).click()
    visit.check()
    page.get_by_role("button", name="Approve the report").click()
    visit.check()

    # The presentation: at a ceremony the student signs up for, or recorded singly.
    if rule_set == "home_and_abroad":
        as_user(visit, admin)
        visit.goto(f"/manage/{code}/sessions/")
        page.get_by_label("Kind").select_option("ceremony")
        page.get_by_label("Starts").fill("2031-06-05T14:00")
        page.get_by_label("Place*", exact=True).fill("Main auditorium")
        page.get_by_role("button", name="Schedule").click()
        visit.check()
        as_user(visit, student)
        visit.goto("/portfolio/")
        page.get_by_role("button", name="Sign me up").click()
        visit.check()
        # The day of the ceremony comes: only then can attendance be recorded.
        Session.objects.update(starts_at=timezone.now() - datetime.timedelta(hours=1))
        as_user(visit, admin)
        visit.goto(f"/manage/{code}/sessions/")
        page.get_by_role("link", name="Presentation ceremony").click()
        visit.check()
        page.get_by_role("checkbox", name=student.full_name).check()  # nobody is ticked at first
        page.get_by_role("button", name="Record attendance").click()
        visit.check()
    else:
        as_user(visit, admin)
        visit.goto(f"/manage/{code}/students/{enrolment.pk}/")
        page.get_by_label("Form").select_option("poster")
        page.get_by_role("button", name="Record the presentation").click()
        visit.check()

    # The student confirms a private address for after graduation; then the diploma.
    as_user(visit, student)
    confirm_private_address(visit, "ada.private@example.org")
    as_user(visit, admin)
    visit.goto(f"/manage/{code}/students/{enrolment.pk}/")
    page.get_by_label("Language of the diploma").select_option("en")
    page.get_by_role("button", name="Issue the diploma").click()
    visit.check()
    expect(page.get_by_role("main")).to_contain_text("The diploma is issued.")

    # The student downloads it; an employer checks it.
    as_user(visit, student)
    visit.goto("/portfolio/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download your diploma (PDF)").click()
    with open(download.value.path(), "rb") as pdf:
        text = " ".join(PdfReader(pdf).pages[0].extract_text().split())
    for title, _location in catalogue:
        assert title in text
    assert student.full_name in text
    verify = page.get_by_role("link", name="Its verification page").get_attribute("href")
    assert verify
    page.context.clear_cookies()
    visit.goto(verify)
    expect(page.get_by_role("status")).to_contain_text("Valid.")
    expect(page.get_by_role("main")).to_contain_text(student.full_name)
