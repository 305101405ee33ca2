from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from activities.rules import DEFAULT_RULES, RuleSet

if TYPE_CHECKING:
    from cil.models import User

# The reflection questions of the source documents (Lund toolkit): asked after each activity,
# and used as the headings of the final report. Programmes may edit them.
# The eduPerson affiliations a programme may require to sign up (cil.identity.AFFILIATIONS).
AFFILIATION_CHOICES = [
    ("student", _("student")),
    ("staff", _("staff")),
    ("employee", _("employee")),
    ("faculty", _("faculty (academic staff)")),
    ("member", _("member")),
    ("affiliate", _("affiliate")),
]

DEFAULT_ACTIVITY_QUESTIONS = [
    {
        "en": "How has your participation contributed to an expansion of your global perspective "
        "in relation to your education and your future profession?",
        "nb": "Hvordan har deltakelsen bidratt til å utvide ditt globale perspektiv med tanke på "
        "utdanningen din og ditt framtidige yrke?",
    },
    {
        "en": "How can the experience be applied in different cross-cultural situations?",
        "nb": "Hvordan kan erfaringen brukes i ulike tverrkulturelle situasjoner?",
    },
]
DEFAULT_REPORT_QUESTIONS = [
    DEFAULT_ACTIVITY_QUESTIONS[0],
    {
        "en": "What has your participation taught you in relation to your education and future "
        "profession?",
        "nb": "Hva har deltakelsen lært deg med tanke på utdanningen din og ditt framtidige yrke?",
    },
    DEFAULT_ACTIVITY_QUESTIONS[1],
    {
        "en": "What has been most rewarding and interesting about collecting international merits?",
        "nb": "Hva har vært mest givende og interessant med å samle internasjonale meritter?",
    },
]


def default_activity_questions() -> list[dict[str, str]]:
    return [dict(q) for q in DEFAULT_ACTIVITY_QUESTIONS]


def default_report_questions() -> list[dict[str, str]]:
    return [dict(q) for q in DEFAULT_REPORT_QUESTIONS]


def in_language(en: str, nb: str) -> str:
    """The bokmål text when bokmål is active and the text exists, else the English one."""
    if (get_language() or "en").startswith("nb") and nb:
        return nb
    return en


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
        return in_language(self.name_en, self.name_nb)


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

    def offering_certificate(self) -> StudyProgrammeQuerySet:
        """Programmes shown to the public: with their catalogue size, in name order."""
        return (
            self.select_related("faculty")
            .annotate(
                activity_count=models.Count(
                    "activities",
                    filter=models.Q(
                        activities__archived_at__isnull=True,
                        activities__private_to__isnull=True,
                    ),
                    distinct=True,
                )
            )
            .order_by("name_en")
        )

    def with_group_counts(self) -> StudyProgrammeQuerySet:
        return self.annotate(
            admin_count=models.Count(
                "roles", filter=models.Q(roles__role=ProgrammeRole.Role.ADMINISTRATOR)
            ),
            reviewer_count=models.Count(
                "roles", filter=models.Q(roles__role=ProgrammeRole.Role.REVIEWER)
            ),
        )


# Each `RuleSet` field and the programme's field that keeps it.
RULESET_FIELDS = {
    "min_activities": "min_activities",
    "min_home": "min_home",
    "min_abroad": "min_abroad",
    "career_course_required": "career_course_required",
    "presentation_required": "presentation_required",
    "size_requirements": "size_requirements",
    "substitutions": "size_substitutions",
    "report_min_words": "report_min_words",
    "report_max_words": "report_max_words",
}


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
    # eduPerson affiliations (cil.identity.AFFILIATIONS) of which a student's institutional
    # login must give one to sign up; empty: anyone. It only restricts: no role comes from it.
    signup_affiliations = models.JSONField(_("sign-up limited to"), default=list, blank=True)
    # Certificate rules: where a programme keeps its `RuleSet`, whose defaults are used here.
    min_activities = models.PositiveSmallIntegerField(
        _("minimum number of different activities"),
        default=DEFAULT_RULES.min_activities,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    min_home = models.PositiveSmallIntegerField(
        _("minimum activities at home"),
        default=DEFAULT_RULES.min_home,
        validators=[MaxValueValidator(20)],
    )
    min_abroad = models.PositiveSmallIntegerField(
        _("minimum activities abroad"),
        default=DEFAULT_RULES.min_abroad,
        validators=[MaxValueValidator(20)],
        help_text=_("0 means going abroad is optional."),
    )
    career_course_required = models.BooleanField(
        _("career course required"), default=DEFAULT_RULES.career_course_required
    )
    presentation_required = models.BooleanField(
        _("final presentation required"), default=DEFAULT_RULES.presentation_required
    )
    # Activity sizes, as Lund's humanities faculty uses them: {"A": 1, "B": 2} asks for one A
    # and two B; a substitution [{"size": "C", "count": 3, "replaces": "B"}] lets three C
    # stand in for one B. Both empty for programmes that do not size their activities.
    size_requirements = models.JSONField(_("required activity sizes"), default=dict, blank=True)
    size_substitutions = models.JSONField(_("size substitutions"), default=list, blank=True)
    report_min_words = models.PositiveSmallIntegerField(
        _("final report: minimum words"), default=DEFAULT_RULES.report_min_words
    )
    report_max_words = models.PositiveSmallIntegerField(
        _("final report: maximum words"), default=DEFAULT_RULES.report_max_words
    )
    # Lists of {"en": ..., "nb": ...}. A student's reflection and final report copy the
    # questions they answered, so editing these never changes what was written before.
    activity_questions = models.JSONField(
        _("reflection questions after each activity"), default=default_activity_questions
    )
    report_questions = models.JSONField(
        _("final report questions (headings)"), default=default_report_questions
    )

    objects = StudyProgrammeQuerySet.as_manager()

    # The certificate rules, as administrators edit them and the audit trail records them.
    RULE_FIELDS = (
        "signup_open",
        "signup_affiliations",
        "min_activities",
        "min_home",
        "min_abroad",
        "career_course_required",
        "presentation_required",
        "report_min_words",
        "report_max_words",
        "size_requirements",
        "size_substitutions",
    )

    class Meta:
        verbose_name = _("study programme")
        verbose_name_plural = _("study programmes")
        ordering = ["name_en"]
        # The rules engine's own checks, for writes that skip validation (scripts, fixtures);
        # forms get their messages from `clean()`, which asks the engine.
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

    def _rules_as_dict(self) -> dict[str, Any]:
        """The programme's rules in the form of `RuleSet.to_dict()`."""
        values = {rule: getattr(self, name) for rule, name in RULESET_FIELDS.items()}
        values["size_requirements"] = self.size_requirements or {}
        values["substitutions"] = self.size_substitutions or []
        return values

    @property
    def signup_affiliation_labels(self) -> list[str]:
        """The required affiliations in words, in the active language."""
        labels = dict(AFFILIATION_CHOICES)
        return [str(labels.get(value, value)) for value in self.signup_affiliations or []]

    def ruleset(self) -> RuleSet:
        """The programme's rules as the rules engine reads them; `RuleError` if it cannot."""
        return RuleSet.from_dict(self._rules_as_dict())

    def clean(self) -> None:
        """Refuse, by field, rules the rules engine cannot hold."""
        errors = RuleSet.errors_in(self._rules_as_dict())
        if errors:
            raise ValidationError({RULESET_FIELDS[rule]: msgs for rule, msgs in errors.items()})

    def staff(self, role: str) -> models.QuerySet[User]:
        """The active members of the programme's local resource group with ``role``."""
        return (
            get_user_model()
            .objects.filter(
                programme_roles__programme=self, programme_roles__role=role, is_active=True
            )
            .distinct()
        )

    @property
    def sizes(self) -> list[str]:
        """Every activity size the programme's rules name, in order."""
        names = list(self.size_requirements or {})
        for sub in self.size_substitutions or ():
            if sub["size"] not in names:
                names.append(sub["size"])
        return names

    def activity_question_texts(self) -> list[str]:
        return [in_language(q["en"], q.get("nb", "")) for q in self.activity_questions]

    def report_question_texts(self) -> list[str]:
        return [in_language(q["en"], q.get("nb", "")) for q in self.report_questions]

    @property
    def audit_programme_id(self) -> int | None:
        """The programme whose staff read this object's audit events (cil.audit)."""
        return self.pk


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


class ProgrammePage(models.Model):
    """The text of a programme's public page, in Markdown, written by its administrators."""

    SECTIONS = {
        "introduction": _("About the certificate"),
        "signing_up": _("How to sign up"),
        "portfolio": _("How the portfolio works"),
        "leadership_statement": _("From the academic leadership"),
        "employer_statement": _("To future employers"),
        "contacts": _("Contacts"),
    }

    programme = models.OneToOneField(
        StudyProgramme,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="page",
        verbose_name=_("study programme"),
    )
    introduction_en = models.TextField(_("about the certificate (English)"), blank=True)
    introduction_nb = models.TextField(_("about the certificate (Norwegian bokmål)"), blank=True)
    signing_up_en = models.TextField(_("how to sign up (English)"), blank=True)
    signing_up_nb = models.TextField(_("how to sign up (Norwegian bokmål)"), blank=True)
    portfolio_en = models.TextField(_("how the portfolio works (English)"), blank=True)
    portfolio_nb = models.TextField(_("how the portfolio works (Norwegian bokmål)"), blank=True)
    leadership_statement_en = models.TextField(
        _("statement from the academic leadership (English)"), blank=True
    )
    leadership_statement_nb = models.TextField(
        _("statement from the academic leadership (Norwegian bokmål)"), blank=True
    )
    employer_statement_en = models.TextField(
        _("statement to future employers (English)"), blank=True
    )
    employer_statement_nb = models.TextField(
        _("statement to future employers (Norwegian bokmål)"), blank=True
    )
    contacts_en = models.TextField(_("contacts (English)"), blank=True)
    contacts_nb = models.TextField(_("contacts (Norwegian bokmål)"), blank=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("programme page")
        verbose_name_plural = _("programme pages")

    def __str__(self) -> str:
        return str(self.programme)

    def sections(self) -> list[tuple[str, str, str]]:
        """(key, heading, Markdown) for each section with text, in the active language."""
        result = []
        for key, heading in self.SECTIONS.items():
            text = in_language(getattr(self, f"{key}_en"), getattr(self, f"{key}_nb"))
            if text.strip():
                result.append((key, str(heading), text))
        return result


class Location(models.TextChoices):
    # The values are the rules engine's (activities.rules.Location).
    HOME = "home", _("at home")
    ABROAD = "abroad", _("abroad")


class Category(models.TextChoices):
    LANGUAGE_CAFE = "language_cafe", _("language café or club")
    MENTORING = "mentoring", _("mentoring international students")
    GUEST_LECTURE = "guest_lecture", _("guest lecture on a global topic")
    VIRTUAL_EXCHANGE = "virtual_exchange", _("virtual exchange")
    EXCHANGE_STUDIES = "exchange_studies", _("exchange studies")
    THESIS_ABROAD = "thesis_abroad", _("data collection or thesis work abroad")
    SUMMER_COURSE = "summer_course", _("summer course")
    CONFERENCE = "conference", _("conference or workshop")
    SHORT_MOBILITY = "short_mobility", _("short-term mobility visit")
    VOLUNTEER = "volunteer", _("volunteer work")
    OTHER = "other", _("other")


class Curriculum(models.TextChoices):
    FORMAL = "formal", _("formal curriculum")
    INFORMAL = "informal", _("informal curriculum")


class Organiser(models.TextChoices):
    INSTITUTION = "institution", _("the institution")
    STUDENT_ORGANISATION = "student_organisation", _("a student organisation")
    STUDENT = "student", _("the student")


class ActivityQuerySet(models.QuerySet["Activity"]):
    def current(self) -> ActivityQuerySet:
        """Not archived: can be chosen for new entries."""
        return self.filter(archived_at__isnull=True)

    def public(self) -> ActivityQuerySet:
        """In the catalogue: not archived, not accepted for one student only."""
        return self.current().filter(private_to__isnull=True)

    def offered_by(self, programme: StudyProgramme) -> ActivityQuerySet:
        return self.filter(programmes=programme)

    def matching(self, text: str, fields: tuple[str, ...]) -> ActivityQuerySet:
        """Activities with every word of ``text`` (the first eight) in one of ``fields``."""
        queryset = self
        for word in text.split()[:8]:
            condition = models.Q()
            for field in fields:
                condition |= models.Q(**{f"{field}__icontains": word})
            queryset = queryset.filter(condition)
        return queryset

    def available_to(self, student: Any, programme: StudyProgramme) -> ActivityQuerySet:
        """What a student of the programme can choose: its catalogue and their own activities."""
        return (
            self.current()
            .offered_by(programme)
            .filter(models.Q(private_to__isnull=True) | models.Q(private_to=student))
        )


class Activity(models.Model):
    """One international activity that counts towards the certificate.

    The responsible programme's administrators edit it; it can be offered by more programmes
    (an institution-wide international week). Archived activities are hidden from new choices
    and never deleted: entries that point at them keep doing so.
    """

    programme = models.ForeignKey(
        StudyProgramme,
        on_delete=models.PROTECT,
        related_name="owned_activities",
        verbose_name=_("responsible study programme"),
    )
    programmes = models.ManyToManyField(
        StudyProgramme,
        related_name="activities",
        verbose_name=_("offered by"),
        help_text=_("The study programmes whose catalogue lists this activity."),
    )
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_nb = models.CharField(_("title (Norwegian bokmål)"), max_length=200, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_nb = models.TextField(_("description (Norwegian bokmål)"), blank=True)
    evidence_en = models.TextField(
        _("expected evidence (English)"),
        blank=True,
        help_text=_("What students upload to show they took part, e.g. a signed programme."),
    )
    evidence_nb = models.TextField(_("expected evidence (Norwegian bokmål)"), blank=True)
    location = models.CharField(_("where"), max_length=10, choices=Location.choices)
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    credit_bearing = models.BooleanField(
        _("credit bearing"), default=False, help_text=_("Gives ECTS credits.")
    )
    curriculum = models.CharField(
        _("curriculum"), max_length=10, choices=Curriculum.choices, default=Curriculum.INFORMAL
    )
    organiser = models.CharField(
        _("arranged by"), max_length=30, choices=Organiser.choices, default=Organiser.INSTITUTION
    )
    engagements_required = models.PositiveSmallIntegerField(
        _("engagements that make one activity"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("E.g. 3 when three guest lectures on different dates count as one activity."),
    )
    size = models.CharField(
        _("size"),
        max_length=10,
        blank=True,
        help_text=_("Only for programmes that size their activities (e.g. A, B or C)."),
    )
    private_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="private_activities",
        verbose_name=_("only for"),
        help_text=_("Set when a proposal was accepted for this student only."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    objects = ActivityQuerySet.as_manager()

    # What describes an activity; everything else is bookkeeping set by the services.
    EDITABLE_FIELDS = (
        "title_en",
        "title_nb",
        "description_en",
        "description_nb",
        "evidence_en",
        "evidence_nb",
        "location",
        "category",
        "credit_bearing",
        "curriculum",
        "organiser",
        "engagements_required",
        "size",
    )

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["title_en", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(engagements_required__gte=1), name="activity_engagements_min_1"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return in_language(self.title_en, self.title_nb)

    @property
    def description(self) -> str:
        return in_language(self.description_en, self.description_nb)

    @property
    def evidence(self) -> str:
        return in_language(self.evidence_en, self.evidence_nb)

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def audit_programme_id(self) -> int | None:
        """The programme whose staff read this object's audit events (cil.audit)."""
        return self.programme_id


class ActivityProposal(models.Model):
    """An activity a student found themselves, waiting for the administrators' decision."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting decision")
        ACCEPTED = "accepted", _("accepted into the catalogue")
        ACCEPTED_FOR_STUDENT = "accepted_for_student", _("accepted for this student")
        DECLINED = "declined", _("declined")

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="activity_proposals",
        verbose_name=_("student"),
    )
    programme = models.ForeignKey(
        StudyProgramme,
        on_delete=models.CASCADE,
        related_name="proposals",
        verbose_name=_("study programme"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(
        _("description"),
        help_text=_("What you will do, when, and what makes it international."),
    )
    location = models.CharField(_("where"), max_length=10, choices=Location.choices)
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    organiser = models.CharField(
        _("arranged by"), max_length=30, choices=Organiser.choices, default=Organiser.STUDENT
    )
    organiser_name = models.CharField(
        _("organiser or host"),
        max_length=200,
        blank=True,
        help_text=_("E.g. the organisation you volunteer for, or the conference."),
    )
    link = models.URLField(_("web page"), blank=True, max_length=500)
    status = models.CharField(
        _("status"), max_length=30, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    activity = models.ForeignKey(
        Activity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("activity"),
    )
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)

    class Meta:
        verbose_name = _("activity proposal")
        verbose_name_plural = _("activity proposals")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="declined") | ~models.Q(reason=""),
                name="declined_proposal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def audit_programme_id(self) -> int | None:
        """The programme whose staff read this object's audit events (cil.audit)."""
        return self.programme_id
