"""The benchmark's data set: reproducible, spread over stages and years, on PostgreSQL."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone

from activities.models import StudyProgramme
from certificates import status_list
from certificates.models import Diploma, Session, SessionSignup, ShareLink, StatusList
from cil.models import AuditEvent, PrivacyAcceptance, PrivacyNotice, User
from demo import scale
from portfolio.models import (
    Confirmation,
    DiaryNote,
    Enrolment,
    Entry,
    Reflection,
    StaffAccess,
)
from tests.support.clients import client_for


@pytest.mark.django_db
def test_seed_scale_refuses_without_debug(settings) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_scale", "--students", "10")


@pytest.mark.django_db
def test_seed_scale_makes_a_realistic_spread(settings) -> None:
    settings.DEBUG = True
    call_command("seed_scale", "--students", "300", "--programmes", "6", verbosity=0)
    assert Enrolment.objects.count() == 300
    stages = dict(Enrolment.objects.values_list("stage").annotate(n=Count("pk")))
    assert set(stages) == {s.value for s in Enrolment.Stage}
    years = {d.year for d in Enrolment.objects.values_list("created_at", flat=True)}
    assert len(years) >= 4  # spread over five years
    assert Entry.objects.filter(status="approved").count() > 300


def test_programmes_grow_with_students() -> None:
    assert scale.default_programmes(2_000) == 40
    assert scale.default_programmes(20_000) == 40
    assert scale.default_programmes(200_000) == 400


@pytest.mark.django_db
def test_seed_scale_has_the_newer_features_data(settings) -> None:
    settings.DEBUG = True
    call_command("seed_scale", "--students", "400", "--programmes", "5", verbosity=0)
    certified = Enrolment.objects.filter(stage="certified")

    # Every diploma has a stored credential and its own entry in the revocation list, whose
    # bits say which are revoked; each certified student has exactly one valid diploma.
    diplomas = Diploma.objects.select_related("status_list")
    assert diplomas.filter(credential="").count() == 0
    assert diplomas.filter(status_list__isnull=True).count() == 0
    assert diplomas.filter(revoked_at__isnull=True).count() == certified.count()
    assert all(status_list.is_revoked(d) == (d.revoked_at is not None) for d in diplomas)
    assert sum(s.used for s in StatusList.objects.all()) == diplomas.count()

    # Share links of certified students only, some stopped; their hashes find them.
    links = ShareLink.objects.all()
    assert links.count() > 0 and {lk.enrolment.stage for lk in links} == {"certified"}
    assert links.filter(revoked_at__isnull=False).exists()
    from certificates import sharing

    link = links.filter(revoked_at__isnull=True).order_by("pk").first()
    assert link is not None
    assert ShareLink.objects.get(token_hash=sharing.hash_token(sharing.token_for(link))) == link

    # Organisers asked to confirm, in every state, for entries that were sent.
    confirmations = Confirmation.objects.all()
    assert set(confirmations.values_list("status", flat=True)) == set(Confirmation.Status)
    assert not confirmations.filter(entry__status="draft").exists()
    assert confirmations.filter(token_hash__isnull=True).count() == 0

    # Reflections and diary notes; the career course where the programme asks for it.
    reflections = Reflection.objects.all()
    assert reflections.count() > 300 and all(r.is_complete for r in reflections[:20])
    assert DiaryNote.objects.count() > 300
    assert certified.filter(programme__career_course_required=True).exists()
    assert not certified.filter(
        programme__career_course_required=True, career_course_on__isnull=True
    ).exists()

    # Staff who looked at portfolios, and everyone has accepted the privacy notice.
    assert StaffAccess.objects.values("student").distinct().count() > 100
    notice = PrivacyNotice.objects.order_by("-version")[0]
    accepted = PrivacyAcceptance.objects.filter(notice=notice).values("user")
    assert not User.objects.exclude(pk__in=accepted).exists()
    assert User.objects.filter(email=scale.CENTRAL_EMAIL, is_central_staff=True).exists()

    # The workflow's audit trail: every transition of every entry that was sent.
    assert AuditEvent.objects.filter(action="entry.submit").count() == (
        Entry.objects.exclude(status="draft").count()
    )
    assert AuditEvent.objects.filter(action="enrolment.issue_diploma").count() == certified.count()


@pytest.mark.django_db
def test_seed_scale_has_sessions_and_sign_ups_at_the_matching_stage(settings) -> None:
    settings.DEBUG = True
    call_command("seed_scale", "--students", "600", "--programmes", "4", verbosity=0)
    now = timezone.now()
    upcoming = Session.objects.filter(starts_at__gt=now)
    past = Session.objects.filter(starts_at__lt=now)

    # Every programme has upcoming presentations; the career course only where it is asked for.
    for programme in StudyProgramme.objects.filter(code__startswith="scale-"):
        offered = upcoming.filter(programmes=programme)
        kinds = set(offered.values_list("kind", flat=True))
        assert {"ceremony", "poster"} <= kinds
        assert ("career_course" in kinds) == programme.career_course_required
        assert past.filter(programmes=programme).exists()
    assert not past.filter(attendance_recorded_at__isnull=True).exists()
    assert not upcoming.filter(attendance_recorded_at__isnull=False).exists()

    # Sign-ups by active students at the stage the session is for, within its places.
    signups = SessionSignup.objects.select_related("session", "enrolment")
    assert signups.filter(session__in=upcoming).exists()
    assert signups.filter(session__in=past, attended=True).exists()
    assert signups.filter(session__in=past, attended=False).exists()
    assert not signups.exclude(enrolment__status="active").exists()
    assert not signups.filter(session__in=upcoming, attended__isnull=False).exists()
    assert not signups.filter(session__in=past, attended__isnull=True).exists()
    assert {
        s.enrolment.stage for s in signups.filter(session__in=upcoming, session__kind="ceremony")
    } == {"report_approved"}
    assert {
        s.enrolment.stage
        for s in signups.filter(session__in=upcoming, session__kind="career_course")
    } <= {"enrolled", "activities_requested", "activities_approved"}
    assert not Session.objects.annotate(n=Count("signups")).filter(n__gt=F("capacity")).exists()
    # Who came has the step recorded on the session's day.
    for signup in signups.filter(attended=True):
        day = timezone.localdate(signup.session.starts_at)
        if signup.session.is_career_course:
            assert signup.enrolment.career_course_on == day
        else:
            assert (signup.enrolment.stage, signup.enrolment.presented_on) == ("presented", day)
    assert AuditEvent.objects.filter(action="session.signed_up").count() == signups.count()
    assert AuditEvent.objects.filter(action="session.attendance").count() == past.count()

    # The student's home lists the session they signed up for.
    signup = signups.filter(session__in=upcoming, session__kind="ceremony").order_by("pk")[0]
    home = client_for(signup.enrolment.student).get(reverse("portfolio:home")).content.decode()
    assert "You are signed up" in home and "Cancel my place" in home


def _schema(tables: list[str]) -> set[tuple[str, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = ANY(%s::regclass[])",
            [tables],
        )
        constraints = set(cursor.fetchall())
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = ANY(%s::regclass[])",
            [tables],
        )
        return constraints | set(cursor.fetchall())


@pytest.mark.django_db
def test_seed_scale_leaves_the_schema_and_sequences_as_they_were(
    settings, django_user_model
) -> None:
    """The load drops and makes again indexes and foreign keys, and writes its own keys: the
    schema is the same afterwards, and the portal inserts as usual."""
    settings.DEBUG = True
    tables = [m._meta.db_table for m in scale.LOADED]
    before = _schema(tables)
    scale.seed(students=200, programmes=3, seed=11)
    assert _schema(tables) == before
    user = User.objects.create(email="after@scale.example", full_name="After Seed")
    enrolment = Enrolment.objects.create(
        student=user,
        programme=StudyProgramme.objects.filter(code__startswith="scale-")[0],
        rules={},
        expected_term="spring",
        expected_year=2030,
        terms_accepted_at=user.date_joined,
    )
    assert enrolment.pk > Enrolment.objects.exclude(pk=enrolment.pk).order_by("-pk")[0].pk


@pytest.mark.django_db
def test_seed_scale_is_reproducible(settings) -> None:
    from django.db import transaction

    def fingerprint() -> list[object]:
        rows = Enrolment.objects.order_by("student__email").values_list(
            "student__email", "stage", "programme__code", "created_at__date"
        )
        return [
            list(rows),
            Entry.objects.count(),
            sorted(ShareLink.objects.values_list("key", "token_hash", "expires_on")),
            sorted(Confirmation.objects.values_list("entry__enrolment__student__email", "status")),
            sorted(Diploma.objects.values_list("code", "status_index", "revoked_at__date")),
            StaffAccess.objects.count(),
            AuditEvent.objects.count(),
            sorted(
                SessionSignup.objects.values_list(
                    "session__kind", "enrolment__student__email", "attended"
                )
            ),
        ]

    settings.DEBUG = True
    runs = []
    for _ in range(2):
        with transaction.atomic():
            scale.seed(students=120, programmes=4, seed=7)
            runs.append(fingerprint())
            transaction.set_rollback(True)  # the next run starts from the same empty database
    assert runs[0] == runs[1]
