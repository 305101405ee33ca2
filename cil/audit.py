"""The audit trail: every service that changes state records what happened here."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from cil.models import AuditEvent, User


def record(
    *,
    actor: User | None,
    action: str,
    target: models.Model,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    subject: User | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit event. Call it inside the transaction that makes the change."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        content_type=ContentType.objects.get_for_model(target),
        object_id=str(target.pk),
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        subject=subject,
        data=data or {},
    )


def events_for(target: models.Model) -> models.QuerySet[AuditEvent]:
    """The trail of one object, newest first, with who did it."""
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(target), object_id=str(target.pk)
    ).select_related("actor")
