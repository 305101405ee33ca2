"""Input validation for sign-up and the portfolio. Saving is services.py's."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from activities.models import Activity
from portfolio import terms
from portfolio.models import Enrolment, Entry, Evidence
from portfolio.uploads import FILE_PICKER_ACCEPT, file_help_text


class DateInput(forms.DateInput):
    input_type = "date"  # the phone's own date picker

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class SignupForm(forms.Form):
    expected_term = forms.ChoiceField(
        label=_("Expected completion: term"),
        choices=[(v, capfirst(label)) for v, label in Enrolment.Term.choices],
        help_text=_("When you expect to finish your degree and receive the certificate."),
    )
    expected_year = forms.TypedChoiceField(label=_("Expected completion: year"), coerce=int)
    accept = forms.BooleanField(
        label=_(
            "I have read the rules above. I agree that the certificate administrators and "
            "academic staff of my programme see my portfolio."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()
        cast(forms.ChoiceField, self.fields["expected_year"]).choices = [
            (y, str(y)) for y in terms.offered_years(self.today)
        ]
        term, year = terms.default_completion(self.today)
        self.fields["expected_term"].initial = term
        self.fields["expected_year"].initial = year

    def clean(self) -> dict[str, Any]:
        data = cast("dict[str, Any]", super().clean())  # Django's clean() returns cleaned_data
        term, year = data.get("expected_term"), data.get("expected_year")
        if term and year and terms.is_over(term, year, today=self.today):
            self.add_error(
                "expected_term",
                _("%(term)s %(year)d is already over: choose a term that has not ended.")
                % {"term": capfirst(Enrolment.Term(term).label), "year": year},
            )
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you withdrawing? (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("It helps the programme improve the certificate."),
    )


class ActivityChoiceField(forms.ModelChoiceField[Activity]):
    def label_from_instance(self, obj: Activity) -> str:
        return f"{obj.title} ({obj.get_location_display()})"


class EntryForm(forms.ModelForm[Entry]):
    activity = ActivityChoiceField(
        label=_("Activity"),
        queryset=Activity.objects.none(),
        help_text=_("From your programme's catalogue, or an activity accepted for you."),
    )

    class Meta:
        model = Entry
        fields = [
            "activity",
            "started_on",
            "ended_on",
            "country",
            "city",
            "host",
            "engagements",
            "description",
        ]
        widgets = {
            "started_on": DateInput(),
            "ended_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"ended_on": _("Leave empty for a single day.")}

    def __init__(self, *args: Any, enrolment: Enrolment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        available = Activity.objects.available_to(enrolment.student, enrolment.programme)
        cast(ActivityChoiceField, self.fields["activity"]).queryset = available.order_by(
            "location", "title_en"
        )
        self.fields["engagements"].help_text = self._engagements_hint(available)

    def _engagements_hint(self, available: QuerySet[Activity]) -> str:
        """Near the engagements field: how many make one activity, for the activity chosen
        (editing, or a form sent back) or else for each activity that needs more than one."""
        several = {a.pk: a for a in available.filter(engagements_required__gt=1)}
        chosen = self.data.get("activity") if self.is_bound else self.instance.activity_id
        try:
            activity = several.get(int(chosen)) if chosen else None
        except (TypeError, ValueError):
            activity = None
        if activity is not None:
            return ngettext(
                "“%(title)s”: %(n)d engagement makes one activity. Enter how many this entry "
                "records; it counts once %(n)d are approved.",
                "“%(title)s”: %(n)d engagements make one activity. Enter how many this entry "
                "records; it counts once %(n)d are approved.",
                activity.engagements_required,
            ) % {"title": activity.title, "n": activity.engagements_required}
        hint = str(_("How many times you took part, e.g. 2 of the 3 guest lectures."))
        if several:
            counts = "; ".join(
                ngettext(
                    "“%(title)s”: %(n)d engagement",
                    "“%(title)s”: %(n)d engagements",
                    a.engagements_required,
                )
                % {"title": a.title, "n": a.engagements_required}
                for a in sorted(several.values(), key=lambda a: a.title)
            )
            hint += " " + str(_("Some activities count only after several: %(list)s.")) % {
                "list": counts
            }
        return hint

    def clean(self) -> dict[str, Any]:
        data = cast("dict[str, Any]", super().clean())  # Django's clean() returns cleaned_data
        started, ended = data.get("started_on"), data.get("ended_on")
        if started and ended and ended < started:
            self.add_error("ended_on", _("The activity cannot end before it starts."))
        return data


class NoteForm(forms.Form):
    written_on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))


class EvidenceForm(forms.Form):
    # The help text (types and size limit) is set per form, when the limit and language are known.
    file = forms.FileField(
        label=_("File"),
        # What the file picker offers; the server decides by the bytes (portfolio/uploads.py).
        widget=forms.ClearableFileInput(attrs={"accept": FILE_PICKER_ACCEPT}),
    )
    kind = forms.ChoiceField(
        label=_("What is it?"),
        choices=[(v, capfirst(label)) for v, label in Evidence.Kind.choices],
        initial=Evidence.Kind.PROOF,
        widget=forms.RadioSelect,
        help_text=_(
            "A signed programme or certificate of participation is a proof; a PDF always is."
        ),
    )
    caption = forms.CharField(label=_("Caption (optional)"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = file_help_text()


class ReflectionForm(forms.Form):
    """One text box per question; the questions come from the entry's reflection or programme."""

    def __init__(
        self, *args: Any, questions: list[dict[str, str]], language: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for index, question in enumerate(questions):
            text = question.get(language) or question["en"]
            self.fields[f"answer_{index}"] = forms.CharField(
                label=text,
                required=False,
                initial=question.get("answer", ""),
                widget=forms.Textarea(attrs={"rows": 5}),
            )

    def answers(self) -> list[str]:
        return [self.cleaned_data[name] for name in self.fields]


class ConfirmationRequestForm(forms.Form):
    """The student asks an activity's organiser to confirm their part in it."""

    organiser_name = forms.CharField(
        label=_("Organiser's name"),
        max_length=200,
        help_text=_("The person who can confirm that you took part."),
    )
    organiser_email = forms.EmailField(
        label=_("Organiser's e-mail address"),
        help_text=_("They get one e-mail with a link; they need no account."),
    )
    message = forms.CharField(
        label=_("Message (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A few words to remind them who you are. It is included in the e-mail."),
    )
    language = forms.ChoiceField(
        label=_("Language of the e-mail"),
        choices=[("en", "English"), ("nb", "Norsk bokmål")],
        widget=forms.RadioSelect,
        help_text=_("The organiser reads the e-mail and the page in this language."),
    )


class OrganiserAnswerForm(forms.Form):
    """The organiser's answer. Which button was pressed says confirm or decline."""

    role = forms.CharField(
        label=_("Your role (optional)"),
        required=False,
        max_length=200,
        help_text=_("For example: course leader, coordinator."),
    )
    organisation = forms.CharField(
        label=_("Your organisation (optional)"),
        required=False,
        max_length=200,
        help_text=_("The institution or organisation that ran the activity."),
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed if you decline: say what is not right."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.confirmed = bool(self.data.get("confirm"))

    def clean(self) -> dict[str, Any]:
        cleaned = cast(dict[str, Any], super().clean())
        if not self.confirmed and not cleaned.get("comment", "").strip():
            self.add_error("comment", _("Say in a comment why you cannot confirm it."))
        return cleaned
