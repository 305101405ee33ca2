"""The final report and its versions, and the diploma."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from certificates.wordcount import count_words
from portfolio.models import Enrolment, Evidence


class FinalReport(models.Model):
    """The student's final report: a summary of the activities and one section per question.

    ``sections`` is a list of {"en": question, "nb": question, "text": answer}: the questions
    are copied from the programme when the report is started, so later edits of the
    programme's questions never change a report. Each submission is kept as a version.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("awaiting review")
        RETURNED = "returned", _("returned for changes")
        APPROVED = "approved", _("approved")

    enrolment = models.OneToOneField(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="final_report",
        verbose_name=_("enrolment"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    summary = models.TextField(_("summary of the activities"), blank=True)
    sections = models.JSONField(_("sections"), default=list)
    photos = models.ManyToManyField(
        Evidence, blank=True, related_name="+", verbose_name=_("photos")
    )
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("final report")
        verbose_name_plural = _("final reports")

    def __str__(self) -> str:
        return f"{_('final report')}: {self.enrolment}"

    @property
    def word_count(self) -> int:
        return count_words(self.summary, *(s.get("text", "") for s in self.sections))

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    def headed_sections(self) -> list[tuple[str, str]]:
        """(heading in the active language, text) for each section."""
        nb = (get_language() or "en").startswith("nb")
        return [
            ((s.get("nb") if nb and s.get("nb") else s["en"]), s.get("text", ""))
            for s in self.sections
        ]

    @property
    def audit_programme_id(self) -> int | None:
        """The programme whose staff read this object's audit events (cil.audit)."""
        return self.enrolment.programme_id


class ReportVersion(models.Model):
    """One submission of a final report, as it was sent, with the reviewer's decision."""

    class Decision(models.TextChoices):
        APPROVED = "approved", _("approved")
        RETURNED = "returned", _("returned for changes")

    report = models.ForeignKey(
        FinalReport,
        on_delete=models.CASCADE,
        related_name="versions",
        verbose_name=_("final report"),
    )
    number = models.PositiveSmallIntegerField(_("version"))
    summary = models.TextField(_("summary of the activities"))
    sections = models.JSONField(_("sections"))
    word_count = models.PositiveIntegerField(_("words"))
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    comment = models.TextField(_("comments from the reviewer"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    decided_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        verbose_name = _("final report version")
        verbose_name_plural = _("final report versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="unique_report_version"),
        ]

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"


def _verification_code() -> str:
    # 32 random bytes, URL-safe: 256 bits, far beyond guessing.
    return secrets.token_urlsafe(32)


STATUS_LIST_SIZE = 131_072  # entries; the Bitstring Status List minimum (16 KiB), for privacy


def _empty_bitstring() -> bytes:
    return bytes(STATUS_LIST_SIZE // 8)


class StatusList(models.Model):
    """A W3C Bitstring Status List: one bit per diploma, set when it is revoked.

    ``bits`` is the published bitstring (entry 0 is the left-most bit of the first byte);
    ``allocated`` marks the entries already given to a diploma, so that each diploma gets a
    random index no other has (see certificates/status_list.py). Both change only under a row
    lock on the list (``select_for_update``)."""

    class Purpose(models.TextChoices):
        REVOCATION = "revocation", _("revocation")

    purpose = models.CharField(
        _("purpose"), max_length=20, choices=Purpose.choices, default=Purpose.REVOCATION
    )
    size = models.PositiveIntegerField(_("entries"), default=STATUS_LIST_SIZE)
    bits = models.BinaryField(_("bitstring"), default=_empty_bitstring)
    allocated = models.BinaryField(_("allocated entries"), default=_empty_bitstring)
    used = models.PositiveIntegerField(_("entries in use"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    changed_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("status list")
        verbose_name_plural = _("status lists")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(used__lte=models.F("size")), name="status_list_not_overfull"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.pk}"

    @property
    def is_full(self) -> bool:
        return self.used >= self.size


class Diploma(models.Model):
    """An issued diploma. The PDF is rendered once, stored, and never rendered again.

    ``content`` is what the diploma says (name, programme, activities ...), kept as issued: the
    verification page shows it, so later edits of the portfolio or the catalogue change nothing.
    """

    class Language(models.TextChoices):
        EN = "en", _("English")
        NB = "nb", _("Norwegian bokmål")
        BOTH = "both", _("English and Norwegian bokmål")

    class Signature(models.TextChoices):
        """Whether the stored PDF carries the institution's seal (certificates/seal.py)."""

        UNSIGNED = "", _("not signed")
        PADES_B_B = "pades-b-b", _("sealed (PAdES B-B)")
        PADES_B_T = "pades-b-t", _("sealed and timestamped (PAdES B-T)")

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="diplomas", verbose_name=_("enrolment")
    )
    number = models.CharField(_("diploma number"), max_length=40, unique=True)
    code = models.CharField(
        _("verification code"), max_length=64, unique=True, default=_verification_code
    )
    language = models.CharField(
        _("language"), max_length=4, choices=Language.choices, default=Language.BOTH
    )
    content = models.JSONField(_("content"))
    pdf = models.FileField(_("PDF"), max_length=255)
    # Of the stored file, so of the signed file when it is signed: a copy is checked against it.
    sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, db_index=True)
    signature = models.CharField(
        _("signature"), max_length=12, choices=Signature.choices, blank=True, default=""
    )
    # The Open Badges 3.0 credential (certificates/credential.py), signed and stored at issue.
    # Diplomas issued before credentials existed have none.
    credential = models.FileField(_("verifiable credential"), max_length=255, blank=True)
    credential_sha256 = models.CharField(
        _("SHA-256 of the verifiable credential"), max_length=64, blank=True
    )
    issued_at = models.DateTimeField(_("issued"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    revocation_reason = models.TextField(_("reason for revoking"), blank=True)
    # Its entry in a status list (certificates/status_list.py); none for diplomas issued before.
    status_list = models.ForeignKey(
        StatusList,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="diplomas",
        verbose_name=_("status list"),
    )
    status_index = models.PositiveIntegerField(_("status list index"), null=True, blank=True)

    class Meta:
        verbose_name = _("diploma")
        verbose_name_plural = _("diplomas")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["status_list", "status_index"], name="one_diploma_per_status_entry"
            ),
            models.CheckConstraint(
                condition=models.Q(status_list__isnull=True, status_index__isnull=True)
                | models.Q(status_list__isnull=False, status_index__isnull=False),
                name="status_entry_whole",
            ),
            # At most one valid diploma per enrolment; revoked ones stay on record.
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_valid_diploma",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

    @property
    def audit_programme_id(self) -> int | None:
        """The programme whose staff read this object's audit events (cil.audit)."""
        return self.enrolment.programme_id


class DiplomaBatch(models.Model):
    """Diplomas issued together (a ceremony): worked through in the background, with progress."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting")
        RUNNING = "running", _("running")
        DONE = "done", _("done")

    programme = models.ForeignKey(
        "activities.StudyProgramme",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("study programme"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    language = models.CharField(_("language"), max_length=4, choices=Diploma.Language.choices)
    enrolment_ids = models.JSONField(_("students"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    done = models.PositiveIntegerField(_("issued"), default=0)
    failed = models.JSONField(_("not issued"), default=list)  # [{"enrolment": id, "reason": text}]
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("diploma batch")
        verbose_name_plural = _("diploma batches")

    def __str__(self) -> str:
        return f"{self.programme} {self.created_at:%Y-%m-%d}"

    @property
    def total(self) -> int:
        return len(self.enrolment_ids)

    @property
    def percent(self) -> int:
        handled = self.done + len(self.failed)
        return round(100 * handled / self.total) if self.total else 100


class Session(models.Model):
    """A scheduled CIL career course, or a gathering where students present (ceremony, poster
    session, seminar). Attending records the step for each attendee."""

    class Kind(models.TextChoices):
        CAREER_COURSE = "career_course", _("CIL career course")
        CEREMONY = "ceremony", _("presentation ceremony")
        POSTER = "poster", _("poster session")
        SEMINAR = "seminar", _("seminar")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    place = models.CharField(_("place"), max_length=200)
    capacity = models.PositiveSmallIntegerField(_("places"), default=30)
    programmes = models.ManyToManyField(
        "activities.StudyProgramme", related_name="+", verbose_name=_("study programmes invited")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    attendance_recorded_at = models.DateTimeField(_("attendance recorded"), null=True, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        # The label by value: get_kind_display() hashes every choice on each call, and the
        # student's home names each upcoming session twice.
        return self.title or str(self.Kind(self.kind).label)

    @property
    def is_career_course(self) -> bool:
        return self.kind == self.Kind.CAREER_COURSE


class SessionSignup(models.Model):
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="signups", verbose_name=_("session")
    )
    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="session_signups",
        verbose_name=_("enrolment"),
    )
    created_at = models.DateTimeField(_("signed up"), auto_now_add=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)

    class Meta:
        verbose_name = _("session sign-up")
        verbose_name_plural = _("session sign-ups")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "enrolment"], name="one_signup_per_session")
        ]

    def __str__(self) -> str:
        return f"{self.session}: {self.enrolment}"


DEFAULT_REMINDER = {
    "subject_en": "Your Certificate of International Learning",
    "subject_nb": "Ditt Certificate of International Learning",
    "body_en": "Hello {name},\n\nWe have not seen anything new in your CIL portfolio in "
    "{programme} for a while. Is there an activity to add, or a step to take? Your portfolio: "
    "{link}\n\nIf you have questions, answer this e-mail.",
    "body_nb": "Hei {name},\n\nDet er en stund siden det har skjedd noe i CIL-porteføljen din i "
    "{programme}. Har du en aktivitet å legge til, eller et steg å ta? Porteføljen din: {link}\n\n"
    "Har du spørsmål, svar på denne e-posten.",
}


class ReminderTemplate(models.Model):
    """A programme's reminder e-mail, in both languages; {name}, {programme} and {link} are
    filled in for each student."""

    programme = models.OneToOneField(
        "activities.StudyProgramme", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    subject_en = models.CharField(
        _("subject (English)"), max_length=200, default=DEFAULT_REMINDER["subject_en"]
    )
    subject_nb = models.CharField(
        _("subject (Norwegian bokmål)"), max_length=200, default=DEFAULT_REMINDER["subject_nb"]
    )
    body_en = models.TextField(_("text (English)"), default=DEFAULT_REMINDER["body_en"])
    body_nb = models.TextField(_("text (Norwegian bokmål)"), default=DEFAULT_REMINDER["body_nb"])

    class Meta:
        verbose_name = _("reminder template")
        verbose_name_plural = _("reminder templates")

    def __str__(self) -> str:
        return str(self.programme)


class Reminder(models.Model):
    """One reminder sent to one student; at most one a day per student and programme."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("enrolment")
    )
    sent_on = models.DateField(_("sent on"))
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            # Never the same reminder twice in a day, even if two administrators click at once.
            models.UniqueConstraint(fields=["enrolment", "sent_on"], name="one_reminder_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment} {self.sent_on}"


def _share_key() -> str:
    # The link's random id: the token is derived from it (certificates/sharing.py).
    return secrets.token_urlsafe(32)


class ShareLink(models.Model):
    """A link a student gives employers: their diploma (live status) and what they chose.

    The address's token is never stored: it is an HMAC of ``key`` under a key derived from
    SECRET_KEY (certificates/sharing.py), and only its SHA-256 is kept, to find the link.
    """

    class Language(models.TextChoices):
        EN = "en", _("English")
        NB = "nb", _("Norwegian bokmål")

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="share_links", verbose_name=_("enrolment")
    )
    key = models.CharField(max_length=64, unique=True, default=_share_key, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    label = models.CharField(
        _("label"),
        max_length=100,
        help_text=_("For you only, e.g. “Application to Equinor”. Visitors do not see it."),
    )
    language = models.CharField(
        _("language of the shared page"),
        max_length=2,
        choices=Language.choices,
        default=Language.EN,
        help_text=_("The page is shown in this language, whatever the visitor's browser asks."),
    )
    show_activities = models.BooleanField(
        _("list my approved activities"),
        default=True,
        help_text=_("Each approved activity with its dates, at home or abroad."),
    )
    reflections = models.ManyToManyField(
        "portfolio.Reflection",
        blank=True,
        related_name="+",
        verbose_name=_("reflections"),
        help_text=_("Only the reflections you tick are shown."),
    )
    photos = models.ManyToManyField(
        Evidence,
        blank=True,
        related_name="+",
        verbose_name=_("photos"),
        help_text=_("Only the photos you tick are shown."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_on = models.DateField(_("shared until"))
    revoked_at = models.DateTimeField(_("stopped"), null=True, blank=True)
    view_count = models.PositiveIntegerField(_("views"), default=0)
    last_viewed_at = models.DateTimeField(_("last viewed"), null=True, blank=True)

    class Meta:
        verbose_name = _("share link")
        verbose_name_plural = _("share links")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.label
