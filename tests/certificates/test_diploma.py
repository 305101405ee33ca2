"""Diplomas: the PDF says what it must, its QR code leads to the verification page, the stored
bytes never change, revoking and reissuing, the public verification page, batches."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pypdfium2
import pytest
import zxingcpp
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader
from pypdf.generic import BooleanObject, DictionaryObject, IndirectObject

from certificates import workflow
from certificates.models import Diploma, DiplomaBatch
from cil import ratelimit
from tests.conftest import Personas
from tests.factories import ActivityFactory, EnrolmentFactory, EntryFactory
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


def ready(personas: Personas, student=None, **kwargs):
    """A student of P with three approved activities and an approved report."""
    enrolment = EnrolmentFactory(
        student=student or personas.student_a,
        programme=personas.programme_p,
        stage="report_approved",
        **kwargs,
    )
    for title, location, city in [
        ("Language café", "home", "Oslo"),
        ("Buddy for exchange students", "home", "Oslo"),
        ("Summer school in Granada", "abroad", "Granada"),
    ]:
        activity = ActivityFactory(
            programme=personas.programme_p,
            title_en=title,
            title_nb=f"{title} (nb)",
            location=location,
        )
        EntryFactory(enrolment=enrolment, activity=activity, status="approved", city=city)
    return enrolment


def presented(personas: Personas, **kwargs):
    enrolment = ready(personas, **kwargs)
    workflow.advance(
        enrolment=enrolment, by=personas.admin_p, action="record_presentation", form="ceremony"
    )
    return enrolment


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_diploma_says_what_it_must_and_its_qr_code_leads_to_verification(
    personas: Personas,
) -> None:
    enrolment = presented(personas)
    workflow.advance(
        enrolment=enrolment, by=personas.admin_p, action="issue_diploma", language="en"
    )
    diploma = Diploma.objects.get()
    data = diploma.pdf.read()
    text = pdf_text(data)
    url = f"{settings.SITE_URL}/verify/{diploma.code}/"
    flat = " ".join(text.split())
    activities = ["Language café", "Buddy for exchange students", "Summer school in Granada"]
    for expected in [personas.student_a.full_name, "Nursing", *activities, diploma.number, url]:
        assert expected in flat
    page = pypdfium2.PdfDocument(data)[0]
    image = page.render(scale=3).to_pil()
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [url]
    assert len(diploma.code) >= 43  # 256 random bits, URL-safe


def test_both_languages_give_one_page_each(personas: Personas) -> None:
    enrolment = presented(personas)
    workflow.advance(
        enrolment=enrolment, by=personas.admin_p, action="issue_diploma", language="both"
    )
    reader = PdfReader(io.BytesIO(Diploma.objects.get().pdf.read()))
    assert len(reader.pages) == 2
    assert "International activities" in reader.pages[0].extract_text()
    assert "Internasjonale aktiviteter" in reader.pages[1].extract_text()
    assert "Language café (nb)" in reader.pages[1].extract_text()
    # Each page names the countries in its own language.
    assert "Oslo, Norway" in reader.pages[0].extract_text()
    assert "Oslo, Norge" in reader.pages[1].extract_text()
    assert "Norway" not in reader.pages[1].extract_text()


def structure(node: Any) -> Iterator[Any]:
    """Every element of a PDF structure tree below ``node``, depth first."""
    node = node.get_object()
    if isinstance(node, DictionaryObject) and "/S" in node:
        yield node
    if isinstance(node, DictionaryObject):
        kids = node.get("/K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            if isinstance(kid, (IndirectObject, DictionaryObject)):
                yield from structure(kid)


@pytest.mark.parametrize(
    ("language", "title", "sections"),
    [
        ("en", "diploma number", ["en"]),
        ("nb", "diplomnummer", ["nb"]),
        ("both", "diploma number", ["en", "nb"]),  # the first page's language
    ],
)
def test_the_diploma_is_a_tagged_pdf_a_screen_reader_can_follow(
    personas: Personas, language: str, title: str, sections: list[str]
) -> None:
    enrolment = presented(personas)
    workflow.advance(
        enrolment=enrolment, by=personas.admin_p, action="issue_diploma", language=language
    )
    diploma = Diploma.objects.get()
    reader = PdfReader(io.BytesIO(diploma.pdf.read()))
    catalog: Any = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"] == BooleanObject(True)
    assert catalog["/Lang"] == sections[0]
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"] == BooleanObject(True)
    assert reader.metadata is not None
    assert reader.metadata.title == (
        f"Certificate of International Learning (CIL): {personas.student_a.full_name}, "
        f"{title} {diploma.number}"
    )
    assert reader.xmp_metadata is not None
    assert "pdfuaid" in reader.xmp_metadata.stream.get_data().decode()  # claims PDF/UA-1
    elements = list(structure(catalog["/StructTreeRoot"]))
    kinds = {str(e["/S"]) for e in elements}
    assert {"/Document", "/Sect", "/H1", "/H2", "/P", "/Figure"} <= kinds
    # Each language's page is a section in its own language.
    assert [e.get("/Lang") for e in elements if e["/S"] == "/Sect"] == sections
    # Every image has alternative text; the QR code's says where it leads.
    figures = [str(e.get("/Alt", "")) for e in elements if e["/S"] == "/Figure"]
    assert len(figures) == 2 * len(sections) and all(figures)
    assert any("QR" in alt for alt in figures)


def test_two_downloads_are_the_same_bytes(personas: Personas) -> None:
    enrolment = presented(personas)
    workflow.advance(enrolment=enrolment, by=personas.admin_p, action="issue_diploma")
    diploma = Diploma.objects.get()
    client = client_for(personas.student_a)
    url = reverse("certificates:diploma_pdf", args=[diploma.pk])
    first = client.get(url).getvalue()
    second = client_for(personas.admin_p).get(url).getvalue()
    assert first == second and first.startswith(b"%PDF-")
    import hashlib

    assert hashlib.sha256(first).hexdigest() == diploma.sha256
    for who in ("student_b", "admin_q", "reviewer_p"):
        assert client_for(getattr(personas, who)).get(url).status_code in (403, 404)


def test_the_diploma_waits_for_every_required_step(personas: Personas) -> None:
    personas.programme_p.career_course_required = True
    personas.programme_p.save()
    enrolment = ready(personas)
    with pytest.raises(
        workflow.WorkflowError, match="the final presentation, the CIL career course"
    ):
        workflow.advance(enrolment=enrolment, by=personas.admin_p, action="issue_diploma")
    workflow.advance(
        enrolment=enrolment, by=personas.admin_p, action="record_presentation", form="poster"
    )
    import datetime

    workflow.record_career_course(
        enrolment=enrolment, by=personas.admin_p, completed_on=datetime.date(2026, 5, 1)
    )
    workflow.advance(enrolment=enrolment, by=personas.admin_p, action="issue_diploma")
    enrolment.refresh_from_db()
    assert (enrolment.stage, enrolment.status) == ("certified", "completed")


def test_abroad_optional_programme_without_presentation_goes_straight_to_the_diploma(
    personas: Personas,
) -> None:
    personas.programme_p.presentation_required = False
    personas.programme_p.save()
    enrolment = ready(personas)
    workflow.advance(enrolment=enrolment, by=personas.admin_p, action="issue_diploma")
    assert Diploma.objects.filter(enrolment=enrolment).count() == 1


def test_issuing_again_to_a_certified_student_says_why_not(personas: Personas) -> None:
    enrolment = presented(personas)
    workflow.advance(enrolment=enrolment, by=personas.admin_p, action="issue_diploma")
    with pytest.raises(workflow.WorkflowError) as refused:
        workflow.advance(enrolment=enrolment, by=personas.admin_p, action="issue_diploma")
    assert "already holds a valid diploma" in str(refused.value)
    assert "withdrawn" not in str(refused.value)
    assert Diploma.objects.count() == 1


def test_revoke_and_issue_a_corrected_diploma(personas: Personas, client: Client) -> None:
    enrolment = presented(personas)
    workflow.advance(enrolment=enrolment, by=personas.admin_p, action="issue_diploma")
    first = Diploma.objects.get()
    with pytest.raises(workflow.WorkflowError, match="Write a comment"):
        workflow.advance(enrolment=enrolment, by=personas.admin_p, action="revoke_diploma")
    workflow.advance(
        enrolment=enrolment, by=personas.admin_p, action="revoke_diploma", comment="Name misspelt."
    )
    enrolment.refresh_from_db()
    assert enrolment.stage == "presented"
    workflow.advance(enrolment=enrolment, by=personas.admin_p, action="issue_diploma")
    first.refresh_from_db()
    second = Diploma.objects.exclude(pk=first.pk).get()
    assert not first.is_valid and second.is_valid and first.number != second.number
    assert (
        "Revoked." in client.get(reverse("certificates:verify", args=[first.code])).content.decode()
    )
    assert (
        "Valid." in client.get(reverse("certificates:verify", args=[second.code])).content.decode()
    )


def test_the_student_is_mailed_the_revocation_and_its_reason(
    personas: Personas, mailoutbox, committed
) -> None:
    enrolment = presented(personas)
    workflow.advance(enrolment=enrolment, by=personas.admin_p, action="issue_diploma")
    mailoutbox.clear()
    with committed():
        workflow.advance(
            enrolment=enrolment,
            by=personas.admin_p,
            action="revoke_diploma",
            comment="Name misspelt.",
        )
    [mail] = mailoutbox
    assert mail.to == [personas.student_a.email]
    assert "revoked" in mail.subject
    assert "Name misspelt." in mail.body and "/portfolio/" in mail.body


def test_verification_shows_only_what_the_diploma_says(personas: Personas, client: Client) -> None:
    personas.student_a.full_name = "Ada Lovelace Hansen"
    personas.student_a.save()
    enrolment = presented(personas)
    workflow.advance(enrolment=enrolment, by=personas.admin_p, action="issue_diploma")
    diploma = Diploma.objects.get()
    page = client.get(reverse("certificates:verify", args=[diploma.code]))
    body = page.content.decode()
    for shown in (
        "Ada Lovelace Hansen",
        "Nursing",
        "Language café",
        "Summer school in Granada",
        diploma.number,
    ):
        assert shown in body
    for hidden in (
        personas.student_a.email,
        "Oslo",
        "Granada,",
        "2028",
        "spring",
        "Took part every week",
    ):
        assert hidden not in body
    assert page["X-Robots-Tag"] == "noindex"


def test_unknown_codes_are_a_plain_404(client: Client, db) -> None:
    assert client.get(reverse("certificates:verify", args=["x" * 43])).status_code == 404


def test_verification_is_rate_limited(client: Client, db, settings, monkeypatch) -> None:
    settings.CIL_VERIFY_RATE_PER_MINUTE = 3
    monkeypatch.setattr(ratelimit, "_now", lambda: 1_800_000_010.0)  # one and the same minute
    statuses = [
        client.get(reverse("certificates:verify", args=[f"code{i}"])).status_code for i in range(5)
    ]
    assert statuses == [404, 404, 404, 429, 429]


def test_only_the_programmes_administrators_issue(personas: Personas) -> None:
    enrolment = presented(personas)
    for who in ("student_a", "reviewer_p", "admin_q", "central"):
        with pytest.raises(PermissionDenied):
            workflow.advance(enrolment=enrolment, by=getattr(personas, who), action="issue_diploma")
    assert not Diploma.objects.exists()


def test_a_failed_rendering_stores_nothing(personas: Personas, monkeypatch) -> None:
    from django.core.files.storage import default_storage

    enrolment = presented(personas)

    def broken_audit(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("cil.audit.record", broken_audit)
    with pytest.raises(RuntimeError):
        workflow.advance(enrolment=enrolment, by=personas.admin_p, action="issue_diploma")
    assert not Diploma.objects.exists()
    assert (
        not default_storage.exists(f"diplomas/{personas.programme_p.code}")
        or not default_storage.listdir(f"diplomas/{personas.programme_p.code}")[1]
    )


def test_a_ceremony_is_issued_in_the_background(personas: Personas, committed) -> None:
    from tests.factories import UserFactory

    ready_ones = [presented(personas, student=UserFactory()) for _ in range(3)]
    not_ready = EnrolmentFactory(programme=personas.programme_p, stage="activities_approved")
    client = client_for(personas.admin_p)
    page = client.get(reverse("certificates:issue_diplomas", args=["nursing"]))
    assert {e.pk for e in page.context["candidates"]} == {e.pk for e in ready_ones}
    ids = [e.pk for e in ready_ones] + [not_ready.pk]
    with committed():
        response = client.post(
            reverse("certificates:issue_diplomas", args=["nursing"]),
            {"enrolments": ids, "language": "en"},
        )
    batch = DiplomaBatch.objects.get()
    assert response["Location"] == reverse("certificates:batch", args=["nursing", batch.pk])
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.failed, batch.percent) == ("done", 3, [], 100)
    assert Diploma.objects.count() == 3
    progress = client.get(
        reverse("certificates:batch", args=["nursing", batch.pk]), HTTP_HX_REQUEST="true"
    )
    assert "3 of 3 issued" in progress.content.decode()


def test_a_ceremony_in_parts_issues_every_diploma_and_finishes_with_the_last(
    personas: Personas, monkeypatch
) -> None:
    """A batch is cut into tasks of ``PART`` students, so that every worker takes a share;
    whichever part counts the last diploma marks the batch done."""
    from certificates import tasks
    from tests.factories import UserFactory

    monkeypatch.setattr(tasks, "PART", 2)  # three students: two tasks
    students = [presented(personas, student=UserFactory()) for _ in range(3)]
    batch = DiplomaBatch.objects.create(
        programme=personas.programme_p,
        created_by=personas.admin_p,
        language="en",
        enrolment_ids=[e.pk for e in students] + [students[0].pk],  # one twice: refused
    )
    tasks.issue_batch.call(batch_id=batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.done, len(batch.failed), batch.percent) == ("done", 3, 1, 100)
    assert batch.failed[0]["enrolment"] == students[0].pk
    assert batch.finished_at is not None
    assert sorted(Diploma.objects.values_list("enrolment_id", flat=True)) == sorted(
        e.pk for e in students
    )


def test_a_batch_whose_starter_was_deleted_says_so_for_each_student(personas: Personas) -> None:
    from certificates.tasks import issue_batch

    enrolment = presented(personas)
    # The administrator's account was deleted before the worker took the batch (SET_NULL).
    batch = DiplomaBatch.objects.create(
        programme=personas.programme_p, created_by=None, language="en", enrolment_ids=[enrolment.pk]
    )
    issue_batch.call(batch_id=batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.done) == ("done", 0)
    assert batch.failed == [
        {
            "enrolment": enrolment.pk,
            "reason": "The administrator who started these diplomas no longer has an account.",
        }
    ]
    assert not Diploma.objects.exists()


def test_the_renderer_fetches_nothing_but_inline_data() -> None:
    from certificates.diploma import inline_only_fetcher

    fetcher = inline_only_fetcher()
    for url in (
        "http://169.254.169.254/latest/meta-data/",
        "https://example.org/x.png",
        "file:///etc/passwd",
    ):
        with pytest.raises(ValueError, match="disallowed protocol"):
            fetcher.fetch(url)
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"


def test_rendering_diplomas_does_not_make_uploads_accept_cut_off_photos(personas: Personas) -> None:
    # WeasyPrint switches Pillow to accepting truncated images for the whole process.
    from django.core.files.uploadedfile import SimpleUploadedFile

    from portfolio.uploads import UploadRejected, inspect_upload
    from tests.factories import tiny_jpeg

    enrolment = presented(personas)
    workflow.advance(enrolment=enrolment, by=personas.admin_p, action="issue_diploma")
    photo = tiny_jpeg((400, 300))
    with pytest.raises(UploadRejected):
        inspect_upload(SimpleUploadedFile("cut.jpg", photo[: len(photo) // 2]))
