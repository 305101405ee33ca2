"""An employer who was sent a diploma as a PDF drops it on the verification page, in both
languages: genuine and valid; genuine but revoked once revoked; an edited copy is altered; an
unrelated PDF was not issued here. The page works without JavaScript (a plain form post)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from playwright.sync_api import expect

from certificates import workflow
from certificates.models import Diploma
from demo.seal import DemoSeal
from tests.conftest import Personas
from tests.e2e.conftest import Visit, prefer_language
from tests.factories import UserFactory, enrolment_with_activities
from tests.support.pdfs import edited_copy, unrelated_pdf

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {
        "field": "Diploma (PDF file)",
        "check": "Check the file",
        "genuine": "Genuine and valid.",
        "revoked": "Genuine but revoked.",
        "altered": "Altered.",
        "stranger": "Not issued here.",
    },
    "nb": {
        "field": "Diplom (PDF-fil)",
        "check": "Kontroller filen",
        "genuine": "Ekte og gyldig.",
        "revoked": "Ekte, men trukket tilbake.",
        "altered": "Endret.",
        "stranger": "Ikke utstedt her.",
    },
}


def issued(personas: Personas) -> Diploma:
    enrolment = enrolment_with_activities(
        student=UserFactory(), programme=personas.programme_p, stage="report_approved"
    )
    workflow.advance(
        enrolment=enrolment,
        by=personas.admin_p,
        action="record_presentation",
        presented_on=datetime.date(2026, 6, 5),
    )
    workflow.advance(enrolment=enrolment, by=personas.admin_p, action="issue_diploma")
    return Diploma.objects.get(enrolment=enrolment)


def drop(visit: Visit, t: dict[str, str], path: Path) -> None:
    visit.page.get_by_label(t["field"]).set_input_files(str(path))
    visit.page.get_by_role("button", name=t["check"]).click()
    visit.check()


@pytest.mark.parametrize("language", ["en", "nb"])
def test_an_employer_checks_the_pdf_they_were_sent(
    visit: Visit, personas: Personas, seal: DemoSeal, language: str, tmp_path: Path
) -> None:
    t = TEXT[language]
    diploma = issued(personas)
    assert diploma.signature == Diploma.Signature.PADES_B_B
    with default_storage.open(str(diploma.pdf.name), "rb") as handle:
        data = handle.read()
    original, edited, stranger = (tmp_path / n for n in ("cil.pdf", "edited.pdf", "other.pdf"))
    original.write_bytes(data)
    edited.write_bytes(edited_copy(data))
    stranger.write_bytes(unrelated_pdf())
    prefer_language(visit, language)

    visit.goto(f"/verify/{diploma.code}/")
    drop(visit, t, original)
    expect(visit.page.get_by_role("status")).to_contain_text(t["genuine"])
    expect(visit.page.get_by_role("status")).to_contain_text(diploma.number)

    workflow.advance(
        enrolment=diploma.enrolment,
        by=personas.admin_p,
        action="revoke_diploma",
        comment="Wrong name.",
    )
    drop(visit, t, original)
    expect(visit.page.get_by_role("status")).to_contain_text(t["revoked"])

    drop(visit, t, edited)
    expect(visit.page.get_by_role("status")).to_contain_text(t["altered"])

    visit.goto("/verify/")
    drop(visit, t, stranger)
    expect(visit.page.get_by_role("status")).to_contain_text(t["stranger"])
