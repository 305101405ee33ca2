"""Dashboard figures and exports, checked against values worked out by hand for a fixed set."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities.models import StudyProgramme
from certificates import figures
from certificates.models import Diploma
from portfolio.models import Enrolment, Entry
from tests.conftest import Personas
from tests.factories import (
    ActivityFactory,
    DiplomaFactory,
    EnrolmentFactory,
    EntryFactory,
    UserFactory,
)
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


def at(year: int, month: int, day: int) -> datetime.datetime:
    return datetime.datetime(year, month, day, 12, tzinfo=datetime.UTC)


def enrol(programme, signed_up, stage="enrolled", status="active"):
    enrolment = EnrolmentFactory(
        student=UserFactory(), programme=programme, stage=stage, status=status
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(created_at=signed_up)
    enrolment.refresh_from_db()
    return enrolment


def approved(enrolment, category, location, country, decided):
    activity = ActivityFactory(programme=enrolment.programme, category=category, location=location)
    return EntryFactory(
        enrolment=enrolment,
        activity=activity,
        status="approved",
        country=country,
        decided_at=decided,
    )


@pytest.fixture
def data(personas: Personas) -> dict:
    p, q = personas.programme_p, personas.programme_q
    e1 = enrol(p, at(2025, 2, 10), stage="certified", status="completed")
    e2 = enrol(p, at(2025, 9, 1), stage="report_approved")
    e3 = enrol(p, at(2026, 3, 1))
    enrol(p, at(2026, 3, 5), status="withdrawn")
    e5 = enrol(q, at(2026, 4, 1), stage="activities_requested")
    approved(e1, "language_cafe", "home", "NO", at(2025, 5, 1))
    approved(e1, "summer_course", "abroad", "ES", at(2025, 7, 1))
    approved(e1, "exchange_studies", "abroad", "ES", at(2025, 11, 1))
    approved(e2, "mentoring", "home", "NO", at(2025, 10, 10))
    approved(e2, "conference", "abroad", "DE", at(2026, 2, 1))
    approved(e5, "guest_lecture", "home", "NO", at(2026, 4, 10))
    EntryFactory(
        enrolment=e3, status="submitted", submitted_at=timezone.now() - datetime.timedelta(days=10)
    )
    DiplomaFactory(enrolment=e1, issued_at=at(2025, 12, 15))
    DiplomaFactory(enrolment=e2, issued_at=at(2026, 1, 5), revoked_at=at(2026, 1, 6))
    return {"e1": e1, "e2": e2}


def everything(year=None) -> figures.Scope:
    return figures.Scope(programmes=StudyProgramme.objects.all(), year=year)


def test_figures_across_all_programmes(data) -> None:
    scope = everything()
    assert figures.signups_per_term(scope).rows == [
        ("spring 2025", 1),
        ("autumn 2025", 1),
        ("spring 2026", 3),
    ]
    assert figures.funnel(scope).values == [4, 3, 2, 2, 1, 1]
    assert figures.activities_by_location(scope).rows == [("At home", 3), ("Abroad", 3)]
    assert sorted(figures.activities_by_category(scope).values) == [1, 1, 1, 1, 1, 1]
    assert figures.countries_abroad(scope).rows == [("Spain", 2), ("Germany", 1)]
    assert figures.approved_per_term(scope).rows == [
        ("spring 2025", 1),
        ("autumn 2025", 3),
        ("spring 2026", 2),
    ]
    assert figures.diplomas_per_term(scope).rows == [
        ("autumn 2025", 1)
    ]  # the revoked one is left out
    assert figures.median_days_to_diploma(scope) == 308.0  # 10 Feb to 15 Dec 2025
    queues = figures.review_queues(scope)
    assert queues["entries"] == {"count": 1, "oldest_days": 10}
    assert queues["requests"]["count"] == 1


def test_figures_for_one_programme_and_one_year(data, personas: Personas) -> None:
    nursing = figures.Scope(programmes=StudyProgramme.objects.filter(pk=personas.programme_p.pk))
    assert figures.signups_per_term(nursing).values == [1, 1, 2]
    assert figures.activities_by_location(nursing).values == [2, 3]
    in_2026 = everything(year=2026)
    assert figures.signups_per_term(in_2026).rows == [("spring 2026", 3)]
    assert figures.approved_per_term(in_2026).rows == [("spring 2026", 2)]


def test_figures_in_bokmal(data) -> None:
    from django.utils import translation

    with translation.override("nb"):
        assert figures.signups_per_term(everything()).labels[0] == "vår 2025"


def test_central_export_has_the_figures_and_no_personal_data(data, personas: Personas) -> None:
    response = client_for(personas.central).get(
        reverse("certificates:overview_export", args=["activities", "csv"])
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1 + 6
    body = response.content.decode()
    assert "@" not in body  # no e-mail addresses
    assert sorted(r[5] for r in rows[1:]) == ["DE", "ES", "ES", "NO", "NO", "NO"]


def test_programme_export_in_excel_matches_the_dashboard(data, personas: Personas) -> None:
    response = client_for(personas.admin_p).get(
        reverse("certificates:programme_export", args=["nursing", "activities", "xlsx"])
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Student", "E-mail address")
    assert len(rows) == 1 + 5  # Nursing's approved activities
    where = [r[4] for r in rows[1:]]
    assert (where.count("home"), where.count("abroad")) == (2, 3)
    diplomas = client_for(personas.admin_p).get(
        reverse("certificates:programme_export", args=["nursing", "diplomas", "csv"])
    )
    assert len(list(csv.reader(io.StringIO(diplomas.content.decode("utf-8-sig"))))) == 2


def test_a_programme_administrator_sees_only_their_programme(data, personas: Personas) -> None:
    page = client_for(personas.admin_p).get(
        reverse("certificates:programme_figures", args=["nursing"])
    )
    assert page.context["totals"]["signed_up"] == 4
    assert (
        client_for(personas.admin_q)
        .get(reverse("certificates:programme_figures", args=["nursing"]))
        .status_code
        == 403
    )
    export = client_for(personas.admin_q).get(
        reverse("certificates:programme_export", args=["nursing", "enrolments", "csv"])
    )
    assert export.status_code == 403


def test_central_staff_filter_by_faculty_and_programme(data, personas: Personas) -> None:
    client = client_for(personas.central)
    everyone = client.get(reverse("certificates:overview"))
    assert everyone.context["totals"]["signed_up"] == 5
    medicine = client.get(reverse("certificates:overview"), {"programme": personas.programme_q.pk})
    assert medicine.context["totals"]["signed_up"] == 1
    by_faculty = client.get(
        reverse("certificates:overview"), {"faculty": personas.programme_q.faculty_id}
    )
    assert by_faculty.context["totals"]["signed_up"] == 1


@pytest.mark.parametrize("size", [5, 60])
def test_dashboards_keep_a_constant_number_of_queries(
    personas: Personas, django_assert_max_num_queries, size
) -> None:
    for _ in range(size):
        enrolment = enrol(personas.programme_p, at(2026, 1, 15))
        approved(enrolment, "language_cafe", "abroad", "FR", at(2026, 2, 1))
    client = client_for(personas.central)
    with django_assert_max_num_queries(20):
        client.get(reverse("certificates:overview"))
    admin = client_for(personas.admin_p)
    with django_assert_max_num_queries(20):
        admin.get(reverse("certificates:programme_figures", args=["nursing"]))
    assert Diploma.objects.count() == 0 and Entry.objects.count() == size


def test_a_term_narrows_the_figures(data) -> None:
    autumn_2025 = figures.Scope(programmes=StudyProgramme.objects.all(), year=2025, term="autumn")
    assert figures.signups_per_term(autumn_2025).rows == [("autumn 2025", 1)]
    assert figures.approved_per_term(autumn_2025).rows == [("autumn 2025", 3)]
    spring = figures.Scope(programmes=StudyProgramme.objects.all(), term="spring")
    assert figures.signups_per_term(spring).rows == [("spring 2025", 1), ("spring 2026", 3)]


def test_enrolment_export_matches_the_funnel(data, personas: Personas) -> None:
    response = client_for(personas.central).get(
        reverse("certificates:overview_export", args=["enrolments", "xlsx"])
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert len(body) == 5
    stage = header.index("Stage")
    status = header.index("Status")
    reached = [r[stage] for r in body if r[status] != "withdrawn"]
    assert len(reached) == figures.funnel(everything()).values[0]
    assert reached.count("certified") == figures.funnel(everything()).values[-1]
    in_2026 = client_for(personas.central).get(
        reverse("certificates:overview_export", args=["enrolments", "csv"]), {"year": 2026}
    )
    assert len(list(csv.reader(io.StringIO(in_2026.content.decode("utf-8-sig"))))) == 1 + 3


def test_dashboard_figures_are_counted_once_then_read_from_the_cache(personas: Personas) -> None:
    enrol(personas.programme_p, at(2026, 1, 15))
    client = client_for(personas.central)
    url = reverse("certificates:overview")
    with CaptureQueriesContext(connection) as counted:
        first = client.get(url)
    assert first.context["totals"]["signed_up"] == 1
    assert first.context["as_of"] is not None
    enrol(personas.programme_p, at(2026, 2, 15))
    with CaptureQueriesContext(connection) as cached:
        again = client.get(url)
    # The same figures, as of the same time, and none of the aggregations ran again.
    assert again.context["totals"]["signed_up"] == 1
    assert again.context["as_of"] == first.context["as_of"]
    assert len(cached) < len(counted) - 5
    assert "Figures as of" in again.content.decode()
    cache.clear()  # as when CIL_FIGURES_CACHE_SECONDS have passed
    assert client.get(url).context["totals"]["signed_up"] == 2


def test_cached_figures_keep_programmes_filters_and_languages_apart(personas: Personas) -> None:
    enrol(personas.programme_p, at(2026, 1, 15))
    enrol(personas.programme_q, at(2026, 1, 15))
    enrol(personas.programme_q, at(2025, 9, 15))
    central = client_for(personas.central)
    url = reverse("certificates:overview")
    assert central.get(url).context["totals"]["signed_up"] == 3
    in_2026 = central.get(url, {"year": 2026}).context["charts"][0]
    assert in_2026.rows == [("spring 2026", 2)]
    only_q = {"programme": personas.programme_q.pk}
    assert central.get(url, only_q).context["totals"]["signed_up"] == 2
    admin_p = client_for(personas.admin_p)
    nursing = reverse("certificates:programme_figures", args=["nursing"])
    assert admin_p.get(nursing).context["totals"]["signed_up"] == 1
    english = admin_p.get(nursing).context["charts"][0].labels
    admin_p.cookies["django_language"] = "nb"
    norwegian = admin_p.get(nursing).context["charts"][0].labels
    assert english == ["spring 2026"] and norwegian == ["vår 2026"]


@override_settings(CIL_FIGURES_CACHE_SECONDS=0)
def test_without_a_cache_lifetime_figures_are_counted_every_time(personas: Personas) -> None:
    client = client_for(personas.central)
    url = reverse("certificates:overview")
    enrol(personas.programme_p, at(2026, 1, 15))
    assert client.get(url).context["totals"]["signed_up"] == 1
    enrol(personas.programme_p, at(2026, 2, 15))
    page = client.get(url)
    assert page.context["totals"]["signed_up"] == 2
    assert page.context["as_of"] is None
    assert "Figures as of" not in page.content.decode()


def test_a_chart_reads_as_one_sentence_and_its_bars_scale_to_the_largest() -> None:
    series = figures.Series("Sign-ups", ["spring 2026", "autumn 2026"], [4, 10])
    assert series.summary == "spring 2026 4, autumn 2026 10"
    assert [bar["percent"] for bar in series.bars] == [40.0, 100.0]
