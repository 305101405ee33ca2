"""Reads for the portfolio: the student's progress towards the diploma, and scoped lookups."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.db.models import Count, Prefetch, QuerySet, prefetch_related_objects
from django.http import Http404
from django.utils.translation import gettext as _

from activities.models import StudyProgramme
from activities.roles import is_programme_admin, is_programme_reviewer
from activities.rules import ActivityProgress, Progress, evaluate
from cil.models import User
from portfolio.models import Confirmation, Enrolment, Entry, Evidence

_ENROLMENT_FIELDS = tuple(field.name for field in Enrolment._meta.concrete_fields)


def enrolment_columns(prefix: str = "") -> list[str]:
    """Every column of an enrolment and, of its programme, what pages name it by (code and
    names), under ``prefix`` (``"enrolment__"`` from a row that points at the enrolment): for
    ``only()`` on a query that joins the programme only to name it."""
    own = (*_ENROLMENT_FIELDS, "programme__code", "programme__name_en", "programme__name_nb")
    return [prefix + name for name in own]


@dataclass(frozen=True)
class Step:
    label: str
    done: bool
    detail: str = ""


@dataclass(frozen=True)
class StudentProgress:
    """Where an enrolled student stands: from approved entries, and with those awaiting approval."""

    approved: Progress
    with_pending: Progress
    steps: list[Step]

    # Read several times by the progress bar and its legend: worked out once.
    @cached_property
    def approved_percent(self) -> int:
        return round(self.approved.fraction * 100)

    @cached_property
    def pending_percent(self) -> int:
        """The extra share the entries awaiting approval would add."""
        return max(0, round(self.with_pending.fraction * 100) - self.approved_percent)

    # The bar's words, made here rather than by {% blocktranslate %} in the template, which
    # costs several times as much for the same text.
    @cached_property
    def bar_label(self) -> str:
        return _("Activities: %(a)s%% approved, %(p)s%% more awaiting approval") % {
            "a": self.approved_percent,
            "p": self.pending_percent,
        }

    @cached_property
    def approved_label(self) -> str:
        return _("%(n)s%% approved") % {"n": self.approved_percent}

    @cached_property
    def pending_label(self) -> str:
        return _("%(n)s%% awaiting approval") % {"n": self.pending_percent}

    @property
    def partial(self) -> list[ActivityProgress]:
        """Approved activities that do not count yet: too few of their engagements approved."""
        return [a for a in self.approved.activities if not a.counted]


def engagements(enrolment: Enrolment, entries: list[Entry]) -> dict[int, ActivityProgress]:
    """Each activity's engagements recorded in the portfolio (every entry not rejected), by
    activity id: what "1 of 3" on the student's pages says. ``entries`` with their activities."""
    recorded = [e.as_completed() for e in entries if e.status != Entry.Status.REJECTED]
    return {int(a.activity_key): a for a in evaluate(enrolment.ruleset(), recorded).activities}


def queue_engagements(rows: list[tuple[int, int, int]]) -> dict[int, ActivityProgress]:
    """For rows of a review queue, ``(entry id, enrolment id, activity id)`` of activities that
    need more than one engagement: by entry id, that activity's engagements in the student's
    portfolio, approved or awaiting approval. One query for the whole page."""
    wanted = {(enrolment_id, activity_id) for _, enrolment_id, activity_id in rows}
    if not wanted:
        return {}
    related = Entry.objects.filter(
        enrolment_id__in={pair[0] for pair in wanted},
        activity_id__in={pair[1] for pair in wanted},
        status__in=[Entry.Status.APPROVED, Entry.Status.SUBMITTED],
    ).select_related("activity", "enrolment")
    by_enrolment: dict[int, list[Entry]] = {}
    for entry in related:
        if (entry.enrolment_id, entry.activity_id) in wanted:
            by_enrolment.setdefault(entry.enrolment_id, []).append(entry)
    found: dict[tuple[int, int], ActivityProgress] = {}
    for enrolment_id, own in by_enrolment.items():
        progress = evaluate(own[0].enrolment.ruleset(), [e.as_completed() for e in own])
        found.update({(enrolment_id, int(a.activity_key)): a for a in progress.activities})
    return {
        pk: found[(enrolment_id, activity_id)]
        for pk, enrolment_id, activity_id in rows
        if (enrolment_id, activity_id) in found
    }


Stage = Enrolment.Stage
_STAGE_ORDER: list[str] = [
    Stage.ENROLLED,
    Stage.ACTIVITIES_REQUESTED,
    Stage.ACTIVITIES_APPROVED,
    Stage.REPORT_APPROVED,
    Stage.PRESENTED,
    Stage.CERTIFIED,
]


def _reached(enrolment: Enrolment, stage: str) -> bool:
    return _STAGE_ORDER.index(enrolment.stage) >= _STAGE_ORDER.index(stage)


def progress_for(enrolment: Enrolment, entries: list[Entry]) -> StudentProgress:
    """Progress from the rules recorded at sign-up; ``entries`` with their activities loaded."""
    rules = enrolment.ruleset()
    approved = [e for e in entries if e.status == Entry.Status.APPROVED]
    pending = [e for e in entries if e.status == Entry.Status.SUBMITTED]
    done = evaluate(rules, [e.as_completed() for e in approved])
    hoped = evaluate(rules, [e.as_completed() for e in [*approved, *pending]])
    activity_detail = _(
        "%(done)d of %(required)d approved (%(home)d at home, %(abroad)d abroad)"
    ) % {
        "done": done.counted,
        "required": done.required,
        "home": done.home,
        "abroad": done.abroad,
    }
    steps = [
        Step(_("Signed up"), True, enrolment.programme.name),
        Step(
            _("Activities approved"),
            _reached(enrolment, Stage.ACTIVITIES_APPROVED),
            activity_detail,
        ),
    ]
    if rules.career_course_required:
        steps.append(Step(_("CIL career course"), enrolment.career_course_on is not None))
    steps.append(Step(_("Final report approved"), _reached(enrolment, Stage.REPORT_APPROVED)))
    if rules.presentation_required:
        steps.append(Step(_("Final presentation"), enrolment.presented_on is not None))
    steps.append(Step(_("Diploma issued"), enrolment.stage == Stage.CERTIFIED))
    # The next step also reads the final report, sessions and diplomas: the certificate layer
    # derives it (certificates.next_step), from this progress.
    return StudentProgress(done, hoped, steps)


def student_entries(enrolment: Enrolment) -> list[Entry]:
    """The enrolment's entries with what the portfolio pages show, in a fixed number of queries."""
    return list(
        enrolment.entries.select_related("activity", "reflection").prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at")), "notes"
        )
    )


def with_confirmations(entries: list[Entry]) -> list[Entry]:
    """The entries, each with ``shown_confirmations`` (newest first, withdrawn ones left out):
    one query for them all."""
    prefetch_related_objects(
        entries,
        Prefetch(
            "confirmations", queryset=Confirmation.objects.shown(), to_attr="shown_confirmations"
        ),
    )
    return entries


# What the home page and the progress read of an entry and its activity: the rest (the
# description, the review comment) is left in the database.
OVERVIEW_FIELDS = (
    "enrolment_id",
    "activity_id",
    "status",
    "started_on",
    "country",
    "engagements",
    "activity__title_en",
    "activity__title_nb",
    "activity__location",
    "activity__engagements_required",
    "activity__size",
)


def overview_entries() -> QuerySet[Entry]:
    """Entries as the home page lists them, with ``file_count``, their activities and no more
    columns than it shows."""
    return (
        Entry.objects.select_related("activity")
        .only(*OVERVIEW_FIELDS)
        .annotate(file_count=Count("evidence"))
    )


def entries_overview(enrolment: Enrolment) -> list[Entry]:
    """The enrolment's entries as the home page lists them, with ``file_count``: one query,
    none when the home page prefetched them (``Prefetch("entries", overview_entries())``)."""
    if "entries" in getattr(enrolment, "_prefetched_objects_cache", {}):
        return list(enrolment.entries.all())
    return list(overview_entries().filter(enrolment=enrolment))


# --- Scoped lookups ----------------------------------------------------------------------------


def own_enrolment(user: User, pk: int) -> Enrolment:
    try:
        return Enrolment.objects.select_related("programme").get(pk=pk, student=user)
    except Enrolment.DoesNotExist:
        raise Http404 from None


def own_entry(user: User, pk: int, *, with_reflection: bool = False) -> Entry:
    """An entry of the signed-in student's own portfolio, or 404 (never 403: no hint it exists).
    ``with_reflection``: its reflection (or that it has none) read in the same query, for a page
    that only shows it."""
    related = ["activity", "enrolment__programme"] + (["reflection"] if with_reflection else [])
    try:
        return Entry.objects.select_related(*related).get(pk=pk, enrolment__student=user)
    except Entry.DoesNotExist:
        raise Http404 from None


def viewable_evidence(user: User, pk: int) -> Evidence:
    """Evidence the user may see: their own, or of a student in a programme they administer
    or review. Anyone else gets 404."""
    try:
        evidence = Evidence.objects.select_related("entry__enrolment__programme").get(pk=pk)
    except Evidence.DoesNotExist:
        raise Http404 from None
    enrolment = evidence.entry.enrolment
    if enrolment.student_id == user.pk:
        return evidence
    if is_programme_admin(user, enrolment.programme) or is_programme_reviewer(
        user, enrolment.programme
    ):
        return evidence
    raise Http404


def programme_enrolments(programme: StudyProgramme) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(programme=programme)
        .select_related("student")
        .order_by("-created_at")
    )
