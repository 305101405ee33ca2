"""Input validation for the certificate workflow's staff pages."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portfolio.forms import DateInput

PRESENTATION_FORMS = [
    ("ceremony", _("Ceremony")),
    ("poster", _("Poster session")),
    ("seminar", _("Seminar")),
    ("other", _("Other")),
]


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment to the student"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when you decline: say what is missing."),
    )


class CareerCourseForm(forms.Form):
    completed_on = forms.DateField(
        label=_("Career course completed on"), widget=DateInput(), initial=timezone.localdate
    )


class PresentationForm(forms.Form):
    presented_on = forms.DateField(
        label=_("Presented on"), widget=DateInput(), initial=timezone.localdate
    )
    form = forms.ChoiceField(label=_("Form"), choices=PRESENTATION_FORMS)
    note = forms.CharField(
        label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
