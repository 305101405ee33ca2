"""A programme's upcoming sessions and who has signed up for them, as the student's home lists
them, from the shared cache.

The home page of every student asks for the sessions of their programme, and whether they
have a place at each; both change only when staff schedule, edit or delete a session or record
its attendance, or a student takes or gives back a place. So the list (the next ten, soonest
first, each with the enrolments signed up for it) is kept per programme until the first of them
starts (then the list would change by itself) or for ``MAX_SECONDS``.

Every write to a session or a sign-up gives the cache a new *generation* (``forget()``): the
models' signals (save, delete, a session's programmes changed) call it, and the writes that
bypass them (``QuerySet.update``, bulk loads) call it themselves. A list is kept with the
generation read *before* its rows were, and is used only while that is still the current one:
a page that read the rows just before a write committed cannot put back a list the write made
old, as ``forget()`` runs again once the transaction commits. One cache read (the generation
and the programme's list together) serves a page.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from certificates.models import Session, SessionSignup
from cil import generations

SHOWN = 10
MAX_SECONDS = 600  # and no longer than until the first listed session starts
GENERATION = "upcoming-sessions:generation"


@dataclass(frozen=True)
class Upcoming:
    """A programme's next sessions (not yet started), soonest first, and who holds a place."""

    sessions: list[Session]
    signed_up: dict[int, frozenset[int]]  # session pk -> the enrolments signed up for it

    def places_of(self, enrolment_id: int) -> set[int]:
        """The listed sessions the enrolment has signed up for."""
        return {pk for pk, enrolments in self.signed_up.items() if enrolment_id in enrolments}


def _key(programme_id: int) -> str:
    return f"upcoming-sessions:{programme_id}"


def upcoming(programme_id: int) -> Upcoming:
    """The programme's upcoming sessions and their sign-ups: one cache read, and two queries
    when the list is not there or is of an older generation."""
    now = timezone.now()
    got: dict[str, Any] = cache.get_many([GENERATION, _key(programme_id)])
    generation = generations.current(got, GENERATION, None)
    cached = got.get(_key(programme_id))
    if cached is not None and cached[0] == generation:
        sessions, signed_up = cached[1], cached[2]
    else:
        sessions = list(
            Session.objects.filter(programmes=programme_id, starts_at__gt=now).order_by(
                "starts_at"
            )[:SHOWN]
        )
        places: defaultdict[int, set[int]] = defaultdict(set)
        for session_id, enrolment_id in (
            SessionSignup.objects.filter(session__in=sessions)
            .order_by()
            .values_list("session_id", "enrolment_id")
        ):
            places[session_id].add(enrolment_id)
        signed_up = {pk: frozenset(enrolments) for pk, enrolments in places.items()}
        seconds = MAX_SECONDS
        if sessions:
            seconds = max(1, min(seconds, int((sessions[0].starts_at - now).total_seconds())))
        cache.set(_key(programme_id), (generation, sessions, signed_up), seconds)
    return Upcoming([s for s in sessions if s.starts_at > now], signed_up)


def forget() -> None:
    """Every programme's list is read afresh (writes to sessions and places are rare, and one
    session is offered to many programmes): now, and again once the transaction commits, so a
    list read from the rows before the write is not used after it."""
    generations.now_and_on_commit(lambda: generations.renew(GENERATION))


@receiver(post_save, sender=Session)
@receiver(post_delete, sender=Session)
@receiver(m2m_changed, sender=Session.programmes.through)
@receiver(post_save, sender=SessionSignup)
@receiver(post_delete, sender=SessionSignup)
def _session_changed(**kwargs: Any) -> None:
    forget()
