"""A programme's upcoming sessions, as the student's home lists them, from the shared cache.

The home page of every student asks for the sessions of their programme; they change only when
staff schedule, edit or delete a session or record its attendance. So the list (the next ten,
soonest first) is kept per programme until the first of them starts (then the list would
change by itself) or for ``MAX_SECONDS``, and forgotten after any write to a session: the
model's signals (save, delete, its programmes changed) and ``forget()`` for the writes that
bypass them (``QuerySet.update``).
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from activities.models import StudyProgramme
from certificates.models import Session

SHOWN = 10
MAX_SECONDS = 600  # a cap: a reader racing a write may put back the list it read before


def _key(programme_id: int) -> str:
    return f"upcoming-sessions:{programme_id}"


def upcoming_sessions(programme_id: int) -> list[Session]:
    """The programme's next sessions (not yet started), soonest first: one cache read."""
    now = timezone.now()
    cached: list[Session] | None = cache.get(_key(programme_id))
    if cached is None:
        cached = list(
            Session.objects.filter(programmes=programme_id, starts_at__gt=now).order_by(
                "starts_at"
            )[:SHOWN]
        )
        seconds = MAX_SECONDS
        if cached:
            seconds = max(1, min(seconds, int((cached[0].starts_at - now).total_seconds())))
        cache.set(_key(programme_id), cached, seconds)
    return [s for s in cached if s.starts_at > now]


def forget() -> None:
    """Every programme's list is read afresh (writes to sessions are rare, and one session is
    offered to many programmes): now, and again once the transaction commits, so a page that
    read the old rows meanwhile does not keep them."""

    def delete() -> None:
        cache.delete_many([_key(pk) for pk in StudyProgramme.objects.values_list("pk", flat=True)])

    delete()
    transaction.on_commit(delete)


@receiver(post_save, sender=Session)
@receiver(post_delete, sender=Session)
@receiver(m2m_changed, sender=Session.programmes.through)
def _session_changed(**kwargs: Any) -> None:
    forget()
