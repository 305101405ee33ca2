from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from activities.rules import RuleSet, Substitution


class BilingualNameMixin(models.Model):
    """A name kept in English and Norwegian bokmål; `name` gives the one for the active language."""

    name_en = models.CharField(_("name (English)"), max_length=200)
    name_nb = models.CharField(_("name (Norwegian bokmål)"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if (get_language() or "en").startswith("nb") and self.name_nb:
            return self.name_nb
        return self.name_en


class Faculty(BilingualNameMixin):
    code = models.SlugField(_("code"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("faculty")
        verbose_name_plural = _("faculties")
        ordering = ["name_en"]


class StudyProgrammeQuerySet(models.QuerySet["StudyProgramme"]):
    def administered_by(self, user: Any) -> StudyProgrammeQuerySet:
        if user.is_superuser:
            return self.all()
        return self.filter(roles__user=user, roles__role=ProgrammeRole.Role.ADMINISTRATOR)

    def reviewed_by(self, user: Any) -> StudyProgrammeQuerySet:
        if user.is_superuser:
            return self.all()
        return self.filter(roles__user=user, roles__role=ProgrammeRole.Role.REVIEWER)

    def with_group_counts(self) -> StudyProgrammeQuerySet:
        return self.annotate(
            admin_count=models.Count(
                "roles", filter=models.Q(roles__role=ProgrammeRole.Role.ADMINISTRATOR)
            ),
            reviewer_count=models.Count(
                "roles", filter=models.Q(roles__role=ProgrammeRole.Role.REVIEWER)
            ),
        )


class StudyProgramme(BilingualNameMixin):
    """A study programme that runs its own certificate, with its own rules."""

    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("Short code used in web addresses, e.g. 'bachelor-nursing'."),
    )
    faculty = models.ForeignKey(
        Faculty,
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name=_("faculty"),
    )
    signup_open = models.BooleanField(_("sign-up open"), default=True)
    # Certificate rules. The rules engine (issue #3) builds on these counts.
    min_activities = models.PositiveSmallIntegerField(
        _("minimum number of different activities"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    min_home = models.PositiveSmallIntegerField(
        _("minimum activities at home"), default=1, validators=[MaxValueValidator(20)]
    )
    min_abroad = models.PositiveSmallIntegerField(
        _("minimum activities abroad"),
        default=1,
        validators=[MaxValueValidator(20)],
        help_text=_("0 means going abroad is optional."),
    )
    career_course_required = models.BooleanField(_("career course required"), default=False)
    presentation_required = models.BooleanField(_("final presentation required"), default=True)
    # Activity sizes, as Lund's humanities faculty uses them: {"A": 1, "B": 2} asks for one A
    # and two B; a substitution [{"size": "C", "count": 3, "replaces": "B"}] lets three C
    # stand in for one B. Both empty for programmes that do not size their activities.
    size_requirements = models.JSONField(_("required activity sizes"), default=dict, blank=True)
    size_substitutions = models.JSONField(_("size substitutions"), default=list, blank=True)
    report_min_words = models.PositiveSmallIntegerField(
        _("final report: minimum words"), default=500
    )
    report_max_words = models.PositiveSmallIntegerField(
        _("final report: maximum words"), default=1000
    )

    objects = StudyProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("study programme")
        verbose_name_plural = _("study programmes")
        ordering = ["name_en"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    min_home__lte=models.F("min_activities") - models.F("min_abroad")
                ),
                name="home_and_abroad_within_activities",
            ),
            models.CheckConstraint(
                condition=models.Q(report_min_words__lte=models.F("report_max_words")),
                name="report_word_range_in_order",
            ),
        ]

    def ruleset(self) -> RuleSet:
        """The programme's rules as the rules engine reads them."""
        return RuleSet(
            min_activities=self.min_activities,
            min_home=self.min_home,
            min_abroad=self.min_abroad,
            career_course_required=self.career_course_required,
            presentation_required=self.presentation_required,
            size_requirements=self.size_requirements or {},
            substitutions=tuple(Substitution(**sub) for sub in self.size_substitutions or ()),
        )


class ProgrammeRole(models.Model):
    """A staff member's role in one programme's local resource group."""

    class Role(models.TextChoices):
        ADMINISTRATOR = "administrator", _("certificate administrator")
        REVIEWER = "reviewer", _("reviewer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="programme_roles",
        verbose_name=_("user"),
    )
    programme = models.ForeignKey(
        StudyProgramme,
        on_delete=models.CASCADE,
        related_name="roles",
        verbose_name=_("study programme"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        verbose_name = _("programme role")
        verbose_name_plural = _("programme roles")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "programme", "role"], name="unique_programme_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}, {self.get_role_display()}, {self.programme.code}"
