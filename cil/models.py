from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from cil.validators import validate_person_name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        if not (extra["is_staff"] and extra["is_superuser"]):
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in: every user can be a student; staff roles come on top.

    People log in with their e-mail address. The full name is the one printed on a diploma,
    so it is one field, written as the person writes it, not split into first and last.
    """

    # Django's documented way to drop AbstractUser's fields; the stubs declare them as fields.
    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(
        _("full name"),
        max_length=200,
        help_text=_("Your name as it should appear on your diploma."),
        validators=[validate_person_name],
    )
    is_central_staff = models.BooleanField(
        _("central staff"),
        default=False,
        help_text=_(
            "Member of the central resource group: sees figures for every study programme, "
            "read-only."
        ),
    )

    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language of the e-mails the portal sends you."),
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    # AbstractUser declares Django's username-based UserManager; ours is the e-mail-based
    # BaseUserManager that Django documents for a custom user model.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class AuditEvent(models.Model):
    """One thing somebody did: a transition, a decision or a change of rules.

    Written by the service functions that make the change, in the same transaction, and never
    edited afterwards. ``subject`` is the student the event concerns, if any: they may read it.
    """

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("concerning"),
    )
    action = models.CharField(_("action"), max_length=60)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=40)
    target = GenericForeignKey("content_type", "object_id")
    from_state = models.CharField(_("from"), max_length=40, blank=True)
    to_state = models.CharField(_("to"), max_length=40, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    # The study programme the event belongs to (its primary key; the core names no app's
    # model). A programme's staff read a student's events of their own programme only.
    programme_pk = models.IntegerField(_("programme"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="audit_target_idx"),
            models.Index(fields=["subject", "programme_pk"], name="audit_subject_programme_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.content_type_id}:{self.object_id}"

    @property
    def label(self) -> str:
        """The action in words, in the active language."""
        from cil.audit import label

        return label(self.action)


class PendingInstitutionalLink(models.Model):
    """A link that central staff recorded, at a person's request, between their account and an
    institutional login they have not used here yet.

    The next sign-in at ``provider`` whose institutional id equals ``institutional_id`` is
    attached to ``user`` (cil.adapters.SocialAccountAdapter.pre_social_login), once, before
    ``expires_at``; ``used_at`` marks it used up.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="pending_institutional_links",
        verbose_name=_("account"),
    )
    provider = models.CharField(_("provider"), max_length=30)
    institutional_id = models.CharField(_("institutional id"), max_length=254)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("pending institutional link")
        verbose_name_plural = _("pending institutional links")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["provider", "institutional_id"], name="pending_link_lookup_idx")
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.institutional_id}"


class GraduationAddress(models.Model):
    """Which of a person's e-mail addresses is theirs for after graduation.

    An institutional login lapses soon after graduation, just when the diploma is wanted. The
    person's private address (an allauth ``EmailAddress`` of the account, verified by allauth's
    confirmation link) is where a one-time sign-in link is sent from then on (cil/signin_link.py),
    and a diploma is issued only once it is confirmed (CIL_DIPLOMA_REQUIRES_PRIVATE_EMAIL).
    Removing the address removes this record with it.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="graduation_address"
    )
    email_address = models.OneToOneField(
        "account.EmailAddress", on_delete=models.CASCADE, related_name="+"
    )
    chosen_at = models.DateTimeField(_("chosen"), auto_now=True)

    class Meta:
        verbose_name = _("address after graduation")
        verbose_name_plural = _("addresses after graduation")

    def __str__(self) -> str:
        return str(self.email_address.email)


class PrivacyNotice(models.Model):
    """One published version of the privacy notice, in both languages (Markdown).

    A version is never changed once published: a change is a new version, and everyone who
    accepted an older one is asked again (cil.privacy.PrivacyNoticeMiddleware).
    """

    version = models.PositiveIntegerField(_("version"), unique=True)
    text_en = models.TextField(_("text (English)"))
    text_nb = models.TextField(_("text (Norwegian)"))
    published_at = models.DateTimeField(_("published"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"privacy notice {self.version}"

    def text(self, language: str | None) -> str:
        """The text in ``language``, or in English where the Norwegian one is empty."""
        return (self.text_nb if (language or "").startswith("nb") else "") or self.text_en


class PrivacyAcceptance(models.Model):
    """A person has read and accepted one version of the privacy notice."""

    class Occasion(models.TextChoices):
        SIGNUP = "signup", _("at sign-up")
        SIGN_IN = "sign_in", _("at sign-in")
        DEMO = "demo", _("demo data")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="privacy_acceptances",
        verbose_name=_("person"),
    )
    notice = models.ForeignKey(
        PrivacyNotice,
        on_delete=models.PROTECT,
        related_name="acceptances",
        verbose_name=_("privacy notice"),
    )
    accepted_at = models.DateTimeField(_("accepted"), auto_now_add=True)
    occasion = models.CharField(_("when"), max_length=20, choices=Occasion.choices)

    class Meta:
        verbose_name = _("privacy notice acceptance")
        verbose_name_plural = _("privacy notice acceptances")
        ordering = ["-accepted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "notice"], name="privacy_accepted_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} accepted {self.notice_id}"
