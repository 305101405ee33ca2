"""Uploading evidence through the portfolio page, and serving it only to those who may see it."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from portfolio import services
from portfolio.models import Evidence
from tests.conftest import Personas
from tests.factories import EnrolmentFactory, EntryFactory, tiny_jpeg, tiny_pdf
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(personas: Personas):
    enrolment = EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)
    return EntryFactory(enrolment=enrolment)


def gps_jpeg() -> bytes:
    """A phone photo: EXIF with a GPS position and the camera model."""
    image = Image.new("RGB", (64, 48), "orange")
    exif = Image.Exif()
    exif[0x0110] = "Phone camera"  # Model
    exif.get_ifd(0x8825).update({1: "N", 2: (59.0, 55.0, 0.0), 3: "E", 4: (10.0, 44.0, 0.0)})
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def upload(client: Client, entry, name: str, data: bytes, kind: str = "proof", caption: str = ""):
    file = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return client.post(
        reverse("portfolio:evidence_add", args=[entry.pk]),
        {"file": file, "kind": kind, "caption": caption},
        follow=True,
    )


def test_a_pdf_and_a_photo_are_stored_privately(personas: Personas, entry) -> None:
    client = client_for(personas.student_a)
    upload(client, entry, "signed-programme.pdf", tiny_pdf())
    upload(client, entry, "IMG_0042.JPG", gps_jpeg(), kind="photo", caption="At the café")
    pdf, photo = Evidence.objects.order_by("pk")
    assert (pdf.kind, pdf.content_type, pdf.original_name) == (
        "proof",
        "application/pdf",
        "signed-programme.pdf",
    )
    assert (photo.kind, photo.content_type, photo.caption) == ("photo", "image/jpeg", "At the café")
    for ev in (pdf, photo):
        name = ev.file.name
        assert name and name.startswith(f"evidence/{personas.student_a.pk}/")
        assert "signed" not in name and "IMG" not in name  # generated names
    assert photo.thumbnail.name


def test_the_stored_photo_has_no_location(personas: Personas, entry) -> None:
    upload(client_for(personas.student_a), entry, "gps.jpg", gps_jpeg(), kind="photo")
    photo = Evidence.objects.get()
    name = photo.file.name
    assert name
    with default_storage.open(name) as stored:
        image = Image.open(stored)
        assert not image.getexif()
        assert "exif" not in image.info
    assert b"Phone camera" not in default_storage.open(name).read()


def test_a_rejected_file_leaves_nothing_behind(personas: Personas, entry) -> None:
    response = upload(
        client_for(personas.student_a), entry, "evil.jpg", b"<html><script>alert(1)</script></html>"
    )
    assert "is not a PDF, JPEG, PNG, WebP or HEIC" in response.content.decode()
    assert not Evidence.objects.exists()
    assert (
        not default_storage.exists(f"evidence/{personas.student_a.pk}")
        or not default_storage.listdir(f"evidence/{personas.student_a.pk}")[1]
    )


def test_a_file_over_the_limit_is_refused_with_the_limit_named(
    personas: Personas, entry, settings
) -> None:
    settings.CIL_UPLOAD_MAX_BYTES = 2 * 1024 * 1024
    response = upload(
        client_for(personas.student_a), entry, "huge.pdf", tiny_pdf() + b"0" * (3 * 1024 * 1024)
    )
    assert "larger than the limit of 2.0\xa0MB" in response.content.decode()
    assert not Evidence.objects.exists()


def test_the_storage_quota_is_kept(personas: Personas, entry, settings) -> None:
    client = client_for(personas.student_a)
    upload(client, entry, "one.pdf", tiny_pdf())
    settings.CIL_STUDENT_QUOTA_BYTES = Evidence.objects.get().size + 10
    response = upload(client, entry, "two.pdf", tiny_pdf())
    assert "over your storage limit of" in response.content.decode()
    assert Evidence.objects.count() == 1
    assert services.used_bytes(personas.student_a) == Evidence.objects.get().size


def test_evidence_is_served_with_safe_headers(personas: Personas, entry) -> None:
    client = client_for(personas.student_a)
    upload(client, entry, "proof.pdf", tiny_pdf())
    upload(client, entry, "photo.jpeg", tiny_jpeg(), kind="photo")
    pdf, photo = Evidence.objects.order_by("pk")
    response = client.get(reverse("portfolio:evidence_file", args=[pdf.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.getvalue().startswith(b"%PDF-")
    shown = client.get(reverse("portfolio:evidence_file", args=[photo.pk]))
    assert shown["Content-Type"] == "image/jpeg" and shown["Content-Disposition"].startswith(
        "inline;"
    )
    assert "sandbox" in shown["Content-Security-Policy"]
    thumb = client.get(reverse("portfolio:evidence_thumbnail", args=[photo.pk]))
    assert Image.open(io.BytesIO(thumb.getvalue())).format == "JPEG"


@pytest.mark.parametrize(
    ("who", "status"), [("student_b", 404), ("admin_q", 404), ("admin_p", 200), ("reviewer_p", 200)]
)
def test_who_may_open_a_students_file(personas: Personas, entry, who: str, status: int) -> None:
    upload(client_for(personas.student_a), entry, "proof.pdf", tiny_pdf())
    evidence = Evidence.objects.get()
    assert (
        client_for(getattr(personas, who))
        .get(reverse("portfolio:evidence_file", args=[evidence.pk]))
        .status_code
        == status
    )


def test_another_student_cannot_upload_to_or_delete_from_my_entry(
    personas: Personas, entry
) -> None:
    upload(client_for(personas.student_a), entry, "proof.pdf", tiny_pdf())
    other = client_for(personas.student_b)
    assert upload(other, entry, "mine.pdf", tiny_pdf()).status_code == 404
    evidence = Evidence.objects.get()
    assert other.post(reverse("portfolio:evidence_delete", args=[evidence.pk])).status_code == 404
    assert Evidence.objects.count() == 1


def test_deleting_evidence_removes_the_files(personas: Personas, entry, committed) -> None:
    client = client_for(personas.student_a)
    upload(client, entry, "photo.jpg", tiny_jpeg(), kind="photo")
    evidence = Evidence.objects.get()
    file_name, thumb_name = evidence.file.name, evidence.thumbnail.name
    assert file_name and thumb_name
    names = [file_name, thumb_name]
    with committed():
        client.post(reverse("portfolio:evidence_delete", args=[evidence.pk]))
    assert not Evidence.objects.exists()
    assert not any(default_storage.exists(name) for name in names)


def test_the_export_holds_the_overview_the_data_and_every_file(personas: Personas, entry) -> None:
    client = client_for(personas.student_a)
    upload(client, entry, "proof.pdf", tiny_pdf())
    upload(client, entry, "photo.jpg", tiny_jpeg(), kind="photo", caption="Our group")
    services.add_note(
        entry=entry, by=personas.student_a, written_on=entry.started_on, text="First evening."
    )
    services.save_reflection(
        entry=entry, by=personas.student_a, answers=["Wider view.", "Everywhere."]
    )
    response = client.get(reverse("portfolio:export", args=[entry.enrolment.pk]))
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.getvalue()))
    names = archive.namelist()
    data = json.loads(archive.read("portfolio.json"))
    [exported] = data["entries"]
    assert exported["diary"] == [{"date": "2026-09-01", "note": "First evening."}]
    assert [a["answer"] for a in exported["reflection"]] == ["Wider view.", "Everywhere."]
    files = [ev["file"] for ev in exported["evidence"]]
    assert len(files) == 2 and all(name in names for name in files)
    assert archive.read(files[0]).startswith(b"%PDF-")
    html = archive.read("index.html").decode()
    assert "Our group" in html and files[1] in html and "http" not in html.split("<body>")[1]


def test_nobody_else_can_export_my_portfolio(personas: Personas, entry) -> None:
    for who in ("student_b", "admin_p", "superuser"):
        response = client_for(getattr(personas, who)).get(
            reverse("portfolio:export", args=[entry.enrolment.pk])
        )
        assert response.status_code == 404


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "PDF, JPEG, PNG, WebP or HEIC photo, up to 7 MB."),
        ("nb", "PDF eller JPEG-, PNG-, WebP- eller HEIC-bilde, opptil 7 MB."),
    ],
)
def test_the_upload_form_names_the_accepted_types_and_the_limit(
    personas: Personas, entry, settings, language: str, expected: str
) -> None:
    settings.CIL_UPLOAD_MAX_BYTES = 7 * 1024 * 1024
    client = client_for(personas.student_a)
    client.cookies["django_language"] = language
    page = client.get(reverse("portfolio:entry", args=[entry.pk])).content.decode()
    assert expected in page
