"""How long each kind of personal data is kept, the warnings sent before files are removed,
and students' requests for erasure."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portfolio.models import Enrolment


class Kind(models.TextChoices):
    """A kind of data with its own retention period (months); defaults in
    ``settings.CIL_RETENTION_DEFAULTS``."""

    EVIDENCE = "evidence", _("evidence files and photos, after the diploma or withdrawal")
    IDLE_PORTFOLIO = (
        "idle_portfolio",
        _("portfolios of students who did nothing, after their last change"),
    )
    AUDIT = "audit", _("audit events")
    REMINDERS = "reminders", _("reminders sent to students")
    SHARE_VIEWS = "share_views", _("view counts of share links, after the last view")


class RetentionPeriod(models.Model):
    """Central staff's choice for one kind; a kind without a row uses the setting's default."""

    kind = models.CharField(_("kind of data"), max_length=30, choices=Kind.choices, unique=True)
    months = models.PositiveSmallIntegerField(_("months kept"))
    changed_at = models.DateTimeField(_("changed"), auto_now=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("changed by"),
    )

    class Meta:
        verbose_name = _("retention period")
        verbose_name_plural = _("retention periods")

    def __str__(self) -> str:
        return f"{self.kind}: {self.months}"


class RetentionWarning(models.Model):
    """The e-mail telling a student their files will be removed: sent once per enrolment and
    kind (the unique constraint makes a second run of the job send nothing)."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="+", verbose_name=_("enrolment")
    )
    kind = models.CharField(_("kind of data"), max_length=30, choices=Kind.choices)
    removal_on = models.DateField(_("to be removed on"))
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("retention warning")
        verbose_name_plural = _("retention warnings")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "kind"], name="one_retention_warning")
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} {self.kind} {self.removal_on}"


class ErasureRequest(models.Model):
    """A student's request that everything personal about them be erased.

    After the erasure the row stays, with the user row it points at anonymised, as the record
    that the request was carried out; ``reference`` is the opaque id the audit event names.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        ERASED = "erased", _("erased")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="erasure_requests",
        verbose_name=_("account"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    reason = models.TextField(
        _("anything we should know"),
        blank=True,
        help_text=_("Optional. This text is erased with everything else."),
    )
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("erased by"),
    )
    register_kept = models.BooleanField(_("diploma register kept"), null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status="pending"),
                name="one_pending_erasure_request",
            )
        ]

    def __str__(self) -> str:
        return f"{_('erasure request')} {self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING
