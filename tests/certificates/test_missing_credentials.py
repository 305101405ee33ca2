"""Diplomas issued before credentials existed get their status entry and credential once."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from certificates import credential, status_list, workflow
from certificates.models import Diploma, StatusList
from tests.certificates.test_diploma import presented
from tests.conftest import Personas

pytestmark = pytest.mark.django_db


def _as_before_credentials(diploma: Diploma) -> None:
    default_storage.delete(str(diploma.credential.name))
    Diploma.objects.filter(pk=diploma.pk).update(
        status_list=None, status_index=None, credential="", credential_sha256=""
    )
    StatusList.objects.all().delete()


def test_older_diplomas_get_a_status_entry_and_a_signed_credential_once(
    personas: Personas,
) -> None:
    enrolment = presented(personas)
    workflow.advance(enrolment=enrolment, by=personas.admin_p, action="issue_diploma")
    diploma = Diploma.objects.get()
    workflow.advance(
        enrolment=enrolment, by=personas.admin_p, action="revoke_diploma", comment="Misspelt."
    )
    _as_before_credentials(diploma)

    out = io.StringIO()
    call_command("issue_missing_credentials", stdout=out)
    assert out.getvalue().startswith("1 diplomas")

    diploma.refresh_from_db()
    assert diploma.status_list is not None and diploma.credential
    with default_storage.open(str(diploma.credential.name)) as handle:
        signed = json.load(handle)
    credential.verify(signed)  # raises if the proof is wrong
    assert signed["credentialStatus"] == status_list.entry_for(diploma)
    # Revoked before the upgrade: its bit is set in the list.
    assert status_list.is_revoked(diploma) is True

    again = io.StringIO()
    call_command("issue_missing_credentials", stdout=again)
    assert again.getvalue().startswith("0 diplomas")
