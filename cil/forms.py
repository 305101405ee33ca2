from __future__ import annotations

import html
from typing import Any, TypeVar, cast

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cil import privacy
from cil.validators import NAME_MAX_LENGTH, validate_person_name


class SignupForm(forms.Form):
    """Extra sign-up fields on top of allauth's e-mail and password."""

    full_name = forms.CharField(
        label=_("Full name"),
        help_text=_("Your name as it should appear on your diploma."),
        validators=[validate_person_name],
        widget=forms.TextInput(attrs={"autocomplete": "name", "maxlength": NAME_MAX_LENGTH}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The version shown is the version accepted, even if a new one is published meanwhile.
        self.privacy_notice = privacy.current_notice()
        if self.privacy_notice is not None:
            self.fields["privacy"] = forms.BooleanField(
                label=_("I have read the privacy notice"),
                help_text=format_html(
                    '<a href="{}" target="_blank" rel="noopener">{}</a>',
                    reverse("privacy"),
                    _("Read the privacy notice (opens in a new tab)"),
                ),
                error_messages={
                    "required": _("Read the privacy notice, then tick the box to sign up.")
                },
            )

    def signup(self, request: Any, user: Any) -> None:
        user.full_name = self.cleaned_data["full_name"].strip()
        # Mail goes out in the language the person signed up in, until they switch.
        language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
        user.language = language if language in dict(settings.LANGUAGES) else user.language
        user.save(update_fields=["full_name", "language"])
        if self.privacy_notice is not None and self.cleaned_data.get("privacy"):
            privacy.accept(user=user, notice=self.privacy_notice, occasion="signup")


_F = TypeVar("_F", bound=forms.BaseForm)


class QuickSelect(forms.Select):
    """A drop-down list written in Python: the same HTML as Django's templates make.

    Django renders every option through two included templates and a dictionary of its
    attributes; a filter with a few hundred study programmes then costs tens of milliseconds
    a request. This writes the options straight from the choices, escaped, selecting the
    first option whose value is the field's (as ``ChoiceWidget.optgroups`` does).
    """

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        if self.allow_multiple_selected or self.option_inherits_attrs:
            return super().render(name, value, attrs, renderer)
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        chosen = {str(v) for v in widget["value"]}
        parts = [f'<select name="{_escape(name)}"{_attributes(widget["attrs"])}>']
        for option_value, label in self.choices:
            if isinstance(label, (list, tuple)):  # a group of options: Django's own templates
                return super().render(name, value, attrs, renderer)
            text = "" if option_value is None else str(option_value)
            selected = text in chosen
            if selected:
                chosen = set()  # only the first match is selected
            parts.append(
                f'\n  <option value="{_escape(text)}"{" selected" if selected else ""}>'
                f"{_escape(label)}</option>"
            )
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value escaped above  # nosec B308 B703


def _attributes(attrs: dict[str, Any]) -> str:
    """HTML attributes, escaped, as django/forms/widgets/attrs.html writes them."""
    return "".join(
        f" {_escape(name)}" if value is True else f' {_escape(name)}="{_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _escape(value: Any) -> str:
    """``conditional_escape`` without its lazy-string wrapper, which costs more than the
    escaping for a few hundred options."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


def bootstrap_widgets(form: _F) -> _F:
    """Bootstrap's classes on a filter form's widgets, for templates/_filter_field.html.

    The search and filter forms on the busiest pages are rendered with that small template
    rather than crispy-forms, which costs about a millisecond a field; their plain drop-down
    lists are written by ``QuickSelect``.
    """
    for field in form.fields.values():
        widget = field.widget
        if type(widget) is forms.Select:
            # Same choices, attributes and state (is_required, choices bound to a queryset).
            widget.__class__ = QuickSelect
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)
    return form


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name or e-mail address"),
        required=False,
        min_length=2,
        max_length=200,
        help_text=_("At least two letters of the person's name or e-mail address."),
    )


class LinkLoginForm(forms.Form):
    """Central staff record a pending link to a person's institutional login."""

    provider = forms.ChoiceField(
        label=_("Institutional sign-in"),
        help_text=_("Where the person signs in."),
    )
    institutional_id = forms.CharField(
        label=_("Institutional id"),
        max_length=254,
        help_text=_(
            "The person's id at the institution (eduPersonPrincipalName), e.g. "
            "karinor@oslomet.no. Ask the person; it is not their e-mail address."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        help_text=_("Why, and how the person asked (kept in the audit trail)."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        provider = cast(forms.ChoiceField, self.fields["provider"])
        provider.choices = [(p.id, p.name(get_language())) for p in settings.CIL_OIDC_PROVIDERS]

    def clean_institutional_id(self) -> str:
        value = str(self.cleaned_data["institutional_id"]).strip().lower()
        local, at, scope = value.partition("@")
        if not local or not at or not scope or any(c.isspace() for c in value):
            raise forms.ValidationError(
                _("Write the id as name@institution, e.g. karinor@oslomet.no.")
            )
        return value


class UnlinkLoginForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        help_text=_("Why, and how the person asked (kept in the audit trail)."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PrivacyNoticeForm(forms.Form):
    """Central staff write a new version of the privacy notice."""

    text_en = forms.CharField(
        label=_("Privacy notice in English"),
        help_text=_(
            "Markdown: ## for headings, - for lists, [text](https://...) for links. What is "
            "stored, why, for how long, who receives it, and the person's rights."
        ),
        widget=forms.Textarea(attrs={"rows": 16}),
        max_length=50000,
    )
    text_nb = forms.CharField(
        label=_("Privacy notice in Norwegian"),
        help_text=_("The same text in Norwegian (bokmål)."),
        widget=forms.Textarea(attrs={"rows": 16}),
        max_length=50000,
    )
