"""manage.py check_integrity, and the evidence checksums it relies on."""

from __future__ import annotations

import hashlib
import importlib
import io

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from certificates import workflow
from certificates.models import Diploma
from portfolio import services
from portfolio.models import Evidence
from tests.certificates.test_diploma import presented
from tests.conftest import Personas
from tests.factories import EnrolmentFactory, EntryFactory, EvidenceFactory, tiny_jpeg, tiny_pdf

pytestmark = pytest.mark.django_db


def stored_sha256(name: str) -> str:
    with default_storage.open(name, "rb") as stored:
        return hashlib.sha256(stored.read()).hexdigest()


def run_check() -> tuple[str, int]:
    out = io.StringIO()
    try:
        call_command("check_integrity", stdout=out)
    except CommandError as error:
        return out.getvalue(), error.returncode
    return out.getvalue(), 0


@pytest.fixture
def portal(personas: Personas) -> tuple[Evidence, Evidence, Diploma]:
    """A proof, a photo with its thumbnail, and an issued diploma with its credential."""
    enrolment = EnrolmentFactory(student=personas.student_b, programme=personas.programme_p)
    entry = EntryFactory(enrolment=enrolment)
    proof, photo = (
        services.add_evidence(
            entry=entry,
            by=personas.student_b,
            upload=SimpleUploadedFile(name, data, content_type="application/octet-stream"),
            kind=kind,
        )
        for name, data, kind in (("a.pdf", tiny_pdf(), "proof"), ("b.jpg", tiny_jpeg(), "photo"))
    )
    workflow.advance(enrolment=presented(personas), by=personas.admin_p, action="issue_diploma")
    return proof, photo, Diploma.objects.get()


def test_an_upload_records_the_sha256_of_what_was_stored(portal) -> None:
    proof, photo, _diploma = portal
    assert proof.sha256 == stored_sha256(proof.file.name)
    assert proof.thumbnail_sha256 == ""
    assert photo.sha256 == stored_sha256(photo.file.name)
    assert photo.thumbnail_sha256 == stored_sha256(photo.thumbnail.name)


def test_check_integrity_passes_when_every_file_is_as_recorded(portal) -> None:
    out, code = run_check()
    assert code == 0
    # proof; photo and thumbnail; the diploma's PDF and credential
    assert "Checked 5 files (5 against a recorded SHA-256): 0 missing, 0 changed." in out


def test_check_integrity_reports_changed_and_missing_files_by_id(portal, personas) -> None:
    _proof, photo, diploma = portal
    with default_storage.open(diploma.pdf.name, "wb") as pdf:
        pdf.write(b"%PDF-1.7 forged")
    default_storage.delete(photo.thumbnail.name)
    out, code = run_check()
    assert code == 1
    assert "1 missing, 1 changed" in out
    assert f"Changed: diploma {diploma.pk} pdf" in out
    assert f"Missing: evidence {photo.pk} thumbnail" in out
    for personal in (personas.student_a.email, personas.student_a.full_name, "b.jpg"):
        assert personal not in out


def test_a_file_without_a_recorded_checksum_is_still_looked_for(db) -> None:
    evidence = EvidenceFactory(thumbnail="")
    assert evidence.sha256 == ""
    assert run_check()[1] == 0
    default_storage.delete(str(evidence.file.name))
    out, code = run_check()
    assert code == 1
    assert f"Missing: evidence {evidence.pk} file" in out


def test_the_data_migration_records_checksums_of_files_stored_before(db) -> None:
    present = EvidenceFactory()
    gone = EvidenceFactory(file=default_storage.save("evidence/test/x.pdf", ContentFile(b"x")))
    default_storage.delete(str(gone.file.name))
    migration = importlib.import_module("portfolio.migrations.0009_fill_evidence_sha256")
    migration.fill(apps, None)
    present.refresh_from_db()
    gone.refresh_from_db()
    assert present.sha256 == stored_sha256(str(present.file.name))
    assert present.thumbnail_sha256 == stored_sha256(str(present.thumbnail.name))
    assert gone.sha256 == ""  # missing already: check_integrity says so
    assert gone.thumbnail_sha256 == stored_sha256(str(gone.thumbnail.name))
