"""CSV and Excel exports of enrolments, activities and diplomas, with the dashboard's scope.

What a row holds depends on the role: a programme's administrators see their students' names
and e-mail addresses; central staff, who look at figures, get the same rows without them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from certificates.figures import Scope, approved_entries, enrolments, in_period, valid_diplomas
from portfolio.models import Enrolment

KINDS = ("enrolments", "activities", "diplomas")


def _rows(kind: str, scope: Scope, personal: bool) -> tuple[list[str], Iterator[list[Any]]]:
    person = (
        [_("Student"), _("E-mail address")] if personal else [_("Student number in this export")]
    )

    def who(enrolment: Enrolment) -> list[Any]:
        if personal:
            return [enrolment.student.full_name, enrolment.student.email]
        return [enrolment.pk]

    if kind == "enrolments":
        header = [
            *person,
            _("Study programme"),
            _("Signed up"),
            _("Status"),
            _("Stage"),
            _("Expected completion"),
        ]
        queryset = (
            in_period(enrolments(scope), "created_at", scope)
            .select_related("student", "programme")
            .order_by("programme__code", "created_at")
        )
        rows = (
            [
                *who(e),
                e.programme.code,
                e.created_at.date().isoformat(),
                e.status,
                e.stage,
                f"{e.expected_term} {e.expected_year}",
            ]
            for e in queryset.iterator(chunk_size=2000)
        )
    elif kind == "activities":
        header = [
            *person,
            _("Study programme"),
            _("Activity"),
            _("Where"),
            _("Category"),
            _("Country"),
            _("From"),
            _("To"),
            _("Approved"),
        ]
        queryset = approved_entries(scope).select_related(
            "enrolment__student", "enrolment__programme", "activity"
        )
        rows = (
            [
                *who(e.enrolment),
                e.enrolment.programme.code,
                e.activity.title_en,
                e.activity.location,
                e.activity.category,
                e.country.code,
                e.started_on.isoformat(),
                e.ended_on.isoformat() if e.ended_on else "",
                e.decided_at.date().isoformat() if e.decided_at else "",
            ]
            for e in queryset.order_by("decided_at", "pk").iterator(chunk_size=2000)
        )
    elif kind == "diplomas":
        header = [*person, _("Study programme"), _("Diploma number"), _("Issued")]
        queryset = valid_diplomas(scope).select_related(
            "enrolment__student", "enrolment__programme"
        )
        rows = (
            [
                *who(d.enrolment),
                d.enrolment.programme.code,
                d.number,
                d.issued_at.date().isoformat(),
            ]
            for d in queryset.order_by("issued_at", "pk").iterator(chunk_size=2000)
        )
    else:
        raise ValueError(kind)
    return header, rows


def as_csv(kind: str, scope: Scope, *, personal: bool) -> bytes:
    header, rows = _rows(kind, scope, personal)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    # A byte-order mark lets Excel open the file as UTF-8 (æ, ø, å).
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_xlsx(kind: str, scope: Scope, *, personal: bool) -> bytes:
    header, rows = _rows(kind, scope, personal)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=kind)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
