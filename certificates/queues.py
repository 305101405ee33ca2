"""What waits for a programme's staff: each queue's size and the age of its oldest item.

The programme's administration page lives in ``activities``, but three of its four queues
belong to the apps above it; it shows them through the ``programme_queues`` template tag
(``certificates_tags``), which asks this module.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Min, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from activities.models import ActivityProposal, StudyProgramme
from activities.roles import is_programme_reviewer
from certificates.models import FinalReport
from cil.models import User
from portfolio.models import Enrolment, Entry

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Queue:
    """One queue: ``kind`` names it for the template, which words the count in each language."""

    kind: str
    count: int
    oldest: datetime.datetime | None  # when the item that has waited longest came in
    url: str
    hint: StrOrPromise = ""  # a word on where the link leads, when it is not obvious

    @property
    def age(self) -> str:
        """How long the oldest item has waited: in days, the unit a queue is watched in; in
        hours or minutes on its first day."""
        if self.oldest is None:
            return ""
        waited = timezone.now() - self.oldest
        if waited.days:
            return ngettext("%(n)d day", "%(n)d days", waited.days) % {"n": waited.days}
        if hours := waited.seconds // 3600:
            return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
        minutes = max(1, waited.seconds // 60)
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


def _size_and_oldest(queryset: QuerySet[Any], since: str) -> tuple[int, datetime.datetime | None]:
    found = queryset.order_by().aggregate(n=Count("pk"), oldest=Min(since))
    return found["n"], found["oldest"]


def programme_queues(programme: StudyProgramme, user: User) -> list[Queue]:
    """The programme's queues, each with a link to where its work is done: one query a queue.

    Each counts what its page lists: the review queue's submitted activities, the active
    students whose activities wait for final approval, the pending proposals, and the
    submitted final reports of the reviewers' home page.
    """
    students = reverse("portfolio:programme_students", args=[programme.code])
    asking = Enrolment.Stage.ACTIVITIES_REQUESTED
    # Final reports are the reviewers' work; an administrator who is not one of them is sent
    # to the local resource group, which says who they are.
    reviews = is_programme_reviewer(user, programme)
    reports_url = (
        reverse("certificates:review_home")
        if reviews
        else reverse("activities:group", args=[programme.code])
    )
    return [
        Queue(
            "activities",
            *_size_and_oldest(
                Entry.objects.filter(enrolment__programme=programme, status=Entry.Status.SUBMITTED),
                "submitted_at",
            ),
            url=reverse("certificates:entry_queue", args=[programme.code]),
        ),
        Queue(
            "final_approval",
            *_size_and_oldest(
                Enrolment.objects.active().filter(programme=programme, stage=asking),
                "activities_requested_at",
            ),
            url=f"{students}?{urlencode({'stage': asking.value})}",
        ),
        Queue(
            "proposals",
            *_size_and_oldest(
                ActivityProposal.objects.filter(
                    programme=programme, status=ActivityProposal.Status.PENDING
                ),
                "created_at",
            ),
            url=reverse("activities:proposals", args=[programme.code]),
        ),
        Queue(
            "reports",
            *_size_and_oldest(
                FinalReport.objects.filter(
                    enrolment__programme=programme, status=FinalReport.Status.SUBMITTED
                ),
                "submitted_at",
            ),
            url=reports_url,
            hint="" if reviews else _("The reviewers of the local resource group review them."),
        ),
    ]
