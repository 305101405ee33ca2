"""Sessions: scheduling, who may sign up, capacity, and attendance that records the step."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from certificates import upcoming, workflow
from certificates.models import Diploma, Session, SessionSignup
from tests.conftest import Personas
from tests.factories import EnrolmentFactory, UserFactory
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


def make_session(programme, kind="ceremony", capacity=30, days=7) -> Session:
    session = Session.objects.create(
        kind=kind,
        starts_at=timezone.now() + datetime.timedelta(days=days),
        place="Aula",
        capacity=capacity,
    )
    session.programmes.add(programme)
    return session


def has_started(session: Session) -> None:
    """The session's time comes: sign-up closes and attendance can be recorded."""
    Session.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    session.refresh_from_db()


def test_administrator_schedules_a_session(personas: Personas) -> None:
    client = client_for(personas.admin_p)
    data = {
        "kind": "poster",
        "title": "Poster session, spring",
        "starts_at": "2027-04-20T14:00",
        "place": "Atrium",
        "capacity": "40",
        "programmes": [personas.programme_p.pk],
    }
    response = client.post(reverse("certificates:sessions", args=["nursing"]), data)
    assert response.status_code == 302
    session = Session.objects.get()
    assert (session.kind, list(session.programmes.all())) == ("poster", [personas.programme_p])


@pytest.mark.parametrize(
    ("kind", "stage", "career_required", "eligible"),
    [
        ("ceremony", "report_approved", False, True),
        ("ceremony", "activities_approved", False, False),  # the report comes first
        ("poster", "presented", False, False),
        ("career_course", "enrolled", True, True),
        ("career_course", "enrolled", False, False),
    ],
)
def test_who_may_sign_up(personas: Personas, kind, stage, career_required, eligible) -> None:
    personas.programme_p.career_course_required = career_required
    personas.programme_p.save()
    presented_on = datetime.date(2026, 5, 1) if stage == "presented" else None
    enrolment = EnrolmentFactory(
        student=personas.student_a,
        programme=personas.programme_p,
        stage=stage,
        presented_on=presented_on,
    )
    session = make_session(personas.programme_p, kind=kind)
    if eligible:
        workflow.sign_up_for_session(session=session, enrolment=enrolment, by=personas.student_a)
        assert SessionSignup.objects.count() == 1
    else:
        with pytest.raises(workflow.WorkflowError):
            workflow.sign_up_for_session(
                session=session, enrolment=enrolment, by=personas.student_a
            )
        assert not SessionSignup.objects.exists()


def test_a_student_cannot_sign_up_for_another_programmes_session(personas: Personas) -> None:
    enrolment = EnrolmentFactory(
        student=personas.student_a, programme=personas.programme_p, stage="report_approved"
    )
    session = make_session(personas.programme_q, kind="ceremony")
    with pytest.raises(workflow.WorkflowError, match="not for your study programme"):
        workflow.sign_up_for_session(session=session, enrolment=enrolment, by=personas.student_a)
    assert not SessionSignup.objects.exists()


def test_a_full_session_takes_nobody_more(personas: Personas) -> None:
    session = make_session(personas.programme_p, capacity=1)
    first, second = (
        EnrolmentFactory(
            student=UserFactory(), programme=personas.programme_p, stage="report_approved"
        )
        for _ in range(2)
    )
    workflow.sign_up_for_session(session=session, enrolment=first, by=first.student)
    with pytest.raises(workflow.WorkflowError, match="full"):
        workflow.sign_up_for_session(session=session, enrolment=second, by=second.student)


def test_attendance_records_the_presentation_for_those_who_came(personas: Personas) -> None:
    session = make_session(personas.programme_p, kind="ceremony")
    came, away = (
        EnrolmentFactory(
            student=UserFactory(), programme=personas.programme_p, stage="report_approved"
        )
        for _ in range(2)
    )
    signups = [
        workflow.sign_up_for_session(session=session, enrolment=e, by=e.student)
        for e in (came, away)
    ]
    has_started(session)
    client = client_for(personas.admin_p)
    client.post(
        reverse("certificates:session", args=["nursing", session.pk]), {"attended": [signups[0].pk]}
    )
    came.refresh_from_db()
    away.refresh_from_db()
    assert (came.stage, came.presentation_form, came.presented_on) == (
        "presented",
        "ceremony",
        timezone.localdate(session.starts_at),
    )
    assert (away.stage, away.presented_on) == ("report_approved", None)
    assert list(SessionSignup.objects.order_by("pk").values_list("attended", flat=True)) == [
        True,
        False,
    ]


def ticked(page: str) -> list[str]:
    """The names of the students ticked under "Who came?"."""
    return re.findall(
        r'name="attended" value="\d+" id="[\w-]+" checked>\s*<label[^>]*>([^<]+?) <', page
    )


def test_who_came_has_nobody_ticked_until_attendance_is_recorded(personas: Personas) -> None:
    session = make_session(personas.programme_p, kind="ceremony", days=-1)  # it has started
    came, away = (
        EnrolmentFactory(
            student=UserFactory(full_name=name),
            programme=personas.programme_p,
            stage="report_approved",
        )
        for name in ("Came Early", "Stayed Away")
    )
    signups = [SessionSignup.objects.create(session=session, enrolment=e) for e in (came, away)]
    client = client_for(personas.admin_p)
    url = reverse("certificates:session", args=["nursing", session.pk])
    page = client.get(url).content.decode()
    assert "Came Early" in page and "Stayed Away" in page
    assert ticked(page) == []
    client.post(url, {"attended": [signups[0].pk]})
    assert ticked(client.get(url).content.decode()) == ["Came Early"]


def test_attendance_at_a_career_course_records_it(personas: Personas) -> None:
    personas.programme_p.career_course_required = True
    personas.programme_p.save()
    enrolment = EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)
    session = make_session(personas.programme_p, kind="career_course")
    signup = workflow.sign_up_for_session(
        session=session, enrolment=enrolment, by=personas.student_a
    )
    has_started(session)
    workflow.record_attendance(session=session, by=personas.admin_p, attended_ids={signup.pk})
    enrolment.refresh_from_db()
    assert enrolment.career_course_on == timezone.localdate(session.starts_at)


def test_student_sees_sessions_for_the_next_step_and_signs_up_and_cancels(
    personas: Personas,
) -> None:
    enrolment = EnrolmentFactory(
        student=personas.student_a, programme=personas.programme_p, stage="report_approved"
    )
    session = make_session(personas.programme_p, kind="ceremony")
    make_session(personas.programme_q, kind="ceremony")  # another programme's: not shown
    client = client_for(personas.student_a)
    home = client.get(reverse("portfolio:home")).content.decode()
    assert home.count("Sign me up") == 1
    client.post(reverse("certificates:session_signup", args=[enrolment.pk, session.pk]))
    assert "You are signed up" in client.get(reverse("portfolio:home")).content.decode()
    client.post(reverse("certificates:session_cancel", args=[enrolment.pk, session.pk]))
    assert not SessionSignup.objects.exists()


def test_the_home_page_lists_sessions_in_the_same_number_of_queries_however_many(
    personas: Personas,
) -> None:
    """The home asks no query per session: the programme's own upcoming sessions are offered to
    it, so whether the student may sign up for each is answered without the database."""
    personas.programme_p.career_course_required = True
    personas.programme_p.save()
    enrolment = EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)
    client = client_for(personas.student_a)

    def home_queries() -> tuple[int, str]:
        client.get(reverse("portfolio:home"))  # the programme's list is cached
        with CaptureQueriesContext(connection) as queries:
            home = client.get(reverse("portfolio:home")).content.decode()
        return len(queries), home

    sessions = [make_session(personas.programme_p, kind="career_course", days=d) for d in (3, 4)]
    workflow.sign_up_for_session(session=sessions[0], enrolment=enrolment, by=personas.student_a)
    with_two, home = home_queries()
    assert (home.count("Sign me up"), home.count("You are signed up")) == (1, 1)
    for days in range(5, 11):
        make_session(personas.programme_p, kind="career_course", days=days)
    with_eight, home = home_queries()
    assert (home.count("Sign me up"), home.count("You are signed up")) == (7, 1)
    assert with_eight == with_two


def test_the_home_page_shows_the_sessions_as_they_are_changed(personas: Personas) -> None:
    """The home page keeps a programme's upcoming sessions in the cache: every change to them
    shows on the next visit."""
    enrolment = EnrolmentFactory(
        student=personas.student_a, programme=personas.programme_p, stage="report_approved"
    )
    client = client_for(personas.student_a)

    def offered() -> int:
        return client.get(reverse("portfolio:home")).content.decode().count("Sign me up")

    assert offered() == 0
    data = {
        "kind": "ceremony",
        "starts_at": "2099-04-20T14:00",
        "place": "Aula",
        "capacity": "40",
        "programmes": [personas.programme_p.pk],
    }
    client_for(personas.admin_p).post(reverse("certificates:sessions", args=["nursing"]), data)
    assert offered() == 1
    session = Session.objects.get()
    session.programmes.remove(personas.programme_p)
    assert offered() == 0
    session.programmes.add(personas.programme_p)
    assert offered() == 1
    session.place = "Atrium"
    session.save()
    assert "Atrium" in client.get(reverse("portfolio:home")).content.decode()
    session.delete()
    assert offered() == 0
    later = make_session(personas.programme_p)
    assert offered() == 1
    workflow.sign_up_for_session(session=later, enrolment=enrolment, by=personas.student_a)
    has_started(later)  # an update: no signal, so the home page may still list it
    workflow.record_attendance(session=later, by=personas.admin_p, attended_ids={enrolment.pk})
    home = client.get(reverse("portfolio:home")).content.decode()
    assert "Cancel my place" not in home and "Sign me up" not in home


def test_the_home_page_shows_each_place_taken_and_given_back(personas: Personas) -> None:
    """The cached list carries who holds a place: the student's own sign-up and cancellation
    show on the next visit, and another student's place is not theirs."""
    enrolment = EnrolmentFactory(
        student=personas.student_a, programme=personas.programme_p, stage="report_approved"
    )
    other = EnrolmentFactory(programme=personas.programme_p, stage="report_approved")
    session = make_session(personas.programme_p)
    client = client_for(personas.student_a)

    def home() -> str:
        return client.get(reverse("portfolio:home")).content.decode()

    assert "Sign me up" in home()  # the list is in the cache from here on
    workflow.sign_up_for_session(session=session, enrolment=other, by=other.student)
    assert "Sign me up" in home() and "You are signed up" not in home()
    signup = workflow.sign_up_for_session(
        session=session, enrolment=enrolment, by=personas.student_a
    )
    assert "You are signed up" in home() and "Sign me up" not in home()
    workflow.cancel_session_signup(signup=signup, by=personas.student_a)
    assert "Sign me up" in home() and "You are signed up" not in home()


def test_a_list_read_before_a_change_is_not_used_after_it(personas: Personas) -> None:
    """A page that read the sessions just before a change committed, and put its list in the
    cache just after, does not show that old list: it was read in an older generation."""
    enrolment = EnrolmentFactory(
        student=personas.student_a, programme=personas.programme_p, stage="report_approved"
    )
    session = make_session(personas.programme_p)
    before = upcoming.upcoming(personas.programme_p.pk)
    generation = cache.get(upcoming.GENERATION)
    workflow.sign_up_for_session(session=session, enrolment=enrolment, by=personas.student_a)
    # The slow page puts back what it read, under the generation it read before the change.
    cache.set(
        f"upcoming-sessions:{personas.programme_p.pk}",
        (generation, before.sessions, before.signed_up),
    )
    assert upcoming.upcoming(personas.programme_p.pk).places_of(enrolment.pk) == {session.pk}
    home = client_for(personas.student_a).get(reverse("portfolio:home")).content.decode()
    assert "You are signed up" in home


def test_another_student_cannot_sign_someone_up(personas: Personas) -> None:
    enrolment = EnrolmentFactory(
        student=personas.student_a, programme=personas.programme_p, stage="report_approved"
    )
    session = make_session(personas.programme_p)
    response = client_for(personas.student_b).post(
        reverse("certificates:session_signup", args=[enrolment.pk, session.pk])
    )
    assert response.status_code == 404
    assert not SessionSignup.objects.exists()


def test_attendance_waits_until_the_session_has_started(personas: Personas) -> None:
    session = make_session(personas.programme_p, kind="ceremony", days=21)
    enrolment = EnrolmentFactory(
        student=personas.student_a, programme=personas.programme_p, stage="report_approved"
    )
    signup = workflow.sign_up_for_session(
        session=session, enrolment=enrolment, by=enrolment.student
    )
    with pytest.raises(workflow.WorkflowError, match="once the session has started"):
        workflow.record_attendance(session=session, by=personas.admin_p, attended_ids={signup.pk})
    client = client_for(personas.admin_p)
    url = reverse("certificates:session", args=["nursing", session.pk])
    page = client.get(url).content.decode()
    assert "Record attendance" not in page and "once the session has started" in page
    response = client.post(url, {"attended": [signup.pk]}, follow=True)
    assert "once the session has started" in response.content.decode()
    enrolment.refresh_from_db()
    signup.refresh_from_db()
    session.refresh_from_db()
    assert (enrolment.stage, enrolment.presented_on, signup.attended) == (
        "report_approved",
        None,
        None,
    )
    assert session.attendance_recorded_at is None
    assert not Diploma.objects.exists()


@pytest.mark.parametrize(
    ("action", "field", "stage"),
    [
        ("record_presentation", "presented_on", "report_approved"),
        ("career_course", "completed_on", "enrolled"),
    ],
)
def test_a_presentation_or_career_course_cannot_be_dated_in_the_future(
    personas: Personas, action: str, field: str, stage: str
) -> None:
    enrolment = EnrolmentFactory(
        student=personas.student_a, programme=personas.programme_p, stage=stage
    )
    future = timezone.localdate() + datetime.timedelta(days=21)
    response = client_for(personas.admin_p).post(
        reverse("certificates:student", args=["nursing", enrolment.pk]),
        {"action": action, field: future.isoformat(), "form": "ceremony"},
        follow=True,
    )
    assert "cannot be in the future" in response.content.decode()
    enrolment.refresh_from_db()
    assert (enrolment.presented_on, enrolment.career_course_on) == (None, None)


def test_a_recorded_attendance_ends_signing_up_and_cancelling(personas: Personas) -> None:
    enrolment = EnrolmentFactory(
        student=personas.student_a, programme=personas.programme_p, stage="report_approved"
    )
    other = EnrolmentFactory(
        student=personas.student_b, programme=personas.programme_p, stage="report_approved"
    )
    session = make_session(personas.programme_p, kind="ceremony")
    signup = workflow.sign_up_for_session(
        session=session, enrolment=enrolment, by=personas.student_a
    )
    # Attendance recorded while the session is still ahead (as was possible) or after it.
    Session.objects.filter(pk=session.pk).update(attendance_recorded_at=timezone.now())
    SessionSignup.objects.filter(pk=signup.pk).update(attended=False)
    with pytest.raises(workflow.WorkflowError, match="Attendance at this session is recorded"):
        workflow.cancel_session_signup(signup=signup, by=personas.student_a)
    with pytest.raises(workflow.WorkflowError, match="Attendance at this session is recorded"):
        workflow.sign_up_for_session(session=session, enrolment=other, by=personas.student_b)
    assert SessionSignup.objects.filter(pk=signup.pk).exists()
    client = client_for(personas.student_a)
    response = client.post(reverse("certificates:session_cancel", args=[enrolment.pk, session.pk]))
    assert response.status_code == 302
    assert SessionSignup.objects.filter(pk=signup.pk).exists()
    home = client.get(reverse("portfolio:home")).content.decode()
    assert "Cancel my place" not in home and "Sign me up" not in home
    assert (
        "Sign me up"
        not in client_for(personas.student_b).get(reverse("portfolio:home")).content.decode()
    )
