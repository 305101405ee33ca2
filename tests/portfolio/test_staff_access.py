"""Who looked: staff views of a student's portfolio are recorded and shown to the student."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.urls import reverse

from certificates.models import FinalReport
from portfolio.models import StaffAccess
from tests.conftest import Personas
from tests.factories import EnrolmentFactory, EntryFactory, EvidenceFactory
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(personas: Personas):
    enrolment = EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)
    return EntryFactory(enrolment=enrolment, status="submitted")


def test_an_administrator_opening_evidence_is_recorded_but_the_student_is_not(
    personas: Personas, entry
) -> None:
    evidence = EvidenceFactory(entry=entry)
    client_for(personas.student_a).get(reverse("portfolio:evidence_file", args=[evidence.pk]))
    assert not StaffAccess.objects.exists()
    client_for(personas.admin_p).get(reverse("portfolio:evidence_file", args=[evidence.pk]))
    access = StaffAccess.objects.get()
    assert (access.staff, access.student, access.kind, access.object_id, access.role) == (
        personas.admin_p,
        personas.student_a,
        "evidence",
        evidence.pk,
        "administrator",
    )


def test_reviewing_an_entry_and_the_student_page_are_recorded(personas: Personas, entry) -> None:
    admin = client_for(personas.admin_p)
    admin.get(reverse("certificates:entry_review", args=["nursing", entry.pk]))
    admin.get(reverse("certificates:student", args=["nursing", entry.enrolment.pk]))
    kinds = list(StaffAccess.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["entry", "student"]


def test_a_reviewer_reading_the_final_report_is_recorded(personas: Personas, entry) -> None:
    report = FinalReport.objects.create(enrolment=entry.enrolment, summary="Three activities.")
    response = client_for(personas.reviewer_p).get(
        reverse("certificates:report_review", args=[report.pk])
    )
    assert response.status_code == 200
    access = StaffAccess.objects.get()
    assert (access.kind, access.role) == ("report", "reviewer")


def test_the_student_sees_who_looked_newest_first_and_nobody_else_does(
    personas: Personas, entry
) -> None:
    evidence = EvidenceFactory(entry=entry)
    client_for(personas.admin_p).get(reverse("portfolio:evidence_file", args=[evidence.pk]))
    client_for(personas.reviewer_p).get(reverse("portfolio:evidence_file", args=[evidence.pk]))
    page = client_for(personas.student_a).get(reverse("portfolio:staff_accesses"))
    html = page.content.decode()
    assert html.index(personas.reviewer_p.full_name) < html.index(personas.admin_p.full_name)
    other = client_for(personas.student_b).get(reverse("portfolio:staff_accesses"))
    assert personas.admin_p.full_name not in other.content.decode()


@pytest.mark.parametrize("size", [1, 40])
def test_the_page_costs_the_same_queries_however_many_accesses(
    personas: Personas, entry, django_assert_max_num_queries, size: int
) -> None:
    StaffAccess.objects.bulk_create(
        StaffAccess(
            staff=personas.admin_p,
            student=personas.student_a,
            enrolment=entry.enrolment,
            kind="evidence",
            object_id=1,
            role="administrator",
        )
        for _ in range(size)
    )
    client = client_for(personas.student_a)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("portfolio:staff_accesses"))
    assert response.status_code == 200
    assert response.content.decode().count("Certificate administrator") == min(size, 25)


def test_the_export_holds_the_account_consents_and_staff_accesses(
    personas: Personas, entry
) -> None:
    evidence = EvidenceFactory(entry=entry)
    client_for(personas.admin_p).get(reverse("portfolio:evidence_file", args=[evidence.pk]))
    response = client_for(personas.student_a).get(
        reverse("portfolio:export", args=[entry.enrolment.pk])
    )
    archive = zipfile.ZipFile(io.BytesIO(response.getvalue()))
    data = json.loads(archive.read("personal-data.json"))
    assert data["account"]["name"] == personas.student_a.full_name
    assert data["consents"]["certificate_terms"][0]["programme"] == "nursing"
    [access] = data["staff_accesses"]
    assert (access["who"], access["what"], access["object_id"]) == (
        personas.admin_p.full_name,
        "evidence",
        evidence.pk,
    )
    html = archive.read("personal-data.html").decode()
    assert personas.admin_p.full_name in html and "Who has seen my portfolio" in html
