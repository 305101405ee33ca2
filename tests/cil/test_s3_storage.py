"""The portal on an S3-compatible object store (moto's server on 127.0.0.1): every file goes in
and comes out through the storage API and the permission-checked views, byte for byte, and
nothing in the bucket is readable without the portal's keys."""

from __future__ import annotations

import hashlib
import io
import json
import os
import tracemalloc
import urllib.error
import urllib.request
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image
from pypdf import PdfWriter
from storages.backends.s3 import S3Storage

from certificates import sharing, workflow
from certificates.models import Diploma
from portfolio.models import Evidence
from tests.certificates.test_diploma import presented
from tests.certificates.test_sharing import make_link, portfolio
from tests.conftest import Personas
from tests.factories import EnrolmentFactory, EntryFactory, UserFactory, tiny_jpeg, tiny_pdf
from tests.support.clients import client_for
from tests.support.s3 import S3Store, running_s3_process

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(personas: Personas):
    enrolment = EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)
    return EntryFactory(enrolment=enrolment)


def upload(client: Client, entry, name: str, data: bytes, kind: str = "proof"):
    file = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return client.post(
        reverse("portfolio:evidence_add", args=[entry.pk]),
        {"file": file, "kind": kind, "caption": ""},
        follow=True,
    )


def anonymous_get(url: str) -> int:
    """The status a plain, unsigned HTTP GET gets: what anyone who learnt the address gets."""
    try:
        with urllib.request.urlopen(url) as response:  # noqa: S310 - http://127.0.0.1 only
            return int(response.status)
    except urllib.error.HTTPError as refused:
        return refused.code


def test_the_default_storage_is_the_private_bucket(s3_storage: S3Store) -> None:
    storage = storages["default"]
    assert isinstance(storage, S3Storage)
    assert storage.bucket_name == s3_storage.bucket
    assert (storage.default_acl, storage.querystring_auth, storage.file_overwrite) == (
        None,
        True,
        False,
    )


def test_evidence_goes_to_the_bucket_and_comes_back_through_the_views(
    personas: Personas, entry, s3_storage: S3Store
) -> None:
    client = client_for(personas.student_a)
    pdf_bytes = tiny_pdf()
    upload(client, entry, "signed-programme.pdf", pdf_bytes)
    upload(client, entry, "IMG_0042.JPG", tiny_jpeg((900, 600)), kind="photo")
    pdf, photo = Evidence.objects.order_by("pk")
    stored = [pdf.file.name, photo.file.name, photo.thumbnail.name]
    assert s3_storage.object_keys() == sorted(filter(None, stored))
    assert s3_storage.read(pdf.file.name) == pdf_bytes

    served = client.get(reverse("portfolio:evidence_file", args=[pdf.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "application/pdf"
    assert served["Content-Length"] == str(len(pdf_bytes))  # known before the first byte
    assert served.getvalue() == pdf_bytes
    shown = client.get(reverse("portfolio:evidence_file", args=[photo.pk]))
    assert shown.getvalue() == s3_storage.read(photo.file.name)
    # The thumbnail was made by Pillow from the upload and stored beside the photo.
    thumb = client.get(reverse("portfolio:evidence_thumbnail", args=[photo.pk])).getvalue()
    assert Image.open(io.BytesIO(thumb)).size == (480, 320)
    assert thumb == s3_storage.read(photo.thumbnail.name)

    for who in ("student_b", "admin_q"):
        refused = client_for(getattr(personas, who)).get(
            reverse("portfolio:evidence_file", args=[pdf.pk])
        )
        assert refused.status_code == 404


def test_nothing_in_the_bucket_opens_without_the_portals_keys(
    personas: Personas, entry, s3_storage: S3Store
) -> None:
    upload(client_for(personas.student_a), entry, "proof.pdf", tiny_pdf())
    (key,) = s3_storage.object_keys()
    assert anonymous_get(s3_storage.object_url(key)) == 403
    # The server does enforce object ACLs: an object made public on purpose is readable the
    # same way, so the 403 above is the bucket's privacy, not a server that refuses everything.
    s3_storage.server.client().put_object(
        Bucket=s3_storage.bucket, Key="public-on-purpose.txt", Body=b"hello", ACL="public-read"
    )
    assert anonymous_get(s3_storage.object_url("public-on-purpose.txt")) == 200


def large_pdf(megabytes: int) -> bytes:
    """A valid PDF of about this size: one page and an incompressible attachment."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_attachment("padding.bin", os.urandom(megabytes * 1024 * 1024))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_a_large_upload_goes_to_the_bucket_in_parts(
    personas: Personas, entry, s3_storage: S3Store, settings
) -> None:
    settings.CIL_UPLOAD_MAX_BYTES = 20 * 1024 * 1024
    data = large_pdf(17)
    upload(client_for(personas.student_a), entry, "scan.pdf", data)
    evidence = Evidence.objects.get()
    head = s3_storage.server.client().head_object(Bucket=s3_storage.bucket, Key=evidence.file.name)
    # A multipart upload's ETag ends in "-<parts>": boto3 sent the temporary file in 5 MB
    # parts, reading it part by part, not as one body.
    assert head["ETag"].strip('"').endswith("-4")
    served = client_for(personas.student_a).get(
        reverse("portfolio:evidence_file", args=[evidence.pk])
    )
    assert hashlib.sha256(served.getvalue()).digest() == hashlib.sha256(data).digest()


def test_an_upload_spooled_to_disk_is_sent_from_the_disk(settings) -> None:
    """Given an open file, boto3 reads each 5 MB part into memory (and the HTTP layer copies
    it again); given the name of the file Django spooled the upload to, it reads the parts
    from the disk as it sends them (cil/s3storage.py). The S3 server runs in a process of its
    own, so that only the portal's side of the upload is counted."""
    with running_s3_process() as server:
        s3_storage = S3Store(server=server, bucket=server.create_private_bucket())
        settings.STORAGES = {
            **settings.STORAGES,
            "default": server.storage_config(s3_storage.bucket),
        }
        _store_a_spooled_upload(s3_storage)


def _store_a_spooled_upload(s3_storage: S3Store) -> None:
    data = os.urandom(12 * 1024 * 1024)
    spooled = TemporaryUploadedFile("scan.pdf", "application/pdf", len(data), None)
    spooled.write(data)
    spooled.seek(0)
    storage = storages["default"]
    storage.save("evidence/1/first.txt", ContentFile(b"the connection made before counting"))
    tracemalloc.start()
    try:
        name = storage.save("evidence/1/scan.pdf", spooled)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        spooled.close()
    # Less than one part (5 MB); reading the parts into memory held 12.3 MB here.
    assert peak < 5 * 1024 * 1024, f"{peak / 2**20:.1f} MB held while storing 12 MB"
    head = s3_storage.server.client().head_object(Bucket=s3_storage.bucket, Key=name)
    assert head["ETag"].strip('"').endswith("-3")  # in 5 MB parts
    assert head["ContentType"] == "application/pdf"
    assert s3_storage.read(name) == data


def test_the_portfolio_export_reads_the_files_from_the_bucket(
    personas: Personas, entry, s3_storage: S3Store
) -> None:
    client = client_for(personas.student_a)
    pdf_bytes = tiny_pdf()
    upload(client, entry, "proof.pdf", pdf_bytes)
    response = client.get(reverse("portfolio:export", args=[entry.enrolment.pk]))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.getvalue()))
    data = json.loads(archive.read("portfolio.json"))
    (stored,) = [ev["file"] for e in data["entries"] for ev in e["evidence"]]
    assert archive.read(stored) == pdf_bytes


def test_a_diploma_and_its_credential_are_stored_and_streamed_unchanged(
    personas: Personas, s3_storage: S3Store
) -> None:
    enrolment = presented(personas)
    workflow.advance(enrolment=enrolment, by=personas.admin_p, action="issue_diploma")
    diploma = Diploma.objects.get()
    stored = [diploma.pdf.name, diploma.credential.name]
    assert s3_storage.object_keys() == sorted(filter(None, stored))
    assert hashlib.sha256(s3_storage.read(diploma.pdf.name)).hexdigest() == diploma.sha256

    client = client_for(personas.student_a)
    pdf = client.get(reverse("certificates:diploma_pdf", args=[diploma.pk])).getvalue()
    assert hashlib.sha256(pdf).hexdigest() == diploma.sha256
    credential = client.get(reverse("certificates:diploma_credential", args=[diploma.pk]))
    body = credential.getvalue()
    assert hashlib.sha256(body).hexdigest() == diploma.credential_sha256
    assert json.loads(body)["credentialSubject"]

    for key in filter(None, stored):
        assert anonymous_get(s3_storage.object_url(key)) == 403


def test_a_shared_certificate_page_serves_its_photos_from_the_bucket(
    personas: Personas, s3_storage: S3Store
) -> None:
    shared = portfolio(UserFactory(), personas)
    token = sharing.token_for(make_link(shared))
    photo = shared.photos[0]
    served = Client().get(f"/shared/{token}/photos/{photo.pk}/")
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert served.getvalue() == s3_storage.read(photo.file.name)
