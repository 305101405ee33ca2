"""Demo students at every stage of the certificate, so each page of the workflow has someone
to show: final approval asked for, a report waiting for review, a presentation next, a diploma
issued, and a diploma revoked. Those who got a diploma have confirmed a private address for
after graduation; Farah, whose diploma is next, has not yet (the pages say it waits for it).

The facts of the past (approved activities, a written report) are written straight to the
database; every later step goes through the workflow functions, as a real administrator's or
reviewer's click would, so the audit trail reads as it would in use. Students who already
have an enrolment are left alone, so running it twice changes nothing.
"""

from __future__ import annotations

import datetime
from typing import cast

from allauth.account.models import EmailAddress
from django.utils import timezone

from activities.models import Activity, StudyProgramme
from certificates import workflow
from certificates.models import FinalReport, Session
from cil.models import GraduationAddress, User
from portfolio.models import Enrolment, Entry, Reflection

NURSING_ACTIVITIES = [
    ("Buddy for incoming exchange students", 1, "NO", "Oslo"),
    ("Guest lectures on global health", 3, "NO", "Oslo"),
    ("Exchange semester with clinical placement", 1, "ES", "Granada"),
]
MEDICINE_ACTIVITIES = [  # going abroad is optional in Medicine
    ("Contact person for incoming clerkship students", 1, "NO", "Oslo"),
    ("Global Health Day: student conference", 1, "NO", "Oslo"),
    ("Elective course: Global health (7.5 ECTS, taught in English)", 1, "NO", "Oslo"),
]
PARAGRAPH = (
    "Taking part in international activities during my studies has changed how I see my future "
    "profession. I met students and patients from many countries, and I learned to ask what "
    "they expect instead of assuming that they think as I do. "
)  # 44 words

# (e-mail, programme, activities, the furthest stage to reach)
STUDENTS = [
    ("dina.student@uni.example", "nursing", NURSING_ACTIVITIES, "activities_requested"),
    ("emil.student@uni.example", "medicine", MEDICINE_ACTIVITIES, "report_submitted"),
    ("farah.student@uni.example", "nursing", NURSING_ACTIVITIES, "report_approved"),
    ("gustav.student@uni.example", "nursing", NURSING_ACTIVITIES, "certified"),
    ("hanna.student@uni.example", "medicine", MEDICINE_ACTIVITIES, "revoked"),
]
ORDER = ["activities_requested", "report_submitted", "report_approved", "certified", "revoked"]


# The demo accounts give every demo programme an administrator and a reviewer.
def _admin_of(programme: StudyProgramme) -> User:
    return cast(User, programme.staff("administrator").first())


def _reviewer_of(programme: StudyProgramme) -> User:
    return cast(User, programme.staff("reviewer").first())


def _enrol_with_approved_activities(
    student: User, programme: StudyProgramme, activities: list[tuple[str, int, str, str]]
) -> Enrolment:
    enrolment = Enrolment.objects.create(
        student=student,
        programme=programme,
        rules=programme.ruleset().to_dict(),
        expected_term=Enrolment.Term.SPRING,
        expected_year=timezone.localdate().year,
        terms_accepted_at=timezone.now() - datetime.timedelta(days=500),
    )
    # Signed up about a year and a half ago, as students who have come this far did.
    Enrolment.objects.filter(pk=enrolment.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=500)
    )
    start = datetime.date(2025, 9, 1)
    for number, (title, engagements, country, city) in enumerate(activities):
        activity = Activity.objects.get(title_en=title, private_to__isnull=True)
        entry = Entry.objects.create(
            enrolment=enrolment,
            activity=activity,
            status=Entry.Status.APPROVED,
            started_on=start + datetime.timedelta(days=90 * number),
            ended_on=start + datetime.timedelta(days=90 * number + 30),
            country=country,
            city=city,
            description="Took part as planned; see the evidence and the diary.",
            engagements=engagements,
            submitted_at=timezone.now() - datetime.timedelta(days=200),
            decided_at=timezone.now() - datetime.timedelta(days=190),
        )
        questions = programme.activity_questions
        Reflection.objects.create(
            entry=entry, answers=[{**q, "answer": PARAGRAPH} for q in questions]
        )
    return enrolment


def _write_report(enrolment: Enrolment) -> FinalReport:
    report = workflow.start_report(enrolment=enrolment, by=enrolment.student)
    texts = [PARAGRAPH * 3 for _ in report.sections]  # about 530 words with the summary
    return workflow.save_report(
        report=report, by=enrolment.student, summary=report.summary, texts=texts
    )


def _confirm_graduation_address(student: User) -> None:
    """A private address for after graduation, as if the student had opened its link."""
    local = student.email.partition("@")[0]
    address, _created = EmailAddress.objects.get_or_create(
        user=student, email=f"{local}@private.example", defaults={"verified": True}
    )
    GraduationAddress.objects.get_or_create(user=student, defaults={"email_address": address})


def _reach(enrolment: Enrolment, goal: str) -> None:
    programme, student = enrolment.programme, enrolment.student
    admin, reviewer = _admin_of(programme), _reviewer_of(programme)
    reached = ORDER.index(goal)
    workflow.advance(enrolment=enrolment, by=student, action="request_activities")
    if reached == 0:
        return
    workflow.advance(enrolment=enrolment, by=admin, action="confirm_activities")
    report = _write_report(enrolment)
    workflow.report_transition(report=report, by=student, action="submit")
    if reached == 1:
        return
    workflow.report_transition(report=report, by=reviewer, action="approve")
    if programme.career_course_required:
        workflow.record_career_course(
            enrolment=enrolment, by=admin, completed_on=datetime.date(2026, 3, 12)
        )
    if reached == 2:
        return
    if programme.presentation_required:
        workflow.advance(
            enrolment=enrolment, by=admin, action="record_presentation",
            presented_on=datetime.date(2026, 6, 5), form="ceremony", comment="Spring ceremony",
        )  # fmt: skip
    _confirm_graduation_address(student)  # the diploma waits for it
    workflow.advance(enrolment=enrolment, by=admin, action="issue_diploma", language="both")
    if goal == "revoked":
        workflow.advance(
            enrolment=enrolment, by=admin, action="revoke_diploma",
            comment="Issued with a misspelt name; a corrected diploma will follow.",
        )  # fmt: skip


def seed_stages(programmes: dict[str, StudyProgramme]) -> None:
    for email, code, activities, goal in STUDENTS:
        student = User.objects.filter(email=email).first()
        programme = programmes[code]
        if (
            student is None
            or Enrolment.objects.filter(student=student, programme=programme).exists()
        ):
            continue
        enrolment = _enrol_with_approved_activities(student, programme, activities)
        _reach(enrolment, goal)
    # A ceremony ahead, for Farah (report approved) to sign up for.
    nursing = programmes["nursing"]
    if not Session.objects.filter(programmes=nursing, kind=Session.Kind.CEREMONY).exists():
        ceremony = Session.objects.create(
            kind=Session.Kind.CEREMONY,
            title="CIL ceremony",
            starts_at=timezone.now() + datetime.timedelta(days=21),
            place="Main auditorium",
            capacity=40,
            created_by=_admin_of(nursing),
        )
        ceremony.programmes.add(nursing, programmes["medicine"])
