"""The certificate administrators' review of submitted activities."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from activities.lookups import get_programme
from activities.models import Location, StudyProgramme, in_language
from activities.rules import ActivityProgress
from cil.audit import events_for
from cil.errors import UserFacingError
from cil.http import AuthenticatedHttpRequest
from cil.workflow import actions_of
from portfolio import access_log, workflow
from portfolio.models import Confirmation, Entry, Evidence
from portfolio.selectors import queue_engagements
from portfolio.services import reflection_questions


def _programme_entries(programme: StudyProgramme) -> QuerySet[Entry]:
    return Entry.objects.filter(enrolment__programme=programme).select_related(
        "activity", "enrolment__student"
    )


QUEUE_PAGE_SIZE = 25


def _evidence_count() -> Coalesce:
    """Files per entry as a subquery, so that counting the queue needs no join."""
    return Coalesce(
        Subquery(
            Evidence.objects.filter(entry=OuterRef("pk"))
            .order_by()
            .values("entry")
            .annotate(n=Count("pk"))
            .values("n")
        ),
        0,
    )


# One row of the queue. Written here rather than in the template: 25 rows of a dozen template
# variables each (the entry's id alone five times, localised as a number every time) cost more
# than the rest of the page's own work.
_ROW = (
    '<tr><td><input class="form-check-input" type="checkbox" name="entries" value="{pk}"'
    ' id="entry-{pk}" aria-labelledby="entry-{pk}-title entry-{pk}-student"></td>'
    '<td><a id="entry-{pk}-title" href="{url}">{title}</a>{confirmed}{engagements}</td>'
    '<td id="entry-{pk}-student">{student}</td><td>{where}</td><td>{submitted}</td>'
    "<td>{files}</td></tr>"
)


@dataclass(frozen=True)
class QueueRow:
    """One line of the review queue, ready to print: ``{{ row.html }}`` in the template."""

    pk: int
    url: str
    title: str
    student: str
    where: StrOrPromise
    submitted: str
    files: int
    # Of an activity that needs several engagements: how many the student has so far.
    engagements: ActivityProgress | None = None
    # An organiser has confirmed the student's part (portfolio/confirmations.py).
    confirmed: bool = False

    @property
    def html(self) -> SafeString:
        a = self.engagements
        return format_html(
            _ROW,
            pk=str(self.pk),
            url=self.url,
            title=self.title,
            confirmed=format_html(
                ' <span class="badge text-bg-success">{}</span>',
                _("Confirmed by the organiser"),
            )
            if self.confirmed
            else "",
            # The words of portfolio/_engagements.html, which the student's pages include.
            engagements=format_html(
                '<span class="d-block small text-body-secondary">{}</span>',
                ngettext(
                    "%(n)s of %(required)s engagement",
                    "%(n)s of %(required)s engagements",
                    a.engagements_required,
                )
                % {"n": a.engagements, "required": a.engagements_required},
            )
            if a
            else "",
            student=self.student,
            where=self.where,
            submitted=self.submitted,
            files=str(self.files),
        )


class _QueuePaginator(Paginator):  # type: ignore[type-arg]
    """Counts the waiting entries with a narrower query than the page's own: the number needs
    only the entries and their enrolments (from indexes alone), not the students' names and the
    activities that the rows print."""

    def __init__(self, rows: QuerySet[Entry, Any], waiting: QuerySet[Entry]) -> None:
        super().__init__(rows, QUEUE_PAGE_SIZE)
        self._waiting = waiting

    @cached_property
    def count(self) -> int:
        return self._waiting.count()


@require_safe
def entry_queue(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """Submitted activities of the programme's students, oldest first, a page at a time: a
    large programme has hundreds waiting at the start of a term."""
    programme = get_programme(code)
    waiting = (
        Entry.objects.filter(enrolment__programme=programme, status=Entry.Status.SUBMITTED)
        # What the person decides on: their own activities wait for another administrator.
        .exclude(enrolment__student=request.user)
    )
    rows = waiting.order_by("submitted_at", "pk").values(
        "pk",
        "submitted_at",
        "activity__title_en",
        "activity__title_nb",
        "activity__location",
        "enrolment__student__full_name",
        "enrolment_id",
        "activity_id",
        "activity__engagements_required",
        files=_evidence_count(),
        confirmed=Exists(
            Confirmation.objects.filter(entry=OuterRef("pk"), status=Confirmation.Status.CONFIRMED)
        ),
    )
    # The page's rows are replaced by QueueRows below.
    page: Page[Any] = _QueuePaginator(rows, waiting).get_page(request.GET.get("page"))
    # Rows as plain values: 25 rows of model instances and template lookups cost more than
    # the queries that find them.
    locations = dict(Location.choices)
    # entry_review is "<the queue's address><entry>/": one reverse() instead of one a row.
    queue_url = reverse("certificates:entry_queue", args=[programme.code])
    engagements = queue_engagements(
        [
            (row["pk"], row["enrolment_id"], row["activity_id"])
            for row in page.object_list
            if row["activity__engagements_required"] > 1
        ]
    )
    page.object_list = [
        QueueRow(
            pk=row["pk"],
            url=f"{queue_url}{row['pk']}/",
            title=in_language(row["activity__title_en"], row["activity__title_nb"]),
            student=row["enrolment__student__full_name"],
            where=capfirst(locations[row["activity__location"]]),
            submitted=date_format(localtime(row["submitted_at"]), "SHORT_DATE_FORMAT"),
            files=row["files"],
            engagements=engagements.get(row["pk"]),
            confirmed=row["confirmed"],
        )
        for row in page.object_list
    ]
    return render(
        request,
        "certificates/entry_queue.html",
        {"programme": programme, "entries": page, "page_obj": page},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def entry_review(request: AuthenticatedHttpRequest, code: str, entry: int) -> HttpResponse:
    """One submitted activity with its evidence, diary and reflection; approve, return, reject."""
    programme = get_programme(code)
    instance = get_object_or_404(_programme_entries(programme), pk=entry)
    if request.method == "POST":
        action = request.POST.get("action", "")
        # Only the moves the table gives this user's role (an administrator's decisions).
        if action not in actions_of(workflow.ENTRIES, instance, request.user):
            raise PermissionDenied
        try:
            workflow.transition(
                entry=instance,
                by=request.user,
                action=action,
                comment=request.POST.get("comment", ""),
            )
        except UserFacingError as error:
            messages.error(request, str(error))
            return redirect("certificates:entry_review", code=programme.code, entry=instance.pk)
        done = {
            workflow.EntryAction.APPROVE: _("Approved: %(title)s (%(student)s)."),
            workflow.EntryAction.RETURN: _("Returned for changes: %(title)s (%(student)s)."),
            workflow.EntryAction.REJECT: _("Rejected: %(title)s (%(student)s)."),
        }[workflow.EntryAction(action)]
        messages.success(
            request,
            done
            % {"title": instance.activity.title, "student": instance.enrolment.student.full_name},
        )
        return redirect("certificates:entry_queue", code=programme.code)
    access_log.record(
        by=request.user,
        enrolment=instance.enrolment,
        kind=access_log.Kind.ENTRY,
        object_id=instance.pk,
        programme_code=programme.code,
    )
    return render(
        request,
        "certificates/entry_review.html",
        {
            "programme": programme,
            "entry": instance,
            "evidence": list(instance.evidence.all()),
            "notes": list(instance.notes.all()),
            "questions": reflection_questions(instance),
            "actions": workflow.moves_for(instance, request.user),
            "history": events_for(instance),
            "confirmations": list(instance.confirmations.shown()),
        },
    )


@require_POST
def entry_approve_many(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    programme = get_programme(code)
    ids = [int(pk) for pk in request.POST.getlist("entries") if pk.isdigit()]
    entries = list(_programme_entries(programme).filter(pk__in=ids))
    if not entries:
        messages.error(request, _("Tick the activities to approve."))
        return redirect("certificates:entry_queue", code=programme.code)
    done = workflow.approve_many(entries=entries, by=request.user)
    messages.success(
        request,
        ngettext("%(n)d activity approved.", "%(n)d activities approved.", done.approved)
        % {"n": done.approved},
    )
    if done.decided:
        messages.warning(
            request,
            ngettext(
                "%(n)d activity had already been decided and was left as it is.",
                "%(n)d activities had already been decided and were left as they are.",
                done.decided,
            )
            % {"n": done.decided},
        )
    if done.own:
        messages.warning(
            request,
            ngettext(
                "%(n)d is your own activity: another administrator decides on it.",
                "%(n)d are your own activities: another administrator decides on them.",
                done.own,
            )
            % {"n": done.own},
        )
    return redirect("certificates:entry_queue", code=programme.code)
