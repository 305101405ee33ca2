"""A student's enrolments with their entries, as their home page lists them, from the shared
cache.

The home is the page students open most, and reading its enrolments and entries (two queries
with the programme, the activities and each entry's number of files) is most of its work. They
change only when the student or staff write to an enrolment, an entry or a file, or staff edit
the catalogue or a programme. So they are kept per student for ``MAX_SECONDS``, with a
*generation* (cil/generations.py), as the programme's upcoming sessions are
(certificates/upcoming.py):

- every write to the student's enrolments, entries or files forgets the student's generation
  (the models' signals; the writes that bypass them call ``forget`` themselves), at once and
  again when the transaction commits;
- every write to an activity or a programme, and every migration, renews the generation of all
  students (rare, and an activity's entries may belong to thousands of students);
- what is kept carries the generations read *before* its rows were, and is used only while
  both are still the current ones. A page that read the rows just before a write committed
  cannot put back what the write made old.

One cache read (the two generations and the student's enrolments together) serves a page.
"""

from __future__ import annotations

import contextlib
import pickle  # nosec B403 - what this module wrote to the cache, as Django's backends do
from collections.abc import Iterable
from typing import Any

import django
from django.apps import AppConfig
from django.core.cache import cache
from django.db import DatabaseError
from django.db.models import Prefetch, QuerySet
from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver

from activities.models import Activity, StudyProgramme
from cil import generations
from portfolio.models import Enrolment, Entry, Evidence
from portfolio.selectors import enrolment_columns, overview_entries

MAX_SECONDS = 600
ALL = "student-home:generation"  # renewed when the catalogue or a programme changes
# Part of every key, with Django's version: model objects kept by older code (another layout
# of the models, another Django) are not read back.
VERSION = f"1-{django.get_version()}"


def _generation_key(student_id: int) -> str:
    return f"student-home:{VERSION}:{student_id}:generation"


def _key(student_id: int) -> str:
    return f"student-home:{VERSION}:{student_id}"


def _read(student_id: int) -> list[Enrolment]:
    # The entries of every enrolment in one query; the stage machine's condition for asking
    # for final approval ({% may_move %}) reads the approved ones from them too.
    return list(
        Enrolment.objects.filter(student_id=student_id)
        .select_related("programme")
        # Of the programme, its name and code: the rules the page follows are the enrolment's.
        .only(*enrolment_columns())
        .prefetch_related(Prefetch("entries", queryset=overview_entries()))
        .order_by("status", "-created_at")
    )


def student_enrolments(student_id: int) -> list[Enrolment]:
    """The student's enrolments, withdrawn ones included, with their entries prefetched as
    ``overview_entries()`` gives them: one cache read, and two queries when they are not
    there or are of an older generation."""
    got: dict[str, Any] = cache.get_many([ALL, _generation_key(student_id), _key(student_id)])
    generation = (
        generations.current(got, ALL, None),
        generations.current(got, _generation_key(student_id), MAX_SECONDS),
    )
    cached = got.get(_key(student_id))
    if cached is not None and cached[0] == generation:
        # Anything that does not load as what is written below is read afresh.
        with contextlib.suppress(Exception):
            kept: list[Enrolment] = pickle.loads(cached[1])  # noqa: S301  # nosec B301 - written below
            return kept
    enrolments = _read(student_id)
    cache.set(_key(student_id), (generation, pickle.dumps(enrolments)), MAX_SECONDS)
    return enrolments


def forget(student_ids: Iterable[int | None]) -> None:
    """The students' enrolments are read afresh: now, and again once the transaction commits,
    so that what a page read from the rows before the write is not used after it. What was
    kept goes too (after an erasure nothing of the student's stays in the cache)."""
    keys = [key(pk) for pk in set(student_ids) if pk is not None for key in (_generation_key, _key)]
    if keys:
        generations.now_and_on_commit(lambda: cache.delete_many(keys))


def forget_all() -> None:
    """Every student's enrolments are read afresh (the catalogue or a programme changed)."""
    generations.now_and_on_commit(lambda: generations.renew(ALL))


def _students_of(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment, int]:
    return enrolments.values_list("student_id", flat=True)


@receiver(post_save, sender=Enrolment)
@receiver(post_delete, sender=Enrolment)
def _enrolment_changed(instance: Enrolment, **kwargs: Any) -> None:
    forget([instance.student_id])


@receiver(post_save, sender=Entry)
@receiver(post_delete, sender=Entry)
def _entry_changed(instance: Entry, **kwargs: Any) -> None:
    if Entry.enrolment.is_cached(instance):
        forget([instance.enrolment.student_id])
    else:  # none if the enrolment is gone too: its own signal says so
        forget(_students_of(Enrolment.objects.filter(pk=instance.enrolment_id)))


@receiver(post_save, sender=Evidence)
@receiver(post_delete, sender=Evidence)
def _evidence_changed(instance: Evidence, **kwargs: Any) -> None:
    forget(_students_of(Enrolment.objects.filter(entries=instance.entry_id)))


@receiver(post_save, sender=Activity)
@receiver(post_delete, sender=Activity)
@receiver(post_save, sender=StudyProgramme)
@receiver(post_delete, sender=StudyProgramme)
def _catalogue_changed(**kwargs: Any) -> None:
    forget_all()


@receiver(post_migrate)
def _migrated(sender: AppConfig, **kwargs: Any) -> None:
    """A migration may change rows without signals: nothing kept from before it is used. (Sent
    for every app once all have migrated: one is enough.)"""
    if sender.name != "portfolio":
        return
    # On a first migrate the cache's table is not there yet (createcachetable follows).
    with contextlib.suppress(DatabaseError):
        generations.renew(ALL)
