"""Erasure on request: after it, nothing in any table or in the file store names the student
but the kept diploma register (Diploma.content); staff never erase themselves."""

from __future__ import annotations

import datetime
import io

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, models
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from certificates import sharing, workflow
from certificates.models import Diploma, FinalReport
from cil.models import AuditEvent, User
from portfolio.models import Reflection
from retention import erasure
from retention.models import ErasureRequest
from tests.certificates.test_diploma import presented
from tests.conftest import Personas
from tests.factories import EnrolmentFactory, EvidenceFactory

pytestmark = pytest.mark.django_db

NAME = "Zorana Quillfeather"
EMAIL = "zorana.quill@uni.example"


def text_columns(model: type[models.Model]) -> list[str]:
    kinds = (models.CharField, models.TextField, models.JSONField, models.FileField)
    return [
        str(f.column)
        for f in model._meta.concrete_fields
        if isinstance(f, kinds) and not f.primary_key
    ]


def rows_naming(*needles: str) -> dict[str, int]:
    """Every table of every installed model, each text or JSON column cast to text: how many
    rows name any of ``needles`` (ILIKE)."""
    found: dict[str, int] = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            columns = text_columns(model)
            if not columns:
                continue
            where = " OR ".join(
                f"CAST({quote(c)} AS text) ILIKE %s" for c in columns for _ in needles
            )
            params = [f"%{n}%" for _ in columns for n in needles]
            # Table and column names come from the models; the values go as parameters.
            sql = f"SELECT count(*) FROM {quote(model._meta.db_table)} WHERE {where}"  # noqa: S608
            cursor.execute(sql, params)
            count = cursor.fetchone()[0]
            if count:
                found[model._meta.label] = count
    return found


def stored_names(folder: str = "") -> list[str]:
    """Every file in the store, through the storage API (no paths: the store may be S3)."""
    folders, files = default_storage.listdir(folder)
    names = [f"{folder}{name}" for name in files]
    for sub in folders:
        names += stored_names(f"{folder}{sub}/")
    return names


def files_naming(*needles: str) -> list[str]:
    """Stored files whose bytes, or for a PDF its extracted text, name any of ``needles``."""
    hits = []
    for name in stored_names():
        with default_storage.open(name, "rb") as handle:
            data = handle.read()
        text = data.decode("latin-1")
        if data.startswith(b"%PDF"):
            text += " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
        text = " ".join(text.split()).casefold()
        if any(n.casefold() in text for n in needles):
            hits.append(name)
    return hits


def full_student(personas: Personas) -> tuple[User, Diploma]:
    """A student with everything: entries, notes, reflections, photos, an organiser's
    confirmation, a final report, a diploma (PDF and credential), a share link, a social
    account, mail queued, audit events."""
    student = personas.student_a
    student.full_name, student.email = NAME, EMAIL
    student.save()
    EmailAddress.objects.filter(user=student).update(email=EMAIL)
    SocialAccount.objects.create(user=student, provider="uni", uid="zq1", extra_data={"name": NAME})
    enrolment = presented(personas, student=student)
    entry = enrolment.entries.first()
    assert entry is not None
    entry.notes.create(written_on=entry.started_on, text=f"{NAME} wrote this.")
    Reflection.objects.create(entry=entry, answers=[{"en": "Q", "answer": f"I, {NAME}, learnt."}])
    photo = EvidenceFactory(entry=entry, original_name="zorana.jpg", caption=NAME)
    EvidenceFactory(
        entry=entry,
        kind="proof",
        file=default_storage.save("evidence/t/proof.txt", ContentFile(f"Proof: {NAME}".encode())),
        thumbnail="",
    )
    entry.confirmations.create(
        expires_at=timezone.now() + datetime.timedelta(days=30),
        organiser_name="Olga",
        organiser_email="olga@host.example",
        message=f"Please confirm {NAME}.",
        language="en",
    )
    FinalReport.objects.create(enrolment=enrolment, summary=f"By {NAME}.", sections=[])
    workflow.advance(
        enrolment=enrolment, by=personas.admin_p, action="issue_diploma", language="en"
    )
    sharing.create_link(
        enrolment=enrolment,
        by=student,
        label=NAME,
        language="en",
        expires_on=timezone.localdate() + datetime.timedelta(days=30),
        show_activities=True,
        photos=[photo],
    )
    return student, Diploma.objects.get(enrolment=enrolment)


@pytest.mark.parametrize("keep_register", [True, False])
def test_erasure_leaves_the_student_named_only_in_the_kept_register(
    personas: Personas, keep_register: bool, committed
) -> None:
    with committed():
        student, diploma = full_student(personas)
    Client().force_login(student)  # a session
    request = erasure.ask(user=student, reason=f"I am {NAME}")
    assert rows_naming(NAME, EMAIL)  # the search finds what is there
    assert files_naming(NAME)

    with committed():
        erasure.erase(
            request=request, by=personas.central, confirmation=EMAIL, keep_register=keep_register
        )

    found = rows_naming(NAME, EMAIL)
    if keep_register:
        assert found == {"certificates.Diploma": 1}
        page = Client().get(reverse("certificates:verify", kwargs={"verification": diploma.code}))
        assert "Valid." in page.content.decode()
        assert NAME in page.content.decode()
    else:
        assert found == {}
        assert not Diploma.objects.filter(pk=diploma.pk).exists()
    assert files_naming(NAME, EMAIL) == []
    done = ErasureRequest.objects.get()
    assert (done.status, done.register_kept, done.reason) == ("erased", keep_register, "")
    event = AuditEvent.objects.get(action="account.erased")
    assert event.actor == personas.central
    assert event.subject is None
    assert event.data == {"reference": done.reference, "register_kept": keep_register}
    erased = User.objects.get(pk=student.pk)
    assert not erased.is_active and not erased.has_usable_password()
    assert not User.objects.filter(email__iexact=EMAIL).exists()


def test_erasure_needs_the_typed_name_and_is_never_of_oneself(personas: Personas) -> None:
    request = erasure.ask(user=personas.student_a)
    with pytest.raises(erasure.ErasureError):
        erasure.erase(
            request=request, by=personas.central, confirmation="someone", keep_register=True
        )
    with pytest.raises(PermissionDenied):
        erasure.erase(
            request=request,
            by=personas.admin_p,
            confirmation=personas.student_a.full_name,
            keep_register=True,
        )
    own = erasure.ask(user=personas.central)
    with pytest.raises(erasure.ErasureError):
        erasure.erase(
            request=own,
            by=personas.central,
            confirmation=personas.central.full_name,
            keep_register=True,
        )
    assert User.objects.get(pk=personas.central.pk).is_active
    assert ErasureRequest.objects.filter(status="pending").count() == 2


def test_a_student_asks_once_and_staff_erase_through_the_pages(personas: Personas) -> None:
    student = Client()
    student.force_login(personas.student_a)
    assert student.post(reverse("retention:ask"), {"reason": ""}).status_code == 302
    assert "already" not in student.get(reverse("retention:ask")).content.decode()
    assert ErasureRequest.objects.filter(user=personas.student_a).count() == 1

    request = ErasureRequest.objects.get()
    staff = Client()
    staff.force_login(personas.central)
    assert personas.student_a.email in staff.get(reverse("retention:queue")).content.decode()
    page = reverse("retention:erase", kwargs={"erasure": request.pk})
    assert staff.post(page, {"confirmation": "wrong"}).status_code == 400
    answer = staff.post(page, {"confirmation": "Student A", "keep_register": "on"})
    assert answer.status_code == 302
    assert ErasureRequest.objects.get().status == "erased"
    assert staff.get(page).status_code == 404  # carried out: no longer in the queue


def test_central_staff_cannot_erase_themselves_through_the_page(personas: Personas) -> None:
    own = erasure.ask(user=personas.central)
    staff = Client()
    staff.force_login(personas.central)
    page = reverse("retention:erase", kwargs={"erasure": own.pk})
    answer = staff.post(page, {"confirmation": personas.central.full_name, "keep_register": "on"})
    assert answer.status_code == 403
    assert User.objects.get(pk=personas.central.pk).is_active


def test_the_request_page_offers_each_portfolio_for_download_first(personas: Personas) -> None:
    enrolments = [EnrolmentFactory(student=personas.student_a) for _ in range(2)]
    other = EnrolmentFactory()
    student = Client()
    student.force_login(personas.student_a)
    page = student.get(reverse("retention:ask")).content.decode()
    for enrolment in enrolments:
        export = reverse("portfolio:export", kwargs={"enrolment": enrolment.pk})
        assert f'href="{export}"' in page
        assert student.get(export)["Content-Type"] == "application/zip"
    # Someone else's portfolio is not offered.
    assert reverse("portfolio:export", kwargs={"enrolment": other.pk}) not in page
