"""Retention periods: central staff's choice per kind of data, or the setting's default."""

from __future__ import annotations

import calendar
import datetime

from django.conf import settings

from cil.models import User
from retention.models import Kind, RetentionPeriod


def months_for(kind: Kind) -> int:
    row = RetentionPeriod.objects.filter(kind=kind).first()
    return row.months if row is not None else int(settings.CIL_RETENTION_DEFAULTS[kind.value])


def all_periods() -> dict[Kind, int]:
    chosen = dict(RetentionPeriod.objects.values_list("kind", "months"))
    return {
        kind: int(chosen.get(kind.value, settings.CIL_RETENTION_DEFAULTS[kind.value]))
        for kind in Kind
    }


def set_periods(*, periods: dict[Kind, int], by: User) -> None:
    for kind, months in periods.items():
        RetentionPeriod.objects.update_or_create(
            kind=kind, defaults={"months": months, "changed_by": by}
        )


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved by ``months`` calendar months (negative moves back); the 31st becomes the
    last day of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))
