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


def _fail(batch: DiplomaBatch, enrolment_id: int, reason: str) -> None:
    with transaction.atomic():
        locked = DiplomaBatch.objects.select_for_update().get(pk=batch.pk)
        locked.failed = [*locked.failed, {"enrolment": enrolment_id, "reason": str(reason)}]
        locked.save(update_fields=["failed"])


@task()
def issue_batch(*, batch_id: int) -> None:
    """Issue the batch's diplomas one by one, each in its own transaction, counting as it goes.

    A student who cannot be certified (something missing, already certified) is listed with the
    reason; the others are issued regardless.
    """
    batch = DiplomaBatch.objects.select_related("created_by").get(pk=batch_id)
    if batch.status == DiplomaBatch.Status.DONE:
        return
    DiplomaBatch.objects.filter(pk=batch.pk).update(status=DiplomaBatch.Status.RUNNING)
    for enrolment_id in batch.enrolment_ids:
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
            _fail(batch, enrolment_id, str(error))
        except Exception:
            # Anything unexpected (the PDF renderer, storage) stops this diploma, not the batch;
            # the administrator sees it in the batch, the operators in the log.
            logger.exception("Issuing the diploma of enrolment %s failed", enrolment_id)
            _fail(batch, enrolment_id, _("An unexpected error; try this student again later."))
        else:
            with transaction.atomic():
                locked = DiplomaBatch.objects.select_for_update().get(pk=batch.pk)
                locked.done += 1
                locked.save(update_fields=["done"])
    DiplomaBatch.objects.filter(pk=batch.pk).update(
        status=DiplomaBatch.Status.DONE, finished_at=timezone.now()
    )
