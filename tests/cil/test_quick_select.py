"""QuickSelect writes the same drop-down list as Django's templates, only faster."""

from __future__ import annotations

from django import forms

from cil.forms import QuickSelect, bootstrap_widgets


class _Filter(forms.Form):
    kind = forms.ChoiceField(
        required=False,
        choices=[("", "Any"), ("a&b", 'Tom & "Jerry" <3'), ("c", "C"), ("c", "C again")],
    )
    number = forms.TypedChoiceField(required=False, coerce=int, choices=[(1, "one"), (2, "two")])


def _both(form: forms.Form, name: str) -> tuple[str, str]:
    bound = form[name]
    widget = bound.field.widget
    assert isinstance(widget, QuickSelect)
    quick = str(bound)
    widget.__class__ = forms.Select  # type: ignore[assignment]  # Django's own, to compare
    django = str(bound).replace("\n\n", "\n")  # Django's option template ends in a newline
    widget.__class__ = QuickSelect
    return quick, django


def test_quick_select_writes_the_same_html_as_django_unbound_and_selected() -> None:
    for data in (None, {"kind": "c", "number": "2"}, {"kind": "a&b"}, {"kind": "nonsense"}):
        form = bootstrap_widgets(_Filter(data))
        form.is_valid()
        for name in ("kind", "number"):
            quick, django = _both(form, name)
            assert quick == django


def test_quick_select_escapes_labels_and_selects_only_the_first_match() -> None:
    form = bootstrap_widgets(_Filter({"kind": "c"}))
    html, _django = _both(form, "kind")
    assert "Tom &amp; &quot;Jerry&quot; &lt;3" in html
    assert 'value="a&amp;b"' in html
    assert html.count(" selected") == 1
    assert '<option value="c" selected>C</option>' in html
