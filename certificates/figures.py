"""The figures on the dashboards: every number an aggregation in the database.

A ``Scope`` says which programmes and which year; each function returns a ``Series`` (labels
and values) that a chart draws and a table lists. The number of queries does not depend on
how many students there are.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Func,
    Min,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.formats import localize
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_countries import countries

from activities.models import Category, Location, StudyProgramme
from certificates.models import Diploma, FinalReport
from portfolio.models import Enrolment, Entry


@dataclass(frozen=True)
class Scope:
    programmes: QuerySet[StudyProgramme]
    year: int | None = None
    term: str | None = None  # "spring" (January-June) or "autumn" (July-December)
    # Names the programmes for the cache ("programme:12", "central:f3:p"); empty: not cached.
    key: str = ""


@dataclass
class Series:
    title: str
    labels: list[str] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    unit: str = ""

    @property
    def rows(self) -> list[tuple[str, float]]:
        return list(zip(self.labels, self.values, strict=True))

    @property
    def maximum(self) -> float:
        return max(self.values, default=0) or 1

    @property
    def total(self) -> float:
        return sum(self.values)

    @property
    def summary(self) -> str:
        """The chart as one sentence, its text alternative: "spring 2025 12, autumn 2025 30"."""
        return ", ".join(f"{label} {localize(value)}" for label, value in self.rows)

    @property
    def bars(self) -> list[dict[str, Any]]:
        """Rows for a horizontal bar chart: the label, the value and the bar's length in %."""
        maximum = self.maximum
        return [
            {"label": label, "value": value, "percent": round(100 * value / maximum, 1)}
            for label, value in self.rows
        ]


def per_term(queryset: QuerySet[Any], field_name: str) -> list[tuple[str, int]]:
    """Count rows per term (spring: January to June; autumn: July to December), in the
    database, in time order."""
    rows = (
        queryset.exclude(**{f"{field_name}__isnull": True})
        .annotate(
            t_year=ExtractYear(field_name),
            t_half=Case(When(**{f"{field_name}__month__lte": 6}, then=Value(1)), default=Value(2)),
        )
        .values("t_year", "t_half")
        .annotate(n=Count("pk"))
        .order_by("t_year", "t_half")
    )
    return [
        (f"{_('spring') if r['t_half'] == 1 else _('autumn')} {r['t_year']}", r["n"]) for r in rows
    ]


def _series(title: str, rows: list[tuple[str, int]]) -> Series:
    return Series(title, [label for label, _n in rows], [n for _label, n in rows])


def in_period(queryset: QuerySet[Any], field_name: str, scope: Scope) -> QuerySet[Any]:
    """Rows whose date falls in the scope's year and term, if any."""
    if scope.year:
        queryset = queryset.filter(**{f"{field_name}__year": scope.year})
    if scope.term == "spring":
        queryset = queryset.filter(**{f"{field_name}__month__lte": 6})
    elif scope.term == "autumn":
        queryset = queryset.filter(**{f"{field_name}__month__gte": 7})
    return queryset


def enrolments(scope: Scope) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(programme__in=scope.programmes)


def signups_per_term(scope: Scope) -> Series:
    rows = per_term(in_period(enrolments(scope), "created_at", scope), "created_at")
    return _series(_("Sign-ups per term"), rows)


STAGES = [
    Enrolment.Stage.ENROLLED,
    Enrolment.Stage.ACTIVITIES_REQUESTED,
    Enrolment.Stage.ACTIVITIES_APPROVED,
    Enrolment.Stage.REPORT_APPROVED,
    Enrolment.Stage.PRESENTED,
    Enrolment.Stage.CERTIFIED,
]


def funnel(scope: Scope) -> Series:
    """How many signed-up students have reached each stage (withdrawn students left out)."""
    counts = dict(
        in_period(enrolments(scope), "created_at", scope)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .values_list("stage")
        .annotate(n=Count("pk"))
    )
    labels, values = [], []
    for index, stage in enumerate(STAGES):
        labels.append(str(Enrolment.Stage(stage).label).capitalize())
        values.append(sum(counts.get(s, 0) for s in STAGES[index:]))  # reached = here or beyond
    return Series(_("Students who have reached each stage"), labels, values)


def approved_entries(scope: Scope) -> QuerySet[Entry]:
    return in_period(
        Entry.objects.filter(
            enrolment__programme__in=scope.programmes, status=Entry.Status.APPROVED
        ),
        "decided_at",
        scope,
    )


def approved_breakdown(scope: Scope) -> list[dict[str, Any]]:
    """Approved activities counted by where, category, country and term, in one pass over
    the entries: the four charts below add these up rather than each reading every approved
    entry again (at national scale that pass is most of a dashboard's first request)."""
    rows = (
        approved_entries(scope)
        .annotate(
            t_year=ExtractYear("decided_at"),
            t_half=Case(When(decided_at__month__lte=6, then=Value(1)), default=Value(2)),
        )
        .values("activity__location", "activity__category", "country", "t_year", "t_half")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [dict(row) for row in rows]


def _add_up(rows: list[dict[str, Any]], *keys: str) -> dict[Any, Any]:
    counts: dict[Any, Any] = {}
    for row in rows:
        key = tuple(row[k] for k in keys) if len(keys) > 1 else row[keys[0]]
        counts[key] = counts.get(key, 0) + row["n"]
    return counts


def activities_by_category(scope: Scope, rows: list[dict[str, Any]] | None = None) -> Series:
    counts = _add_up(approved_breakdown(scope) if rows is None else rows, "activity__category")
    labels = [str(label).capitalize() for value, label in Category.choices if counts.get(value)]
    values = [counts[value] for value, _label in Category.choices if counts.get(value)]
    return Series(_("Approved activities by category"), labels, values)


def activities_by_location(scope: Scope, rows: list[dict[str, Any]] | None = None) -> Series:
    counts = _add_up(approved_breakdown(scope) if rows is None else rows, "activity__location")
    return Series(
        _("Approved activities at home and abroad"),
        [str(label).capitalize() for _value, label in Location.choices],
        [counts.get(value, 0) for value, _label in Location.choices],
    )


def countries_abroad(scope: Scope, rows: list[dict[str, Any]] | None = None) -> Series:
    rows = approved_breakdown(scope) if rows is None else rows
    abroad = [row for row in rows if row["activity__location"] == Location.ABROAD]
    top = sorted(_add_up(abroad, "country").items(), key=lambda item: (-item[1], item[0]))[:20]
    return Series(
        _("Countries of activities abroad"),
        [countries.name(country) for country, _n in top],
        [n for _country, n in top],
    )


def approved_per_term(scope: Scope, rows: list[dict[str, Any]] | None = None) -> Series:
    rows = approved_breakdown(scope) if rows is None else rows
    decided = [row for row in rows if row["t_year"] is not None]
    terms = sorted(_add_up(decided, "t_year", "t_half").items())
    return _series(
        _("Approved activities per term"),
        [(f"{_('spring') if half == 1 else _('autumn')} {year}", n) for (year, half), n in terms],
    )


def valid_diplomas(scope: Scope) -> QuerySet[Diploma]:
    return in_period(
        Diploma.objects.filter(enrolment__programme__in=scope.programmes, revoked_at__isnull=True),
        "issued_at",
        scope,
    )


def diplomas_per_term(scope: Scope) -> Series:
    return _series(_("Diplomas per term"), per_term(valid_diplomas(scope), "issued_at"))


class _Median(Func):
    # PostgreSQL's ordered-set aggregate; the suite and production run on PostgreSQL.
    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    contains_aggregate = True
    output_field = DurationField()


def median_days_to_diploma(scope: Scope) -> float | None:
    durations = valid_diplomas(scope).annotate(
        took=ExpressionWrapper(
            F("issued_at") - F("enrolment__created_at"), output_field=DurationField()
        )
    )
    if connection.vendor == "postgresql":
        median: timedelta | None = durations.aggregate(m=_Median("took"))["m"]
    else:  # SQLite, for `make run` only: no ordered-set aggregates, few rows
        pairs = valid_diplomas(scope).values_list("issued_at", "enrolment__created_at")
        values = [issued - signed_up for issued, signed_up in pairs]
        # timedelta sorts and halves, which is all median() needs; typeshed wants numbers.
        median = statistics.median(values) if values else None  # type: ignore[type-var]
    if median is None:
        return None
    return round(median / timedelta(days=1), 1)


def review_queues(scope: Scope) -> dict[str, Any]:
    now = timezone.now()
    entries = Entry.objects.filter(
        enrolment__programme__in=scope.programmes, status=Entry.Status.SUBMITTED
    ).aggregate(n=Count("pk"), oldest=Min("submitted_at"))
    reports = FinalReport.objects.filter(
        enrolment__programme__in=scope.programmes, status=FinalReport.Status.SUBMITTED
    ).aggregate(n=Count("pk"), oldest=Min("submitted_at"))
    requests = (
        enrolments(scope)
        .filter(stage=Enrolment.Stage.ACTIVITIES_REQUESTED)
        .aggregate(n=Count("pk"), oldest=Min("activities_requested_at"))
    )

    def age(oldest: Any) -> int | None:
        return (now - oldest).days if oldest else None

    return {
        "entries": {"count": entries["n"], "oldest_days": age(entries["oldest"])},
        "reports": {"count": reports["n"], "oldest_days": age(reports["oldest"])},
        "requests": {"count": requests["n"], "oldest_days": age(requests["oldest"])},
    }


def dashboard(scope: Scope) -> dict[str, Any]:
    """Everything a dashboard shows, in a fixed number of queries.

    They aggregate years of data over whole tables, so they are kept in the cache for
    ``CIL_FIGURES_CACHE_SECONDS`` per scope and language, and the page says how old they are.
    (Administrators see their queues live on the review pages.)
    """
    ttl = settings.CIL_FIGURES_CACHE_SECONDS
    if not scope.key or ttl <= 0:
        return {**aggregates(scope), "as_of": None, "cache_key": None}
    key = f"cil:figures:v1:{scope.key}:{scope.year or ''}:{scope.term or ''}:{get_language()}"
    figures = cache.get(key)
    if figures is None:
        figures = {**aggregates(scope), "as_of": timezone.now()}
        cache.set(key, figures, ttl)
    # The page keeps its rendering of the figures as long (templates/certificates/figures.html).
    return {**figures, "cache_key": key, "cache_seconds": ttl}


def aggregates(scope: Scope) -> dict[str, Any]:
    """Every figure of a dashboard, counted now."""
    approved = approved_breakdown(scope)
    return {
        "charts": [
            signups_per_term(scope),
            funnel(scope),
            activities_by_location(scope, approved),
            activities_by_category(scope, approved),
            countries_abroad(scope, approved),
            approved_per_term(scope, approved),
            diplomas_per_term(scope),
        ],
        "median_days": median_days_to_diploma(scope),
        "queues": review_queues(scope),
        "totals": enrolments(scope).aggregate(
            signed_up=Count("pk"),
            active=Count("pk", filter=Q(status=Enrolment.Status.ACTIVE)),
            withdrawn=Count("pk", filter=Q(status=Enrolment.Status.WITHDRAWN)),
            certified=Count("pk", filter=Q(stage=Enrolment.Stage.CERTIFIED)),
        ),
    }
