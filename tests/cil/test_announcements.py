"""Messages are announced by how urgent they are: a refusal at once (role="alert"), a
confirmation when the reader is free (role="status")."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse

from certificates import workflow
from tests.conftest import Personas
from tests.factories import enrolment_with_activities
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


def roles_of(html: str, text: str) -> list[str]:
    """The role of each alert box whose text contains ``text``."""
    return re.findall(rf'<div class="alert [^"]*" role="(\w+)">[^<]*{re.escape(text)}', html)


def test_a_refusal_is_an_alert(personas: Personas) -> None:
    client = client_for(personas.admin_p)
    url = reverse("certificates:entry_approve_many", args=[personas.programme_p.code])
    page = client.post(url, follow=True).content.decode()
    assert roles_of(page, "Tick the activities to approve.") == ["alert"]


def test_a_confirmation_is_a_status(personas: Personas) -> None:
    enrolment = enrolment_with_activities(
        student=personas.student_a, programme=personas.programme_p
    )
    client = client_for(personas.student_a)
    url = reverse("certificates:request_activities", args=[enrolment.pk])
    page = client.post(url, follow=True).content.decode()
    assert roles_of(page, "Sent.") == ["status"]
    # Asking twice is refused, and that is an alert.
    page = client.post(url, follow=True).content.decode()
    assert [role for role in re.findall(r'class="alert [^"]*" role="(\w+)"', page)] == ["alert"]


class _Refused(forms.Form):
    name = forms.CharField(required=False)

    def clean(self) -> dict:
        raise forms.ValidationError("Refused as a whole.")


def test_a_form_refused_as_a_whole_is_an_alert() -> None:
    form = _Refused({"name": "x"})
    form.is_valid()
    html = Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(Context({"form": form}))
    assert re.search(r'role="alert">\s*<ul class="m-0">\s*<li>Refused as a whole.', html)


def test_an_autosave_refused_is_an_alert(personas: Personas) -> None:
    enrolment = enrolment_with_activities(
        student=personas.student_a, programme=personas.programme_p, stage="activities_approved"
    )
    report = workflow.start_report(enrolment=enrolment, by=personas.student_a)
    client = client_for(personas.student_a)
    url = reverse("certificates:report_autosave", args=[enrolment.pk])
    report.status = "submitted"
    report.save(update_fields=["status"])
    answer = client.post(url, {"summary": "x"}).content.decode()
    assert 'role="alert"' in answer
