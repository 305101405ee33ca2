"""The public page where anyone checks a diploma PDF they were sent: the verdicts, what it
refuses (not a PDF, too large, no CSRF token, too many checks), and that the file is only
ever held in memory."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from certificates import workflow
from cil import ratelimit
from demo.seal import DemoSeal
from tests.certificates.test_seal import issue
from tests.conftest import Personas
from tests.support.clients import client_for
from tests.support.pdfs import edited_copy, unrelated_pdf

pytestmark = pytest.mark.django_db

URL = "/verify/"


def check(client: Client, data: bytes, name: str = "diploma.pdf"):
    return client.post(URL, {"pdf": SimpleUploadedFile(name, data, "application/pdf")})


def test_anyone_reads_each_verdict(personas: Personas, seal: DemoSeal, client: Client) -> None:
    diploma, data = issue(personas)
    assert reverse("certificates:check_pdf") == URL

    genuine = check(client, data)
    assert genuine.status_code == 200
    assert "Genuine and valid." in genuine.content.decode()
    assert diploma.number in genuine.content.decode()
    assert "Altered." in check(client, edited_copy(data)).content.decode()
    assert "Not issued here." in check(client, unrelated_pdf()).content.decode()

    workflow.advance(
        enrolment=diploma.enrolment, by=personas.admin_p, action="revoke_diploma", comment="Typo."
    )
    assert "Genuine but revoked." in check(client, data).content.decode()


def test_the_verification_page_offers_the_check(personas: Personas, client: Client) -> None:
    diploma, _ = issue(personas)
    page = client.get(reverse("certificates:verify", args=[diploma.code])).content.decode()
    assert 'action="/verify/"' in page
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file" name="pdf"' in page


def test_a_file_that_is_not_a_pdf_is_refused_by_its_bytes(client: Client, db) -> None:
    response = check(client, b"\x89PNG\r\n\x1a\n not a pdf", name="diploma.pdf")
    assert response.status_code == 400
    assert "This file is not a PDF." in response.content.decode()


def test_a_file_over_the_limit_is_not_read_on(client: Client, db, settings) -> None:
    settings.CIL_VERIFY_UPLOAD_MAX_BYTES = 1000
    response = check(client, b"%PDF-1.7\n" + b"0" * 5000)
    assert response.status_code == 400
    assert "This file is larger than 1000" in response.content.decode()


def test_nothing_is_chosen_says_so(client: Client, db) -> None:
    response = client.post(URL, {})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_the_check_needs_a_csrf_token(db) -> None:
    client = Client(enforce_csrf_checks=True)
    response = check(client, b"%PDF-1.7\n")
    assert response.status_code == 403


def test_checks_are_rate_limited(client: Client, db, settings, monkeypatch) -> None:
    settings.CIL_VERIFY_CHECK_RATE_PER_MINUTE = 2
    monkeypatch.setattr(ratelimit, "_now", lambda: 1_800_000_010.0)  # one and the same minute
    statuses = [check(client, unrelated_pdf()).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert client.get(URL).status_code == 200  # the form itself stays open


def test_administrators_see_that_diplomas_are_unsealed(personas: Personas, settings) -> None:
    page = client_for(personas.admin_p).get(
        reverse("certificates:issue_diplomas", args=["nursing"])
    )
    assert "Diplomas are issued without the institution's seal" in page.content.decode()
    settings.CIL_SEAL_P12_FILE = "/run/secrets/seal.p12"
    page = client_for(personas.admin_p).get(
        reverse("certificates:issue_diplomas", args=["nursing"])
    )
    assert "without the institution's seal" not in page.content.decode()


def test_the_student_page_says_how_each_diploma_was_signed(
    personas: Personas, seal: DemoSeal
) -> None:
    diploma, _ = issue(personas)
    page = client_for(personas.admin_p).get(
        reverse("certificates:student", args=["nursing", diploma.enrolment.pk])
    )
    assert "sealed (PAdES B-B)" in page.content.decode()
