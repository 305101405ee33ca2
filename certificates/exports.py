"""CSV and Excel exports of enrolments, activities and diplomas, with the dashboard's scope.

What a row holds depends on the role: a programme's administrators see their students' names
and e-mail addresses; central staff, who look at figures, get the same rows without them, a
student being known only by a number that means nothing outside that one file.

Names and titles are typed by students and administrators, and a spreadsheet runs a cell that
starts with "=", "+", "-" or "@" as a formula: every text cell that could start one gets a
leading apostrophe (OWASP's advice for CSV injection), and Excel cells are always written as
text, never as formulas.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import secrets
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from certificates.figures import Scope, approved_entries, enrolments, in_period, valid_diplomas
from portfolio.models import Enrolment

KINDS = ("enrolments", "activities", "diplomas")

# What makes a spreadsheet read a cell as a formula; tab and carriage return can hide one.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """``value`` as a spreadsheet shows it without running it: text that could start a formula
    gets a leading apostrophe; anything else is returned as it is."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _pseudonyms() -> Callable[[int], str]:
    """A student's number in one export: the same on every row of that file, and unrelated to
    the database id or to the number in any other export (a fresh random key each time)."""
    key = secrets.token_bytes(32)

    def number(pk: int) -> str:
        return hmac.new(key, str(pk).encode(), hashlib.sha256).hexdigest()[:12]

    return number


def _rows(kind: str, scope: Scope, personal: bool) -> tuple[list[str], Iterator[list[Any]]]:
    header, rows = _raw_rows(kind, scope, personal)
    return header, ([neutralise(value) for value in row] for row in rows)


def _raw_rows(kind: str, scope: Scope, personal: bool) -> tuple[list[str], Iterable[list[Any]]]:
    person = (
        [_("Student"), _("E-mail address")] if personal else [_("Student number in this export")]
    )
    pseudonym = _pseudonyms()

    def who(enrolment: Enrolment) -> list[Any]:
        if personal:
            return [enrolment.student.full_name, enrolment.student.email]
        return [pseudonym(enrolment.pk)]

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
    sheet.append([_text_cell(sheet, value) for value in header])
    for row in rows:
        sheet.append([_text_cell(sheet, value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _text_cell(sheet: Any, value: object) -> Any:  # openpyxl's WriteOnlyCell
    # openpyxl takes a string starting with "=" for a formula; setting the type after the
    # value keeps every cell a plain string whatever it holds.
    cell = WriteOnlyCell(sheet, value="" if value is None else str(value))
    cell.data_type = "s"
    return cell
