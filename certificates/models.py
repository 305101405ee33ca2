"""The final report and its versions (the diploma and sessions follow)."""

from __future__ import annotations

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
