"""Background work of the certificate workflow: issuing a ceremony's diplomas."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from certificates import workflow
from certificates.models import DiplomaBatch
from portfolio.models import Enrolment

logger = logging.getLogger(__name__)

# Diplomas per task. A ceremony's batch is cut into parts of this many, each its own task, so
# that every worker takes a share (one task would keep one core busy and leave the others
# idle); small enough that two workers finish close together, large enough that the few
# queries of taking a task are nothing beside the diplomas.
PART = 20


def _count(batch: DiplomaBatch, enrolment_id: int, reason: str | None) -> None:
    """Count one diploma as issued (``reason`` None) or not, and finish the batch with its last
    one, whichever part that is in."""
    with transaction.atomic():
        locked = DiplomaBatch.objects.select_for_update().get(pk=batch.pk)
        if reason is None:
            locked.done += 1
        else:
            locked.failed = [*locked.failed, {"enrolment": enrolment_id, "reason": str(reason)}]
        fields = ["done", "failed"]
        if locked.done + len(locked.failed) >= len(locked.enrolment_ids):
            locked.status, locked.finished_at = DiplomaBatch.Status.DONE, timezone.now()
            fields += ["status", "finished_at"]
        locked.save(update_fields=fields)


@task()
def issue_batch(*, batch_id: int) -> None:
    """Start a ceremony: queue the batch's parts after the first for any worker, then issue the
    first part here.

    Each student's diploma is issued in its own transaction, counted as it goes. A student who
    cannot be certified (something missing, already certified) is listed with the reason; the
    others are issued regardless. The batch is done when its last diploma is counted.
    """
    batch = DiplomaBatch.objects.get(pk=batch_id)
    if batch.status == DiplomaBatch.Status.DONE:
        return
    DiplomaBatch.objects.filter(pk=batch.pk).update(status=DiplomaBatch.Status.RUNNING)
    if not batch.enrolment_ids:
        DiplomaBatch.objects.filter(pk=batch.pk).update(
            status=DiplomaBatch.Status.DONE, finished_at=timezone.now()
        )
        return
    for start in range(PART, len(batch.enrolment_ids), PART):
        issue_batch_part.enqueue(batch_id=batch.pk, start=start)
    _issue_part(batch_id, 0)


@task()
def issue_batch_part(*, batch_id: int, start: int) -> None:
    """Issue the diplomas of one part of a batch (``PART`` students from ``start``)."""
    _issue_part(batch_id, start)


def _issue_part(batch_id: int, start: int) -> None:
    batch = DiplomaBatch.objects.select_related("created_by", "programme").get(pk=batch_id)
    if batch.status == DiplomaBatch.Status.DONE:
        return
    for enrolment_id in batch.enrolment_ids[start : start + PART]:
        enrolment = Enrolment.objects.filter(pk=enrolment_id, programme=batch.programme).first()
        try:
            if enrolment is None:
                raise workflow.WorkflowError("not found")
            if batch.created_by is None:  # their account was deleted before the batch ran
                raise workflow.WorkflowError(
                    _("The administrator who started these diplomas no longer has an account.")
                )
            workflow.advance(
                enrolment=enrolment,
                by=batch.created_by,
                action=workflow.StageAction.ISSUE_DIPLOMA,
                language=batch.language,
            )
        except (workflow.WorkflowError, PermissionDenied) as error:
            _count(batch, enrolment_id, str(error))
        except Exception:
            # Anything unexpected (the PDF renderer, storage) stops this diploma, not the batch;
            # the administrator sees it in the batch, the operators in the log.
            logger.exception("Issuing the diploma of enrolment %s failed", enrolment_id)
            _count(batch, enrolment_id, _("An unexpected error; try this student again later."))
        else:
            _count(batch, enrolment_id, None)
