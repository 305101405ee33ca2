"""Carrying out the retention periods: what is due is removed in batches, files from the store
too; a second run on the same day removes nothing. Run daily by ``manage.py apply_retention``.

A kind of data is due when its reference date plus the kind's months (retention/periods.py) is
today or earlier. Students are mailed once, a month before their files go (RetentionWarning).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone

from certificates.models import Diploma, FinalReport, Reminder, ShareLink
from cil.mail import notify
from cil.models import AuditEvent
from portfolio.models import Enrolment, Entry, Evidence, StaffAccess
from retention.models import Kind, RetentionWarning
from retention.periods import add_months, months_for

logger = logging.getLogger(__name__)

BATCH = 500


@dataclass(frozen=True)
class Cutoff:
    """What is due for one kind today: reference dates up to and including ``day``."""

    day: datetime.date
    warn_day: datetime.date  # reference dates up to here are due within a month

    @classmethod
    def of(cls, kind: Kind, today: datetime.date) -> Cutoff:
        months = months_for(kind)
        return cls(day=add_months(today, -months), warn_day=add_months(today, 1 - months))

    @staticmethod
    def before(day: datetime.date) -> datetime.datetime:
        """The first moment after ``day`` in the portal's time zone: a datetime is on or
        before ``day`` when it is earlier than this."""
        return timezone.make_aware(
            datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
        )


def delete_files(names: Iterable[str]) -> None:
    for name in names:
        if name:
            default_storage.delete(name)


def _delete_evidence(evidence: QuerySet[Evidence]) -> int:
    """Delete these evidence rows and their files (and thumbnails), a batch at a time."""
    removed = 0
    while True:
        batch = list(evidence.order_by("pk").values_list("pk", "file", "thumbnail")[:BATCH])
        if not batch:
            return removed
        with transaction.atomic():
            Evidence.objects.filter(pk__in=[pk for pk, _, _ in batch]).delete()
        delete_files(name for _, file, thumb in batch for name in (file, thumb))
        removed += len(batch)


# --- Evidence after the diploma or withdrawal ------------------------------------------------


def _evidence_reference() -> QuerySet[Enrolment]:
    """Enrolments with evidence left, annotated with the day their files' time began: the
    latest diploma's issue, or else the withdrawal."""
    has_evidence = Evidence.objects.filter(entry__enrolment=OuterRef("pk"))
    return (
        Enrolment.objects.filter(Exists(has_evidence))
        .annotate(issued=Max("diplomas__issued_at"))
        .filter(Q(issued__isnull=False) | Q(status=Enrolment.Status.WITHDRAWN))
    )


def _evidence_due(until: datetime.date) -> QuerySet[Enrolment]:
    end = Cutoff.before(until)
    return _evidence_reference().filter(
        Q(issued__lt=end) | Q(issued__isnull=True, withdrawn_at__lt=end)
    )


def _evidence_reference_day(enrolment: Enrolment) -> datetime.date:
    moment = getattr(enrolment, "issued", None) or enrolment.withdrawn_at
    if moment is None:  # the query asks for one of them
        raise ValueError(f"enrolment {enrolment.pk} has neither diploma nor withdrawal")
    return timezone.localdate(moment)


# --- Portfolios of students who did nothing ---------------------------------------------------


def idle_portfolios(*, changed_until: datetime.date) -> QuerySet[Enrolment]:
    """Enrolments whose student did nothing: no activity ever submitted (every entry is a
    draft never sent), no final report, no diploma; annotated with ``last_change``, the
    latest of sign-up, withdrawal, and any entry, diary note or file added or changed, on or
    before ``changed_until``."""
    sent = Entry.objects.filter(enrolment=OuterRef("pk")).filter(
        ~Q(status=Entry.Status.DRAFT) | Q(submitted_at__isnull=False)
    )
    report = FinalReport.objects.filter(enrolment=OuterRef("pk"))
    diploma = Diploma.objects.filter(enrolment=OuterRef("pk"))
    return (
        Enrolment.objects.exclude(Exists(sent))
        .exclude(Exists(report))
        .exclude(Exists(diploma))
        .annotate(
            last_change=Greatest(
                "created_at",
                "withdrawn_at",
                Max("entries__updated_at"),
                Max("entries__notes__created_at"),
                Max("entries__evidence__uploaded_at"),
            )
        )
        .filter(last_change__lt=Cutoff.before(changed_until))
    )


def _idle_due(until: datetime.date) -> QuerySet[Enrolment]:
    return idle_portfolios(changed_until=until)


def _delete_portfolios(enrolment_ids: list[int]) -> int:
    removed = 0
    for start in range(0, len(enrolment_ids), BATCH):
        ids = enrolment_ids[start : start + BATCH]
        _delete_evidence(Evidence.objects.filter(entry__enrolment__in=ids))
        with transaction.atomic():
            Enrolment.objects.filter(pk__in=ids).delete()
        removed += len(ids)
    return removed


# --- Warnings ---------------------------------------------------------------------------------


def _warn(
    kind: Kind, enrolments: QuerySet[Enrolment], day_of: Callable[[Enrolment], datetime.date]
) -> int:
    """Mail each student whose files go within a month, once (the row records it)."""
    months = months_for(kind)
    warned = RetentionWarning.objects.filter(enrolment=OuterRef("pk"), kind=kind)
    sent = 0
    for enrolment in enrolments.exclude(Exists(warned)).select_related("student", "programme"):
        removal_on = add_months(day_of(enrolment), months)
        with transaction.atomic():
            _, created = RetentionWarning.objects.get_or_create(
                enrolment=enrolment, kind=kind, defaults={"removal_on": removal_on}
            )
            if created:
                notify(
                    user=enrolment.student,
                    template="retention/mail/removal_soon",
                    context={
                        "kind": kind.value,
                        "programme": enrolment.programme.name,
                        "removal_on": removal_on,
                        "export_path": reverse(
                            "portfolio:export", kwargs={"enrolment": enrolment.pk}
                        ),
                    },
                )
                sent += 1
    return sent


# --- The daily run ---------------------------------------------------------------------------


def apply_retention(*, today: datetime.date | None = None) -> dict[str, int]:
    """Warn, then remove everything due today; returns counts by what was removed."""
    today = today or timezone.localdate()
    counts: dict[str, int] = {}

    evidence = Cutoff.of(Kind.EVIDENCE, today)
    counts["evidence warnings sent"] = _warn(
        Kind.EVIDENCE,
        _evidence_due(evidence.warn_day).exclude(pk__in=_evidence_due(evidence.day).values("pk")),
        _evidence_reference_day,
    )
    counts["evidence files removed"] = _delete_evidence(
        Evidence.objects.filter(entry__enrolment__in=_evidence_due(evidence.day).values("pk"))
    )

    idle = Cutoff.of(Kind.IDLE_PORTFOLIO, today)
    counts["idle portfolio warnings sent"] = _warn(
        Kind.IDLE_PORTFOLIO,
        _idle_due(idle.warn_day).exclude(pk__in=_idle_due(idle.day).values("pk")),
        lambda enrolment: timezone.localdate(getattr(enrolment, "last_change")),  # noqa: B009
    )
    counts["idle portfolios removed"] = _delete_portfolios(
        list(_idle_due(idle.day).values_list("pk", flat=True))
    )

    audit = Cutoff.before(Cutoff.of(Kind.AUDIT, today).day)
    # Who of the staff opened a portfolio is kept as long as the audit trail.
    counts["staff accesses removed"] = _delete_in_batches(StaffAccess.objects.filter(at__lt=audit))
    counts["audit events removed"] = _delete_in_batches(
        AuditEvent.objects.filter(created_at__lt=audit)
    )

    reminders = Cutoff.of(Kind.REMINDERS, today).day
    counts["reminders removed"] = _delete_in_batches(
        Reminder.objects.filter(sent_on__lte=reminders)
    )

    views = Cutoff.before(Cutoff.of(Kind.SHARE_VIEWS, today).day)
    counts["share link view counts reset"] = ShareLink.objects.filter(
        last_viewed_at__lt=views
    ).update(view_count=0, last_viewed_at=None)

    for name, number in counts.items():
        logger.info("retention: %s: %d", name, number)
    return counts


def _delete_in_batches(
    rows: QuerySet[AuditEvent] | QuerySet[Reminder] | QuerySet[StaffAccess],
) -> int:
    removed = 0
    while True:
        ids = list(rows.order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not ids:
            return removed
        with transaction.atomic():
            rows.model.objects.filter(pk__in=ids).delete()
        removed += len(ids)
