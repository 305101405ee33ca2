"""What staff are told: the administration page shows what waits and leads to it; "Who came?"
starts with nobody ticked; "Issue the diploma" appears once the diploma can be issued."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from activities.models import ActivityProposal
from certificates.models import FinalReport, Session, SessionSignup
from portfolio.models import Enrolment, Entry
from tests.conftest import Personas
from tests.e2e.conftest import Visit, fits_the_screen, prefer_language, sign_in_as
from tests.factories import (
    EnrolmentFactory,
    EntryFactory,
    ProposalFactory,
    UserFactory,
    enrolment_with_activities,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {
        "waiting": "Waiting now",
        "asking": "1 request for final approval of activities",
        "stage": "Stage",
        "asking_stage": "Activities sent for final approval",
        "final_approval": "Final approval of the activities",
        "issue": "Issue the diploma",
        "waits": "The diploma can be issued when this is recorded: the final presentation.",
        "record": "Record attendance",
        "who_came": "Who came?",
    },
    "nb": {
        "waiting": "Venter nå",
        "asking": "1 forespørsel om endelig godkjenning av aktiviteter",
        "stage": "Trinn",
        "asking_stage": "Aktiviteter sendt til endelig godkjenning",
        "final_approval": "Endelig godkjenning av aktivitetene",
        "issue": "Utsted diplomet",
        "waits": "Diplomet kan utstedes når dette er registrert: den avsluttende presentasjonen.",
        "record": "Registrer oppmøte",
        "who_came": "Hvem møtte?",
    },
}


# The lines of "Waiting now", in order.
QUEUES = {
    "en": [
        "2 activities waiting for approval · the oldest has waited 4 days",
        "1 request for final approval of activities · the oldest has waited 3 days",
        "0 activity proposals waiting for a decision",
        "1 final report waiting for a reviewer · the oldest has waited 6 hours",
    ],
    "nb": [
        "2 aktiviteter venter på godkjenning · den eldste har ventet i 4 dager",
        "1 forespørsel om endelig godkjenning av aktiviteter · den eldste har ventet i 3 dager",
        "0 aktivitetsforslag venter på avgjørelse",
        "1 avsluttende refleksjonsrapport venter på en fagperson · den eldste har ventet i 6 timer",
    ],
}


def ago(**delta: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(minutes=5, **delta)


@pytest.mark.parametrize("language", ["en", "nb"])
def test_administrator_sees_what_waits_and_finds_the_final_approval_request(
    visit: Visit, personas: Personas, language: str
) -> None:
    t = TEXT[language]
    p = personas.programme_p
    asking = enrolment_with_activities(
        student=UserFactory(full_name="Chloé Dubois"),
        programme=p,
        stage=Enrolment.Stage.ACTIVITIES_REQUESTED,
        activities_requested_at=ago(days=3),
    )
    EnrolmentFactory(programme=p, student=UserFactory(full_name="Carl Collecting"))
    for days in (4, 1):
        EntryFactory(
            enrolment__programme=p, status=Entry.Status.SUBMITTED, submitted_at=ago(days=days)
        )
    ProposalFactory(programme=p, status=ActivityProposal.Status.DECLINED, reason="Not abroad.")
    FinalReport.objects.create(
        enrolment=EnrolmentFactory(programme=p, stage=Enrolment.Stage.ACTIVITIES_APPROVED),
        status=FinalReport.Status.SUBMITTED,
        submitted_at=ago(hours=6),
    )
    prefer_language(visit, language)
    sign_in_as(visit, personas.admin_p)
    page = visit.page

    visit.goto("/manage/nursing/")
    queues = page.get_by_role("region", name=t["waiting"])
    expect(queues.get_by_role("listitem")).to_contain_text(QUEUES[language])
    queues.get_by_role("link", name=t["asking"]).click()
    visit.check("-asking")
    expect(page.get_by_label(t["stage"])).to_have_value("activities_requested")
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows).to_have_count(2)  # the heading and Chloé, not Carl
    expect(rows.nth(1)).to_contain_text(t["asking_stage"])
    page.get_by_role("link", name="Chloé Dubois").click()
    visit.check("-student")
    expect(page.get_by_role("region", name=t["final_approval"])).to_be_visible()
    assert page.url.endswith(f"/manage/nursing/students/{asking.pk}/")


@pytest.mark.parametrize("language", ["en", "nb"])
def test_the_filtered_student_list_fits_a_phone(
    phone: Visit, personas: Personas, language: str
) -> None:
    EnrolmentFactory(
        programme=personas.programme_p,
        student=UserFactory(full_name="Chloé Dubois"),
        stage=Enrolment.Stage.ACTIVITIES_REQUESTED,
    )
    EnrolmentFactory(programme=personas.programme_p, student=UserFactory(full_name="Carl C"))
    prefer_language(phone, language)
    sign_in_as(phone, personas.admin_p)
    phone.goto("/manage/nursing/students/?stage=activities_requested")
    expect(phone.page.get_by_role("main")).to_contain_text("Chloé Dubois")
    expect(phone.page.get_by_role("main")).not_to_contain_text("Carl C")
    fits_the_screen(phone.page)


@pytest.mark.parametrize("language", ["en", "nb"])
def test_nobody_is_ticked_and_the_diploma_waits_for_the_presentation(
    visit: Visit, personas: Personas, language: str
) -> None:
    t = TEXT[language]
    chloe = UserFactory(full_name="Chloé Dubois")
    enrolment = enrolment_with_activities(
        student=chloe, programme=personas.programme_p, stage=Enrolment.Stage.REPORT_APPROVED
    )
    # A ceremony that began an hour ago, with Chloé and a student who stayed away signed up.
    ceremony = Session.objects.create(
        kind="ceremony", starts_at=ago(hours=1), place="Main auditorium", capacity=30
    )
    ceremony.programmes.add(personas.programme_p)
    away = EnrolmentFactory(
        programme=personas.programme_p,
        student=UserFactory(full_name="Stayed Away"),
        stage=Enrolment.Stage.REPORT_APPROVED,
    )
    for signed_up in (enrolment, away):
        SessionSignup.objects.create(session=ceremony, enrolment=signed_up)
    prefer_language(visit, language)
    sign_in_as(visit, personas.admin_p)
    page = visit.page
    student_page = f"/manage/nursing/students/{enrolment.pk}/"

    session_page = f"/manage/nursing/sessions/{ceremony.pk}/"
    visit.goto(session_page)
    who_came = page.get_by_role("group", name=t["who_came"])
    expect(who_came.get_by_role("checkbox")).to_have_count(2)
    for box in who_came.get_by_role("checkbox").all():
        expect(box).not_to_be_checked()

    visit.goto(student_page)
    expect(page.get_by_role("button", name=t["issue"])).to_have_count(0)
    expect(page.get_by_role("main")).to_contain_text(t["waits"])

    visit.goto(session_page)
    who_came.get_by_role("checkbox", name="Chloé Dubois").check()
    page.get_by_role("button", name=t["record"]).click()
    visit.check("-recorded")
    expect(who_came.get_by_role("checkbox", name="Chloé Dubois")).to_be_checked()
    expect(who_came.get_by_role("checkbox", name="Stayed Away")).not_to_be_checked()

    visit.goto(student_page)
    expect(page.get_by_role("main")).not_to_contain_text(t["waits"])
    expect(page.get_by_role("button", name=t["issue"])).to_be_visible()
