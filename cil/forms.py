from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cil.validators import NAME_MAX_LENGTH, validate_person_name


class SignupForm(forms.Form):
    """Extra sign-up fields on top of allauth's e-mail and password."""

    full_name = forms.CharField(
        label=_("Full name"),
        help_text=_("Your name as it should appear on your diploma."),
        validators=[validate_person_name],
        widget=forms.TextInput(attrs={"autocomplete": "name", "maxlength": NAME_MAX_LENGTH}),
    )

    def signup(self, request: Any, user: Any) -> None:
        user.full_name = self.cleaned_data["full_name"].strip()
        # Mail goes out in the language the person signed up in, until they switch.
        language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
        user.language = language if language in dict(settings.LANGUAGES) else user.language
        user.save(update_fields=["full_name", "language"])


_F = TypeVar("_F", bound=forms.BaseForm)


def bootstrap_widgets(form: _F) -> _F:
    """Bootstrap's classes on a filter form's widgets, for templates/_filter_field.html.

    The search and filter forms on the busiest pages are rendered with that small template
    rather than crispy-forms, which costs about a millisecond a field.
    """
    for field in form.fields.values():
        widget = field.widget
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)
    return form
