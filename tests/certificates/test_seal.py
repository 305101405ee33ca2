"""The institution's seal on diplomas: a PAdES signature that pyHanko's validator and poppler's
pdfsig both accept against the test CA, that breaks when a signed byte changes, with a real
timestamp for B-T; unsigned diplomas without a certificate; what check_pdf says of a file."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from django.core.files.storage import default_storage
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from certificates import workflow
from certificates.models import Diploma
from certificates.seal import Finding, SealNotLoaded, Verdict, check_pdf
from demo.seal import DemoSeal, create_demo_seal
from tests.certificates.test_diploma import presented
from tests.conftest import Personas
from tests.support.pdfs import edited_copy, unrelated_pdf
from tests.support.tsa import local_tsa

pytestmark = pytest.mark.django_db


def issue(personas: Personas, **kwargs) -> tuple[Diploma, bytes]:
    enrolment = presented(personas, **kwargs)
    workflow.advance(enrolment=enrolment, by=personas.admin_p, action="issue_diploma")
    diploma = Diploma.objects.get(enrolment=enrolment, revoked_at__isnull=True)
    with default_storage.open(str(diploma.pdf.name), "rb") as handle:
        return diploma, handle.read()


def trusting(demo: DemoSeal) -> ValidationContext:
    der = demo.ca.public_bytes(serialization.Encoding.DER)
    return ValidationContext(trust_roots=[asn1_x509.Certificate.load(der)], allow_fetching=False)


def the_signature(data: bytes):
    signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    assert len(signatures) == 1
    return signatures[0]


def test_a_sealed_diploma_is_intact_and_trusted_and_stays_tagged(
    personas: Personas, seal: DemoSeal
) -> None:
    diploma, data = issue(personas)

    assert diploma.signature == Diploma.Signature.PADES_B_B
    assert diploma.sha256 == hashlib.sha256(data).hexdigest()
    status = validate_pdf_signature(the_signature(data), trusting(seal))
    assert status.intact and status.valid and status.trusted
    assert status.coverage is SignatureCoverageLevel.ENTIRE_FILE
    assert "diploma seal" in status.signing_cert.subject.human_friendly
    # The signature is an incremental update: the tagging WeasyPrint wrote is all still there.
    root: Any = PdfReader(io.BytesIO(data)).trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert root["/Lang"]


def test_a_changed_byte_in_the_signed_range_fails_validation(
    personas: Personas, seal: DemoSeal
) -> None:
    _, data = issue(personas)
    # One letter of the producer in the document information, which the signature covers.
    at = data.index(b"/Producer")
    changed = data[:at] + b"/Producer" + data[at + 9 :].replace(b"W", b"X", 1)
    assert len(changed) == len(data) and changed != data

    status = validate_pdf_signature(the_signature(changed), trusting(seal))
    assert not status.intact and not status.bottom_line
    assert check_pdf(changed).verdict is Verdict.ALTERED


def test_another_ca_is_not_trusted(personas: Personas, seal: DemoSeal, tmp_path: Path) -> None:
    _, data = issue(personas)
    stranger = create_demo_seal(tmp_path / "other", "Elsewhere")

    status = validate_pdf_signature(the_signature(data), trusting(stranger))
    assert status.intact and not status.trusted


def test_pdfsig_finds_the_signature_valid_and_the_seal_trusted(
    personas: Personas, seal: DemoSeal, tmp_path: Path
) -> None:
    """poppler checks independently of pyHanko, with the test CA in an NSS database."""
    pdfsig, certutil = shutil.which("pdfsig"), shutil.which("certutil")
    assert pdfsig and certutil, "scripts/system-deps.sh test installs poppler-utils, libnss3-tools"
    _, data = issue(personas)
    document = tmp_path / "diploma.pdf"
    document.write_bytes(data)
    nss = f"sql:{tmp_path / 'nss'}"
    (tmp_path / "nss").mkdir()
    subprocess.run([certutil, "-N", "-d", nss, "--empty-password"], check=True)
    subprocess.run(
        [certutil, "-A", "-d", nss, "-n", "test-ca", "-t", "CT,CT,CT", "-i", str(seal.ca_pem)],
        check=True,
    )

    report = subprocess.run(
        [pdfsig, "-nssdir", nss, str(document)], capture_output=True, text=True, check=True
    ).stdout
    assert "Signer Certificate Common Name: Test University diploma seal" in report
    assert "Signature Validation: Signature is Valid." in report
    assert "Certificate Validation: Certificate is Trusted." in report
    assert "Total document signed" in report

    document.write_bytes(data.replace(b"/Producer (W", b"/Producer (X", 1))
    altered = subprocess.run([pdfsig, "-nssdir", nss, str(document)], capture_output=True)
    assert b"Signature is Valid." not in altered.stdout


def test_with_a_timestamp_authority_the_seal_is_pades_b_t(
    personas: Personas, seal: DemoSeal, settings
) -> None:
    with local_tsa(seal.ca, seal.ca_key) as url:
        settings.CIL_SEAL_TSA_URL = url
        diploma, data = issue(personas)

    assert diploma.signature == Diploma.Signature.PADES_B_T
    status = validate_pdf_signature(the_signature(data), trusting(seal))
    assert status.bottom_line
    assert status.timestamp_validity is not None
    assert status.timestamp_validity.intact and status.timestamp_validity.trusted


def test_without_a_certificate_diplomas_are_issued_unsigned(personas: Personas) -> None:
    diploma, data = issue(personas)

    assert diploma.signature == Diploma.Signature.UNSIGNED
    assert diploma.sha256 == hashlib.sha256(data).hexdigest()
    assert not PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures


def test_a_wrong_password_stops_issuing_rather_than_issue_unsigned(
    personas: Personas, seal: DemoSeal, settings
) -> None:
    settings.CIL_SEAL_P12_PASSWORD_FILE = ""
    settings.CIL_SEAL_P12_PASSWORD = "wrong"
    with pytest.raises(SealNotLoaded):
        issue(personas)
    assert not Diploma.objects.exists()


def test_check_pdf_knows_genuine_revoked_altered_and_strangers(
    personas: Personas, seal: DemoSeal, settings
) -> None:
    diploma, data = issue(personas)
    assert check_pdf(data) == Finding(Verdict.GENUINE, diploma)
    edited = edited_copy(data)
    assert edited.startswith(data) and len(edited) > len(data)
    assert check_pdf(edited) == Finding(Verdict.ALTERED)
    assert check_pdf(unrelated_pdf()) == Finding(Verdict.NOT_ISSUED_HERE)
    assert check_pdf(b"%PDF-1.7 and nothing more").verdict is Verdict.NOT_ISSUED_HERE

    # With the seal gone from the settings, the revision our signature covers still tells.
    settings.CIL_SEAL_P12_FILE = ""
    assert check_pdf(edited) == Finding(Verdict.ALTERED)

    workflow.advance(
        enrolment=diploma.enrolment, by=personas.admin_p, action="revoke_diploma", comment="Typo."
    )
    assert check_pdf(data) == Finding(Verdict.REVOKED, Diploma.objects.get(pk=diploma.pk))
