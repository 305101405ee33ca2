from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from retention.models import ErasureRequest, Kind


class ErasureRequestForm(forms.ModelForm[ErasureRequest]):
    class Meta:
        model = ErasureRequest
        fields = ["reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}


class EraseForm(forms.Form):
    confirmation = forms.CharField(
        label=_("Type the student's name or e-mail address"),
        max_length=254,
        help_text=_("Exactly as shown above: this cannot be undone."),
    )
    keep_register = forms.BooleanField(
        label=_("Keep the diploma register entry"),
        required=False,
        help_text=_(
            "What the diploma says, its number and status stay, so that it can still be "
            "verified. Untick to erase the diplomas too."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["keep_register"].initial = settings.CIL_ERASURE_KEEPS_DIPLOMA_REGISTER


class RetentionForm(forms.Form):
    """One number of months per kind of data."""

    def __init__(self, *args: Any, periods: dict[Kind, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[kind.value] = forms.IntegerField(
                label=capfirst(kind.label),
                min_value=1,
                max_value=600,
                initial=periods[kind],
                help_text=_("Months. Default: %(months)s.")
                % {"months": settings.CIL_RETENTION_DEFAULTS[kind.value]},
            )

    def periods(self) -> dict[Kind, int]:
        return {kind: int(self.cleaned_data[kind.value]) for kind in Kind}
