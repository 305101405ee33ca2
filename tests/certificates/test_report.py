"""The final report: word counting, the editor, submission, versions and the reviewer."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from certificates import workflow
from certificates.models import FinalReport, ReportVersion
from certificates.wordcount import count_words
from tests.conftest import Personas
from tests.factories import (
    EnrolmentFactory,
    EvidenceFactory,
    ProgrammeRoleFactory,
    enrolment_with_activities,
)
from tests.support.clients import client_for
from tests.support.wordcount_cases import NORWEGIAN, WORD_COUNT_CASES


@pytest.mark.parametrize(("text", "words"), WORD_COUNT_CASES)
def test_words_are_counted_as_a_person_would(text: str, words: int) -> None:
    assert count_words(text) == words


@pytest.fixture
def report(personas: Personas) -> FinalReport:
    enrolment = enrolment_with_activities(
        student=personas.student_a, programme=personas.programme_p, stage="activities_approved"
    )
    return workflow.start_report(enrolment=enrolment, by=personas.student_a)


def write(report: FinalReport, user, words: int) -> None:
    """Fill the report with exactly ``words`` words of bokmål, hyphenated words included."""
    sentence_words = count_words(NORWEGIAN)
    text = NORWEGIAN * (words // sentence_words) + " ".join(["ord"] * (words % sentence_words))
    workflow.save_report(
        report=report, by=user, summary="", texts=[text] + [""] * (len(report.sections) - 1)
    )


@pytest.mark.django_db
def test_report_starts_with_the_questions_as_headings_and_a_drafted_summary(
    report: FinalReport,
) -> None:
    assert len(report.sections) == 4
    assert report.sections[3]["en"].startswith("What has been most rewarding")
    assert report.summary.count("\n- ") == 2 and report.summary.startswith("- ")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("words", "accepted"), [(499, False), (500, True), (1000, True), (1001, False)]
)
def test_submission_keeps_to_the_word_range(
    personas: Personas, report: FinalReport, words: int, accepted: bool
) -> None:
    report.summary = ""
    write(report, personas.student_a, words)
    report.refresh_from_db()
    assert report.word_count == words
    if accepted:
        workflow.report_transition(report=report, by=personas.student_a, action="submit")
        assert ReportVersion.objects.get().word_count == words
    else:
        with pytest.raises(workflow.WorkflowError) as error:
            workflow.report_transition(report=report, by=personas.student_a, action="submit")
        assert f"has {words} words; it must have between 500 and 1000" in str(error.value)
        report.refresh_from_db()
        assert report.status == "draft" and not ReportVersion.objects.exists()


@pytest.mark.django_db
def test_returned_and_resubmitted_versions_keep_their_comments(
    personas: Personas, report: FinalReport, mailoutbox, committed
) -> None:
    write(report, personas.student_a, 600)
    workflow.report_transition(report=report, by=personas.student_a, action="submit")
    with pytest.raises(PermissionDenied):
        workflow.save_report(
            report=report, by=personas.student_b, summary="x", texts=["", "", "", ""]
        )
    with pytest.raises(workflow.WorkflowError, match="cannot be changed now"):
        write(report, personas.student_a, 700)
    with committed():
        workflow.report_transition(
            report=report, by=personas.reviewer_p, action="return", comment="Use headings."
        )
    assert "Use headings." in mailoutbox[0].body
    write(report, personas.student_a, 700)
    workflow.report_transition(report=report, by=personas.student_a, action="submit")
    workflow.report_transition(report=report, by=personas.reviewer_p, action="approve")
    versions = list(report.versions.order_by("number"))
    assert [(v.number, v.word_count, v.decision, v.comment) for v in versions] == [
        (1, 600, "returned", "Use headings."),
        (2, 700, "approved", ""),
    ]
    report.enrolment.refresh_from_db()
    assert report.enrolment.stage == "report_approved"


@pytest.mark.django_db
def test_report_needs_the_activities_approved_first(personas: Personas) -> None:
    enrolment = EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)
    response = client_for(personas.student_a).get(
        reverse("certificates:report", args=[enrolment.pk]), follow=True
    )
    assert "comes after the final approval of your activities" in response.content.decode()
    assert not FinalReport.objects.exists()


@pytest.mark.django_db
def test_editor_autosaves_and_counts_words(personas: Personas, report: FinalReport) -> None:
    client = client_for(personas.student_a)
    page = client.get(reverse("certificates:report", args=[report.enrolment.pk]))
    assert page.status_code == 200 and "data-word-count-form" in page.content.decode()
    data = {
        "summary": "Three activities.",
        "section_0": NORWEGIAN,
        "section_1": "",
        "section_2": "",
        "section_3": "",
    }
    response = client.post(
        reverse("certificates:report_autosave", args=[report.enrolment.pk]),
        data,
        HTTP_HX_REQUEST="true",
    )
    assert "12 words" in response.content.decode()
    report.refresh_from_db()
    assert report.sections[0]["text"] == NORWEGIAN.strip()


@pytest.mark.django_db
def test_only_own_photos_can_be_put_in_the_report(personas: Personas, report: FinalReport) -> None:
    mine = EvidenceFactory(entry=report.enrolment.entries.first())
    theirs = EvidenceFactory()  # another student's photo
    workflow.save_report(
        report=report,
        by=personas.student_a,
        summary="",
        texts=["", "", "", ""],
        photo_ids=[mine.pk, theirs.pk],
    )
    assert list(report.photos.all()) == [mine]


@pytest.mark.django_db
def test_reviewer_reads_and_approves_through_the_pages(
    personas: Personas, report: FinalReport
) -> None:
    write(report, personas.student_a, 550)
    workflow.report_transition(report=report, by=personas.student_a, action="submit")
    reviewer = client_for(personas.reviewer_p)
    home = reviewer.get(reverse("certificates:review_home"))
    assert [r.pk for r in home.context["waiting"]] == [report.pk]
    url = reverse("certificates:report_review", args=[report.pk])
    assert "CIL-sertifikatet" in reviewer.get(url).content.decode()
    response = reviewer.post(url, {"action": "return", "comment": ""}, follow=True)
    assert "Write your comments for the student" in response.content.decode()
    reviewer.post(url, {"action": "approve", "comment": ""})
    report.refresh_from_db()
    assert report.status == "approved"


@pytest.mark.django_db
def test_a_reviewer_of_another_programme_cannot_open_the_report(
    personas: Personas, report: FinalReport
) -> None:
    reviewer_q = ProgrammeRoleFactory(programme=personas.programme_q, role="reviewer").user
    url = reverse("certificates:report_review", args=[report.pk])
    assert client_for(reviewer_q).get(url).status_code == 404
    assert client_for(reviewer_q).post(url, {"action": "approve"}).status_code == 404
    for who in ("student_a", "student_b", "admin_p"):
        assert (
            client_for(getattr(personas, who)).get(url).status_code == 403
        )  # not reviewers at all
    with pytest.raises(PermissionDenied):
        workflow.report_transition(report=report, by=reviewer_q, action="approve")


REPORT_STATES = ["draft", "submitted", "returned", "approved"]
REPORT_ACTIONS = ["submit", "approve", "return"]
REPORT_ROLES = [
    "student_a",
    "student_b",
    "admin_p",
    "admin_q",
    "reviewer_p",
    "central",
    "superuser",
]
# From the users' side: the student submits drafts and returned reports; a reviewer of the
# programme approves or returns submitted ones.
REPORT_ALLOWED = {
    ("draft", "submit", "student_a"): "submitted",
    ("returned", "submit", "student_a"): "submitted",
    ("submitted", "approve", "reviewer_p"): "approved",
    ("submitted", "approve", "superuser"): "approved",
    ("submitted", "return", "reviewer_p"): "returned",
    ("submitted", "return", "superuser"): "returned",
}


@pytest.mark.django_db
@pytest.mark.parametrize("state", REPORT_STATES)
@pytest.mark.parametrize("action", REPORT_ACTIONS)
@pytest.mark.parametrize("role", REPORT_ROLES)
def test_every_report_state_action_and_role(
    personas: Personas, report: FinalReport, state, action, role
) -> None:
    from cil.models import AuditEvent

    write(report, personas.student_a, 600)
    FinalReport.objects.filter(pk=report.pk).update(status=state)
    if state in ("submitted", "approved", "returned"):
        ReportVersion.objects.create(
            report=report, number=1, summary="", sections=[], word_count=600
        )
    report.refresh_from_db()
    before = AuditEvent.objects.count()
    expected = REPORT_ALLOWED.get((state, action, role))
    user = getattr(personas, role)
    if expected:
        workflow.report_transition(report=report, by=user, action=action, comment="Comments.")
        report.refresh_from_db()
        assert report.status == expected
        assert AuditEvent.objects.filter(action=f"report.{action}").count() == 1
    else:
        with pytest.raises((PermissionDenied, workflow.WorkflowError)):
            workflow.report_transition(report=report, by=user, action=action, comment="Comments.")
        report.refresh_from_db()
        assert report.status == state
        assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_the_students_home_shows_the_report_status(personas: Personas, report: FinalReport) -> None:
    write(report, personas.student_a, 600)
    workflow.report_transition(report=report, by=personas.student_a, action="submit")
    page = client_for(personas.student_a).get(reverse("portfolio:home")).content.decode()
    assert "Awaiting review" in page


def test_who_decides_on_a_report_is_read_from_its_table(
    personas: Personas, report: FinalReport
) -> None:
    reviewer_q = ProgrammeRoleFactory(programme=personas.programme_q, role="reviewer").user
    deciding = {"approve", "return"}
    assert workflow.decisions_for(report, personas.reviewer_p) == deciding
    assert workflow.decisions_for(report, personas.superuser) == deciding
    for user in (reviewer_q, personas.student_a, personas.admin_p, personas.central):
        assert workflow.decisions_for(report, user) == set()


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 12])
def test_the_report_review_costs_the_same_number_of_queries_however_many_activities(
    personas: Personas, django_assert_max_num_queries, size: int
) -> None:
    enrolment = enrolment_with_activities(
        student=personas.student_a,
        programme=personas.programme_p,
        locations=("home", "abroad") * (size // 2) + ("home",) * (size % 2),
        stage="activities_approved",
    )
    report = workflow.start_report(enrolment=enrolment, by=personas.student_a)
    write(report, personas.student_a, 550)
    workflow.report_transition(report=report, by=personas.student_a, action="submit")
    client = client_for(personas.reviewer_p)
    url = reverse("certificates:report_review", args=[report.pk])
    client.get(url)  # as on a running server: the privacy notice's version is remembered
    # The session, the user, their roles, their second factor (staff), the report, the record
    # of the reading (privacy), the approved activities, the report's photos and its versions.
    with django_assert_max_num_queries(9):
        response = client.get(url)
    assert response.content.decode().count("<li>Activity ") == size
