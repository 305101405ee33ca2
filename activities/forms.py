"""Input validation for programme rules, the catalogue and proposals. Saving is services.py's."""

from __future__ import annotations

import re
from typing import Any, cast

import django_filters
from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from activities.models import (
    AFFILIATION_CHOICES,
    Activity,
    ActivityProposal,
    ActivityQuerySet,
    Category,
    Location,
    ProgrammePage,
    ProgrammeRole,
    StudyProgramme,
)
from cil.forms import bootstrap_widgets
from cil.models import User

_SIZE_NAME = r"[A-Za-z0-9]{1,10}"
_SIZE_ITEM = re.compile(rf"^\s*({_SIZE_NAME})\s*[:=]\s*(\d{{1,2}})\s*$")
_SUBSTITUTION = re.compile(
    rf"^\s*(\d{{1,2}})\s*[x\u00d7]?\s*({_SIZE_NAME})\s*=\s*1?\s*({_SIZE_NAME})\s*$"
)


def _capitalise_choices(form: forms.BaseForm, *names: str) -> None:
    """Choice labels are lower case for use inside sentences; in a form they start a line."""
    for name in names:
        # A ChoiceField or a ModelChoiceField: both have choices, which Field has not.
        field: Any = form.fields.get(name)
        if field is None:
            continue
        radio = isinstance(field.widget, forms.RadioSelect)
        field.choices = [
            (value, capfirst(label))
            for value, label in field.choices
            if not (radio and value == "")  # a radio list needs no "---------" option
        ]


def _cleaned(data: dict[str, Any] | None) -> dict[str, Any]:
    """What Form.clean() returned: Django's always returns cleaned_data, never None."""
    return cast("dict[str, Any]", data)


def _sizes_text(requirements: dict[str, int]) -> str:
    return ", ".join(f"{size}: {count}" for size, count in requirements.items())


def _substitutions_text(substitutions: list[dict[str, Any]]) -> str:
    return "\n".join(f"{s['count']} {s['size']} = {s['replaces']}" for s in substitutions)


class RulesForm(forms.ModelForm[StudyProgramme]):
    # The programme's fields that this form edits as text, and the text fields.
    TEXT_FIELDS = {"size_requirements": "sizes", "size_substitutions": "substitutions"}

    sizes = forms.CharField(
        label=_("Required activity sizes"),
        required=False,
        help_text=_(
            "Only for programmes that size their activities. Write each size and how many are "
            "required, e.g. “A: 1, B: 2”. Leave empty when activities have no sizes."
        ),
    )
    substitutions = forms.CharField(
        label=_("Size substitutions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "One per line: how many activities of one size replace one of another, "
            "e.g. “3 C = B” when three C activities can replace one B."
        ),
    )

    signup_affiliations = forms.MultipleChoiceField(
        label=_("Sign-up limited to"),
        required=False,
        choices=AFFILIATION_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Only students whose institutional login gives one of these affiliations can sign "
            "up. Leave all unticked to let anyone sign up. This gives nobody a role."
        ),
    )

    class Meta:
        model = StudyProgramme
        # Sizes and substitutions are edited as text, in the two fields above.
        fields = [f for f in StudyProgramme.RULE_FIELDS if not f.startswith("size_")]
        help_texts = {
            "signup_open": _("Students can sign up for the certificate in this programme."),
            "min_activities": _(
                "Different activities a student must complete, home and abroad together."
            ),
            "min_home": _("How many of them must take place at home."),
            "min_abroad": _(
                "How many of them must take place abroad; 0 makes going abroad optional."
            ),
            "career_course_required": _("Students must complete the CIL career course."),
            "presentation_required": _(
                "Students must present their experience to fellow students."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["sizes"] = _sizes_text(self.instance.size_requirements or {})
            self.initial["substitutions"] = _substitutions_text(
                self.instance.size_substitutions or []
            )

    def clean_sizes(self) -> dict[str, int]:
        text = self.cleaned_data["sizes"].strip()
        result: dict[str, int] = {}
        for item in filter(None, (part.strip() for part in text.split(","))):
            match = _SIZE_ITEM.match(item)
            if not match:
                raise forms.ValidationError(
                    _("“%(item)s” is not a size and a number. Write e.g. “A: 1, B: 2”."),
                    params={"item": item},
                )
            size, count = match.group(1).upper(), int(match.group(2))
            if size in result:
                raise forms.ValidationError(
                    _("Size %(size)s is named twice."), params={"size": size}
                )
            result[size] = count
        return result

    def clean_substitutions(self) -> list[dict[str, Any]]:
        result = []
        for line in filter(
            None, (line.strip() for line in self.cleaned_data["substitutions"].splitlines())
        ):
            match = _SUBSTITUTION.match(line)
            if not match:
                raise forms.ValidationError(
                    _("“%(line)s” is not a substitution. Write e.g. “3 C = B”."),
                    params={"line": line},
                )
            result.append(
                {
                    "size": match.group(2).upper(),
                    "count": int(match.group(1)),
                    "replaces": match.group(3).upper(),
                }
            )
        return result

    def clean(self) -> dict[str, Any]:
        data = _cleaned(super().clean())
        # The model checks the rules (StudyProgramme.clean, which asks the rules engine) with
        # these two as well, once they are parsed; the other fields it is given by Django.
        if "sizes" in data:
            self.instance.size_requirements = data["sizes"]
        if "substitutions" in data:
            self.instance.size_substitutions = data["substitutions"]
        return data

    def add_error(self, field: str | None, error: Any) -> None:
        """Errors the model finds in the size rules belong to the text fields that edit them."""
        if isinstance(error, forms.ValidationError) and hasattr(error, "error_dict"):
            error = forms.ValidationError(
                {self.TEXT_FIELDS.get(name, name): e for name, e in error.error_dict.items()}
            )
        super().add_error(field, error)

    def rule_values(self) -> dict[str, Any]:
        values = {name: self.cleaned_data[name] for name in self.Meta.fields}
        values["size_requirements"] = self.cleaned_data["sizes"]
        values["size_substitutions"] = self.cleaned_data["substitutions"]
        return values


class QuestionsForm(forms.Form):
    """Questions as lines of text: the English and bokmål lists must line up."""

    activity_en = forms.CharField(
        label=_("After each activity (English)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One question per line."),
    )
    activity_nb = forms.CharField(
        label=_("After each activity (Norwegian bokmål)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The same questions in the same order, one per line."),
    )
    report_en = forms.CharField(
        label=_("Final report headings (English)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One question per line; each becomes a heading of the final report."),
    )
    report_nb = forms.CharField(
        label=_("Final report headings (Norwegian bokmål)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The same questions in the same order, one per line."),
    )

    @classmethod
    def for_programme(cls, programme: StudyProgramme, data: Any = None) -> QuestionsForm:
        def lines(questions: list[dict[str, str]], lang: str) -> str:
            return "\n".join(q.get(lang, "") for q in questions)

        initial = {
            "activity_en": lines(programme.activity_questions, "en"),
            "activity_nb": lines(programme.activity_questions, "nb"),
            "report_en": lines(programme.report_questions, "en"),
            "report_nb": lines(programme.report_questions, "nb"),
        }
        return cls(data=data, initial=initial)

    @staticmethod
    def _lines(text: str) -> list[str]:
        return [line.strip() for line in text.splitlines() if line.strip()]

    def clean(self) -> dict[str, Any]:
        data = _cleaned(super().clean())
        for kind in ("activity", "report"):
            en, nb = data.get(f"{kind}_en"), data.get(f"{kind}_nb")
            if en is None or nb is None:
                continue
            if len(self._lines(en)) != len(self._lines(nb)):
                self.add_error(
                    f"{kind}_nb",
                    _("Write as many questions in bokmål (%(nb)d) as in English (%(en)d).")
                    % {"nb": len(self._lines(nb)), "en": len(self._lines(en))},
                )
        return data

    def questions(self, kind: str) -> list[dict[str, str]]:
        en = self._lines(self.cleaned_data[f"{kind}_en"])
        nb = self._lines(self.cleaned_data[f"{kind}_nb"])
        return [{"en": e, "nb": n} for e, n in zip(en, nb, strict=True)]


class PageForm(forms.ModelForm[ProgrammePage]):
    class Meta:
        model = ProgrammePage
        fields = [
            f"{section}_{lang}" for section in ProgrammePage.SECTIONS for lang in ("en", "nb")
        ]
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in fields}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.help_text = _(
                "Markdown: **bold**, *italic*, lists with “-”, links as [text](https://…)."
            )

    def texts(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ActivityForm(forms.ModelForm[Activity]):
    offered_by = forms.ModelMultipleChoiceField(
        label=_("Offered by"),
        queryset=StudyProgramme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Other study programmes you administer can list this activity too."),
    )

    class Meta:
        model = Activity
        fields = [
            "title_en",
            "title_nb",
            "description_en",
            "description_nb",
            "location",
            "category",
            "credit_bearing",
            "curriculum",
            "organiser",
            "engagements_required",
            "size",
            "evidence_en",
            "evidence_nb",
        ]
        widgets = {
            "description_en": forms.Textarea(attrs={"rows": 4}),
            "description_nb": forms.Textarea(attrs={"rows": 4}),
            "evidence_en": forms.Textarea(attrs={"rows": 2}),
            "evidence_nb": forms.Textarea(attrs={"rows": 2}),
            "location": forms.RadioSelect,
        }

    def __init__(self, *args: Any, programme: StudyProgramme, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        _capitalise_choices(self, "location", "category", "curriculum", "organiser")
        self.fields["title_nb"].required = True
        self.fields["description_en"].required = True
        self.fields["description_nb"].required = True
        sizes = programme.sizes
        if sizes:
            self.fields["size"] = forms.ChoiceField(
                label=_("Size"),
                choices=[(s, s) for s in sizes],
                initial=self.instance.size or None,
                help_text=_("The size this activity counts as under the programme's rules."),
            )
        else:
            del self.fields["size"]
        others = StudyProgramme.objects.administered_by(user).exclude(pk=programme.pk).distinct()
        if others.exists():
            cast(
                "forms.ModelMultipleChoiceField[StudyProgramme]", self.fields["offered_by"]
            ).queryset = others
            if self.instance.pk:
                self.initial["offered_by"] = list(self.instance.programmes.filter(pk__in=others))
        else:
            del self.fields["offered_by"]

    def activity_values(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data
        }

    def offered_by_programmes(self) -> list[StudyProgramme] | None:
        if "offered_by" not in self.fields:
            return None
        return list(self.cleaned_data["offered_by"])


class HttpsURLField(forms.URLField):
    """A web address typed without a scheme means https (Django 6's default, adopted now)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


class ProposalForm(forms.ModelForm[ActivityProposal]):
    class Meta:
        model = ActivityProposal
        fields = [
            "title",
            "description",
            "location",
            "category",
            "organiser",
            "organiser_name",
            "link",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 5}), "location": forms.RadioSelect}
        field_classes = {"link": HttpsURLField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _capitalise_choices(self, "location", "category", "organiser")


class AcceptForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment to the student (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The student reads this. Say what would make a similar activity count."),
    )


class MemberForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("The person must already have an account in the portal."),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(value, capfirst(label)) for value, label in ProgrammeRole.Role.choices],
    )

    def clean_email(self) -> User:
        email = self.cleaned_data["email"].strip().lower()
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                _("Nobody with this e-mail address has an account. Ask them to sign up first.")
            )
        return user


class CatalogueFilter(django_filters.FilterSet):
    """The catalogue's filters: text, where, category and credit bearing."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    location = django_filters.ChoiceFilter(
        label=_("Where"),
        choices=[(value, capfirst(label)) for value, label in Location.choices],
        empty_label=_("At home or abroad"),
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"),
        choices=[(value, capfirst(label)) for value, label in Category.choices],
        empty_label=_("Any category"),
    )
    credit_bearing = django_filters.ChoiceFilter(
        label=_("Credits"),
        choices=[("yes", _("Credit bearing")), ("no", _("Not credit bearing"))],
        empty_label=_("With or without credits"),
        method="filter_credits",
    )

    class Meta:
        model = Activity
        fields = ["q", "location", "category", "credit_bearing"]

    @property
    def form(self) -> forms.Form:
        form: forms.Form = bootstrap_widgets(super().form)  # FilterSet is untyped
        return form

    def filter_credits(self, queryset: ActivityQuerySet, name: str, value: str) -> ActivityQuerySet:
        return queryset.filter(credit_bearing=value == "yes")

    def search(self, queryset: ActivityQuerySet, name: str, value: str) -> ActivityQuerySet:
        return queryset.matching(
            value, ("title_en", "title_nb", "description_en", "description_nb")
        )
