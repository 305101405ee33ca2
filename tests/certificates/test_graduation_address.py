"""The diploma waits for the student's confirmed private address for after graduation: the
workflow's condition for issuing says so, and every page that offers issuing asks it."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from certificates import tasks, workflow
from certificates.models import Diploma, DiplomaBatch
from cil.models import GraduationAddress
from tests.conftest import Personas
from tests.factories import (
    PASSWORD,
    ActivityFactory,
    EnrolmentFactory,
    EntryFactory,
    give_graduation_address,
)
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db

WAITS = "confirmed a private e-mail address for after graduation"


def just_signed_in(user):
    """A client whose sign-in is recent: choosing the address asks for the password again
    otherwise (re-authentication), as allauth's own address page does."""
    client = client_for(user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    return client


def ready(personas: Personas, **kwargs):
    """Student A of P with approved activities and report, and no presentation required."""
    personas.programme_p.presentation_required = False
    personas.programme_p.save()
    enrolment = EnrolmentFactory(
        student=personas.student_a, programme=personas.programme_p, stage="report_approved",
        **kwargs,
    )  # fmt: skip
    for location in ("home", "home", "abroad"):
        activity = ActivityFactory(programme=personas.programme_p, location=location)
        EntryFactory(enrolment=enrolment, activity=activity, status="approved")
    return enrolment


def test_the_diploma_is_refused_without_a_private_address_and_says_why(
    personas: Personas,
) -> None:
    enrolment = ready(personas, graduation_address=False)
    with pytest.raises(workflow.WorkflowError, match=WAITS):
        workflow.advance(enrolment=enrolment, by=personas.admin_p, action="issue_diploma")
    assert not Diploma.objects.exists()


def test_an_unconfirmed_private_address_is_not_enough(personas: Personas) -> None:
    enrolment = ready(personas, graduation_address=False)
    give_graduation_address(personas.student_a, verified=False)
    with pytest.raises(workflow.WorkflowError, match=WAITS):
        workflow.advance(enrolment=enrolment, by=personas.admin_p, action="issue_diploma")
    EmailAddress.objects.filter(user=personas.student_a, verified=False).update(verified=True)
    workflow.advance(enrolment=enrolment, by=personas.admin_p, action="issue_diploma")
    assert Diploma.objects.filter(enrolment=enrolment).count() == 1


def test_the_rule_can_be_turned_off(personas: Personas, settings) -> None:
    settings.CIL_DIPLOMA_REQUIRES_PRIVATE_EMAIL = False
    enrolment = ready(personas, graduation_address=False)
    workflow.advance(enrolment=enrolment, by=personas.admin_p, action="issue_diploma")
    assert Diploma.objects.filter(enrolment=enrolment).count() == 1


def test_the_administrator_sees_the_reason_on_the_student_page_and_the_ceremony_list(
    personas: Personas,
) -> None:
    enrolment = ready(personas, graduation_address=False)
    admin = client_for(personas.admin_p)
    page = admin.get(
        reverse("certificates:student", kwargs={"code": "nursing", "enrolment": enrolment.pk})
    ).content.decode()
    assert WAITS in page
    ceremony = admin.get(reverse("certificates:issue_diplomas", kwargs={"code": "nursing"}))
    text = ceremony.content.decode()
    assert "Not ready yet" in text and WAITS in text
    assert f'value="{enrolment.pk}"' not in text  # not offered for ticking


def test_the_student_is_told_to_add_and_confirm_the_address(personas: Personas) -> None:
    ready(personas, graduation_address=False)
    page = client_for(personas.student_a).get(reverse("portfolio:home")).content.decode()
    assert "Add a private e-mail address for after graduation" in page


def test_a_ceremony_records_the_missing_address_as_the_reason(personas: Personas) -> None:
    enrolment = ready(personas, graduation_address=False)
    batch = DiplomaBatch.objects.create(
        programme=personas.programme_p, created_by=personas.admin_p, enrolment_ids=[enrolment.pk]
    )
    tasks.issue_batch.call(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.done == 0
    assert len(batch.failed) == 1 and WAITS in batch.failed[0]["reason"]


def test_the_student_chooses_the_address_and_confirms_it_with_the_mailed_link(
    personas: Personas, committed, mailoutbox
) -> None:
    client = just_signed_in(personas.student_a)
    url = reverse("account_graduation_address")
    with committed():
        response = client.post(url, {"email": "Ada.Private@Example.org"})
    assert response.status_code == 302
    address = GraduationAddress.objects.get(user=personas.student_a).email_address
    assert (address.email, address.verified) == ("ada.private@example.org", False)
    confirmation = next(m for m in mailoutbox if m.to == ["ada.private@example.org"])
    path = confirmation.body.split("/accounts/confirm-email/")[1].split()[0]
    client.post(f"/accounts/confirm-email/{path}")
    address.refresh_from_db()
    assert address.verified
    assert "confirmed" in client.get(url).content.decode()


def test_an_address_of_another_account_cannot_be_chosen(personas: Personas) -> None:
    response = just_signed_in(personas.student_a).post(
        reverse("account_graduation_address"), {"email": personas.student_b.email}
    )
    assert response.status_code == 200
    assert "belongs to another account" in response.content.decode()
    assert not GraduationAddress.objects.filter(user=personas.student_a).exists()


def test_choosing_the_address_asks_for_the_password_again_after_a_while(
    personas: Personas,
) -> None:
    response = client_for(personas.student_a).post(
        reverse("account_graduation_address"), {"email": "ada@private.example"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not GraduationAddress.objects.filter(user=personas.student_a).exists()


def test_an_account_without_a_password_chooses_the_address_without_confirming_a_password(
    personas: Personas,
) -> None:
    """Students who sign in only with Feide have nothing to re-authenticate with: long after
    signing in, they are not sent to a password form they cannot fill."""
    student = personas.student_a
    student.set_unusable_password()
    student.save(update_fields=["password"])
    client = client_for(student)  # signed in long ago, as far as the session says
    response = client.post(reverse("account_graduation_address"), {"email": "ada@private.example"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_graduation_address")
    address = GraduationAddress.objects.get(user=student).email_address
    assert address.email == "ada@private.example"
