"""The review queue's page: the programme's submitted activities, oldest first, 25 at a time.

One hand-written query gives the page's rows and the number waiting. Built with the ORM, the
same query (two joins, two subqueries, a count beside it) cost about 2 ms of Python to put
together and compile on every request, four times what PostgreSQL needed to answer it; the
queue is one of the busiest pages of the staff. ``tests/certificates/test_queues.py`` and
``tests/portfolio/test_workflow.py`` hold it to what the page shows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db import connection
from django.urls import reverse
from django.utils import dateformat
from django.utils.formats import get_format
from django.utils.functional import cached_property
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from activities.models import Location, StudyProgramme, in_language
from activities.rules import ActivityProgress
from cil.models import User
from portfolio.models import Confirmation, Entry
from portfolio.selectors import queue_engagements

QUEUE_PAGE_SIZE = 25

# The page of waiting entries is found from indexes alone (entry_waiting_idx and the
# programme's enrolments with their students, enrolment_programme_idx); only its 25 rows are
# joined to their activities and students and have their files counted.
_PAGE_SQL = """
SELECT w.id, w.submitted_at, w.enrolment_id, w.activity_id, w.total,
       a.title_en, a.title_nb, a.location, a.engagements_required, u.full_name,
       (SELECT count(*) FROM portfolio_evidence v WHERE v.entry_id = w.id) AS files,
       EXISTS (
           SELECT 1 FROM portfolio_confirmation c
           WHERE c.entry_id = w.id AND c.status = %(confirmed)s
       ) AS confirmed
FROM (
    SELECT e.id, e.submitted_at, e.enrolment_id, e.activity_id, n.student_id,
           count(*) OVER () AS total
    FROM portfolio_entry e
    JOIN portfolio_enrolment n ON n.id = e.enrolment_id
    WHERE n.programme_id = %(programme)s
      AND e.status = %(submitted)s
      -- What the person decides on: their own activities wait for another administrator.
      AND n.student_id <> %(user)s
    ORDER BY e.submitted_at, e.id
    LIMIT %(limit)s OFFSET %(offset)s
) w
JOIN activities_activity a ON a.id = w.activity_id
JOIN cil_user u ON u.id = w.student_id
ORDER BY w.submitted_at, w.id
"""


# One row of the queue. Written here rather than in the template: 25 rows of a dozen template
# variables each (the entry's id alone five times, localised as a number every time) cost more
# than the rest of the page's own work.
_ROW = (
    '<tr><td><input class="form-check-input" type="checkbox" name="entries" value="{pk}"'
    ' id="entry-{pk}" aria-labelledby="entry-{pk}-title entry-{pk}-student"></td>'
    '<td><a id="entry-{pk}-title" href="{url}">{title}</a>{notes}</td>'
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
    where: str
    submitted: str
    files: int
    # Of an activity that needs several engagements: how many the student has so far.
    engagements: ActivityProgress | None = None
    # An organiser has confirmed the student's part (portfolio/confirmations.py).
    confirmed: bool = False

    @property
    def html(self) -> SafeString:
        notes = ""
        if self.confirmed:
            notes = format_html(
                ' <span class="badge text-bg-success">{}</span>', _("Confirmed by the organiser")
            )
        if a := self.engagements:
            # The words of portfolio/_engagements.html, which the student's pages include.
            notes += format_html(
                '<span class="d-block small text-body-secondary">{}</span>',
                ngettext(
                    "%(n)s of %(required)s engagement",
                    "%(n)s of %(required)s engagements",
                    a.engagements_required,
                )
                % {"n": a.engagements, "required": a.engagements_required},
            )
        # Every text escaped; the numbers are numbers. (format_html's escaping of all eleven
        # arguments cost more than the rest of the row.)
        return mark_safe(  # noqa: S308 - every text below is escaped  # nosec B308 B703
            _ROW.format(
                pk=self.pk,
                url=escape(self.url),
                title=escape(self.title),
                notes=notes,
                student=escape(self.student),
                where=escape(self.where),
                submitted=escape(self.submitted),
                files=self.files,
            )
        )


class _Counted(Paginator):  # type: ignore[type-arg]
    """A paginator told the number of items: the page's own query counted them."""

    def __init__(self, count: int) -> None:
        super().__init__([], QUEUE_PAGE_SIZE)
        self._count = count

    @cached_property
    def count(self) -> int:
        return self._count


class _Waiting(NamedTuple):
    """A row of _PAGE_SQL, in the order it selects."""

    pk: int
    submitted_at: datetime.datetime
    enrolment_id: int
    activity_id: int
    total: int
    title_en: str
    title_nb: str
    location: str
    engagements_required: int
    student: str
    files: int
    confirmed: bool


def _fetch(*, programme: StudyProgramme, user: User, number: int) -> list[_Waiting]:
    with connection.cursor() as cursor:
        cursor.execute(
            _PAGE_SQL,
            {
                "programme": programme.pk,
                "user": user.pk,
                "submitted": Entry.Status.SUBMITTED.value,
                "confirmed": Confirmation.Status.CONFIRMED.value,
                "limit": QUEUE_PAGE_SIZE,
                "offset": (number - 1) * QUEUE_PAGE_SIZE,
            },
        )
        return [_Waiting(*row) for row in cursor.fetchall()]


def waiting_page(*, programme: StudyProgramme, user: User, number: str | None) -> Page[QueueRow]:
    """The page ``number`` of the queue (as Paginator.get_page: the first page when it is not
    a number, the last when it is past the end), with the number waiting."""
    try:
        wanted = int(number or 1)
    except ValueError:
        wanted = 1
    found = _fetch(programme=programme, user=user, number=wanted) if wanted >= 1 else []
    if not found and wanted != 1:  # out of range: the last page, if there is one
        first = _fetch(programme=programme, user=user, number=1)
        wanted = _Counted(first[0].total if first else 0).num_pages
        found = _fetch(programme=programme, user=user, number=wanted) if wanted > 1 else first
    paginator = _Counted(found[0].total if found else 0)
    # entry_review is "<the queue's address><entry>/": one reverse() instead of one a row.
    queue_url = reverse("certificates:entry_queue", args=[programme.code])
    places = {value: str(capfirst(label)) for value, label in Location.choices}
    # The language's date format looked up once, not once a row (date_format() does), and
    # each row's day formatted as a date (a datetime is set up with its time zone each time).
    short_date = get_format("SHORT_DATE_FORMAT")
    engagements = queue_engagements(
        [(w.pk, w.enrolment_id, w.activity_id) for w in found if w.engagements_required > 1]
    )
    rows = [
        QueueRow(
            pk=w.pk,
            url=f"{queue_url}{w.pk}/",
            title=in_language(w.title_en, w.title_nb),
            student=w.student,
            where=places[w.location],
            submitted=dateformat.format(localtime(w.submitted_at).date(), short_date),
            files=w.files,
            engagements=engagements.get(w.pk),
            confirmed=w.confirmed,
        )
        for w in found
    ]
    return Page(rows, wanted, paginator)
