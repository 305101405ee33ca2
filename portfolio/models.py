"""A student's enrolment in a programme's certificate and their personal digital portfolio."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from activities.models import Activity, Location, StudyProgramme
from activities.rules import CompletedEntry, RuleSet
from activities.rules import Location as RuleLocation
from portfolio.uploads import stored_extension


class EnrolmentQuerySet(models.QuerySet["Enrolment"]):
    def active(self) -> EnrolmentQuerySet:
        return self.filter(status=Enrolment.Status.ACTIVE)


class Enrolment(models.Model):
    """A student's sign-up for the certificate in one study programme.

    ``rules`` keeps the programme's rules as they were on the day of sign-up (RuleSet.to_dict):
    a later change of the programme's rules never moves a student who is on the way.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("signed up")
        WITHDRAWN = "withdrawn", _("withdrawn")
        COMPLETED = "completed", _("completed")

    class Stage(models.TextChoices):
        # How far the student has come; only certificates/workflow/stages.py moves it.
        ENROLLED = "enrolled", _("collecting activities")
        ACTIVITIES_REQUESTED = "activities_requested", _("activities sent for final approval")
        ACTIVITIES_APPROVED = "activities_approved", _("writing the final report")
        REPORT_APPROVED = "report_approved", _("final report approved")
        PRESENTED = "presented", _("presented")
        CERTIFIED = "certified", _("diploma issued")

    class Term(models.TextChoices):
        SPRING = "spring", _("spring")
        AUTUMN = "autumn", _("autumn")

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("student"),
    )
    programme = models.ForeignKey(
        StudyProgramme,
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("study programme"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    stage = models.CharField(
        _("stage"), max_length=30, choices=Stage.choices, default=Stage.ENROLLED
    )
    rules = models.JSONField(_("rules when signing up"))
    expected_term = models.CharField(
        _("expected completion term"), max_length=10, choices=Term.choices
    )
    expected_year = models.PositiveSmallIntegerField(
        _("expected completion year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    terms_accepted_at = models.DateTimeField(_("terms accepted"))
    created_at = models.DateTimeField(_("signed up"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawing"), blank=True)
    activities_requested_at = models.DateTimeField(
        _("final approval of activities asked for"), null=True, blank=True
    )
    activities_approved_at = models.DateTimeField(_("activities approved"), null=True, blank=True)
    activities_comment = models.TextField(
        _("comment on the activities from the certificate administrator"), blank=True
    )
    career_course_on = models.DateField(_("CIL career course completed"), null=True, blank=True)
    presented_on = models.DateField(_("presented"), null=True, blank=True)
    presentation_form = models.CharField(_("form of presentation"), max_length=20, blank=True)
    presentation_note = models.TextField(_("note on the presentation"), blank=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "programme"],
                condition=models.Q(status="active"),
                name="one_active_enrolment_per_programme",
            ),
        ]
        indexes = [
            # A programme's enrolments as ids alone (index-only): the review queue and
            # figures join through them, and an enrolment row is wide (its rule set). With the
            # student, so that the queue's "not your own" needs no visit to the rows either.
            models.Index(
                fields=["programme", "id"], include=["student"], name="enrolment_programme_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student}, {self.programme}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def ruleset(self) -> RuleSet:
        return RuleSet.from_dict(self.rules)

    @property
    def expected_completion(self) -> str:
        return f"{self.Term(self.expected_term).label} {self.expected_year}"

    @property
    def audit_programme_id(self) -> int | None:
        """The programme whose staff read this object's audit events (cil.audit)."""
        return self.programme_id


class EntryQuerySet(models.QuerySet["Entry"]):
    def for_progress(self) -> EntryQuerySet:
        return self.select_related("activity")


# The badge colour of each entry status (the rest, drafts, grey).
_STATUS_BADGES = {
    "approved": "text-bg-success",
    "submitted": "text-bg-primary",
    "returned": "text-bg-danger",
    "rejected": "text-bg-danger",
}


class Entry(models.Model):
    """One activity in the portfolio: what, when, where, with evidence, diary and reflection."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("awaiting approval")
        RETURNED = "returned", _("returned for changes")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    EDITABLE = (Status.DRAFT, Status.RETURNED)

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="entries", verbose_name=_("enrolment")
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, related_name="entries", verbose_name=_("activity")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"), null=True, blank=True)
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=100, blank=True)
    host = models.CharField(_("host institution or organiser"), max_length=200, blank=True)
    description = models.TextField(
        _("what you did"), help_text=_("A few sentences: what you did and with whom.")
    )
    engagements = models.PositiveSmallIntegerField(
        _("engagements"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("How many times you took part, e.g. 2 of the 3 guest lectures."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    review_comment = models.TextField(_("comment from the certificate administrator"), blank=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("portfolio entry")
        verbose_name_plural = _("portfolio entries")
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="entry_ends_after_it_starts",
            ),
        ]
        indexes = [
            # The review queues: what waits in a programme, oldest first. A small part of all
            # entries, and on PostgreSQL the queue is found from the index alone.
            models.Index(
                fields=["enrolment", "submitted_at"],
                include=["id", "activity"],
                condition=models.Q(status="submitted"),
                name="entry_waiting_idx",
            ),
        ]

    def __str__(self) -> str:
        return str(self.activity)

    @property
    def status_badge(self) -> str:
        """The Bootstrap badge class its status is shown in, wherever it is listed."""
        return _STATUS_BADGES.get(self.status, "text-bg-secondary")

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def location(self) -> str:
        return self.activity.location

    @property
    def is_abroad(self) -> bool:
        return self.activity.location == Location.ABROAD

    def as_completed(self) -> CompletedEntry:
        """This entry as the rules engine reads it."""
        return CompletedEntry(
            activity_key=self.activity_id,
            location=RuleLocation(self.activity.location),
            engagements=self.engagements,
            engagements_required=self.activity.engagements_required,
            size=self.activity.size or None,
            label=self.activity.title,
        )

    @property
    def audit_programme_id(self) -> int | None:
        """The programme whose staff read this object's audit events (cil.audit)."""
        return self.enrolment.programme_id


class DiaryNote(models.Model):
    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="notes", verbose_name=_("entry")
    )
    written_on = models.DateField(_("date"))
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("diary note")
        verbose_name_plural = _("diary notes")
        ordering = ["written_on", "pk"]

    def __str__(self) -> str:
        return f"{self.written_on}: {self.text[:40]}"


class Reflection(models.Model):
    """The student's reflection on one activity.

    ``answers`` is a list of {"en": question, "nb": question, "answer": text}: the questions are
    copied from the programme when the reflection is written, so editing the programme's
    questions later never changes what the student answered.
    """

    entry = models.OneToOneField(
        Entry, on_delete=models.CASCADE, related_name="reflection", verbose_name=_("entry")
    )
    answers = models.JSONField(_("answers"), default=list)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("reflection")
        verbose_name_plural = _("reflections")

    def __str__(self) -> str:
        return f"{_('reflection')}: {self.entry}"

    @property
    def is_complete(self) -> bool:
        return bool(self.answers) and all(a.get("answer", "").strip() for a in self.answers)

    def word_count(self) -> int:
        return sum(len(a.get("answer", "").split()) for a in self.answers)


def _private_name(instance: Any, filename: str) -> str:
    # Services always pass a generated name; this keeps any other path private and unguessable.
    return f"evidence/{uuid.uuid4().hex}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    """A file that shows the student took part: a proof of participation or a photo.

    Stored in private storage under a generated name; served only by a view that checks who is
    asking. ``original_name`` is the file's name as uploaded, made safe for display.
    """

    class Kind(models.TextChoices):
        PROOF = "proof", _("proof of participation")
        PHOTO = "photo", _("photo")

    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("entry")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=_private_name, max_length=255)
    thumbnail = models.FileField(
        _("thumbnail"), upload_to=_private_name, max_length=255, blank=True
    )
    content_type = models.CharField(_("type"), max_length=100)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    # Recorded at upload, so `manage.py check_integrity` can tell a changed file; empty only
    # where a file was already missing when the checksums were first computed.
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    thumbnail_sha256 = models.CharField(_("SHA-256 of the thumbnail"), max_length=64, blank=True)
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def download_name(self) -> str:
        """The name to offer on download: the original name with the stored type's extension."""
        stem = self.original_name.rsplit(".", 1)[0] or "file"
        return stem + stored_extension(self.content_type)


class ConfirmationQuerySet(models.QuerySet["Confirmation"]):
    def open(self) -> ConfirmationQuerySet:
        """Requests the organiser may still answer: not answered, withdrawn or expired."""
        return self.filter(status=Confirmation.Status.OPEN, expires_at__gt=timezone.now())

    def shown(self) -> ConfirmationQuerySet:
        """What the entry's pages list: every request but those the student withdrew."""
        return self.exclude(status=Confirmation.Status.WITHDRAWN).order_by("-created_at", "-pk")


class Confirmation(models.Model):
    """A student's request that the organiser of an activity confirm their part in it.

    The organiser answers through a mailed link without an account. Only the SHA-256 of the
    link's token is kept (``token_hash``); the token itself is made by the task that sends the
    mail and exists nowhere else (portfolio/confirmations.py).
    """

    class Status(models.TextChoices):
        OPEN = "open", _("waiting for the organiser")
        CONFIRMED = "confirmed", _("confirmed")
        DECLINED = "declined", _("declined")
        WITHDRAWN = "withdrawn", _("withdrawn")

    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="confirmations", verbose_name=_("entry")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    token_hash = models.CharField(
        _("token hash"), max_length=64, unique=True, null=True, blank=True, editable=False
    )
    organiser_name = models.CharField(_("organiser's name"), max_length=200)
    organiser_email = models.EmailField(_("organiser's e-mail address"))
    message = models.TextField(_("message to the organiser"), blank=True)
    language = models.CharField(
        _("language of the e-mail"), max_length=5, choices=settings.LANGUAGES
    )
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    expires_at = models.DateTimeField(_("link valid until"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    role = models.CharField(_("organiser's role"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    comment = models.TextField(_("organiser's comment"), blank=True)

    objects = ConfirmationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organiser's confirmation")
        verbose_name_plural = _("organisers' confirmations")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The review queue marks entries with a confirmation: found from the index alone.
            models.Index(
                fields=["entry"],
                condition=models.Q(status="confirmed"),
                name="confirmation_confirmed_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organiser_name}: {self.entry}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN and self.expires_at > timezone.now()


class StaffAccess(models.Model):
    """Somebody other than the student opened a part of their portfolio (portfolio/access_log.py).

    One row per page view or download, without any of the content: who, whose, what (kind and
    id), when, and in which role. The student reads their own under "Who has seen my
    portfolio". Kept as long as the audit trail (``at`` is indexed for the retention job).
    """

    class Kind(models.TextChoices):
        EVIDENCE = "evidence", _("evidence file")
        ENTRY = "entry", _("activity with diary notes and reflection")
        REPORT = "report", _("final report")
        STUDENT = "student", _("progress and history")

    class Role(models.TextChoices):
        ADMINISTRATOR = "administrator", _("certificate administrator")
        REVIEWER = "reviewer", _("reviewer")
        CENTRAL = "central", _("central staff")
        SUPERUSER = "superuser", _("system administrator")
        OTHER = "other", _("other")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("who"),
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_accesses",
        verbose_name=_("student"),
    )
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="+", verbose_name=_("enrolment")
    )
    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(_("object"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("staff access")
        verbose_name_plural = _("staff accesses")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["student", "-at"], name="staff_access_student_idx")]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.kind}:{self.object_id} of {self.student_id}"
