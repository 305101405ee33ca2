from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from activities.models import ProgrammeRole, StudyProgramme
from cil.models import User
from demo import seed
from tests.mfa import current_code


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_with_debug_off(settings) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG=true"):
        call_command("seed_demo")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_covers_every_role(settings) -> None:
    settings.DEBUG = True
    call_command("seed_demo")
    counts = (User.objects.count(), StudyProgramme.objects.count(), ProgrammeRole.objects.count())
    call_command("seed_demo")
    assert (
        User.objects.count(),
        StudyProgramme.objects.count(),
        ProgrammeRole.objects.count(),
    ) == counts
    assert counts[0] == len(seed.ACCOUNTS)

    roles = set(ProgrammeRole.objects.values_list("role", flat=True))
    assert roles == {ProgrammeRole.Role.ADMINISTRATOR, ProgrammeRole.Role.REVIEWER}
    assert User.objects.filter(is_central_staff=True).exists()
    assert User.objects.filter(is_superuser=True).exists()
    for account in seed.ACCOUNTS:
        assert User.objects.get(email=account.email).check_password(seed.DEMO_PASSWORD)


@pytest.mark.django_db
def test_seed_demo_programmes_have_different_rules(settings) -> None:
    settings.DEBUG = True
    call_command("seed_demo")
    nursing = StudyProgramme.objects.get(code="nursing")
    medicine = StudyProgramme.objects.get(code="medicine")
    # Like OsloMet: home and abroad, career course required.
    assert (nursing.min_home, nursing.min_abroad, nursing.career_course_required) == (1, 1, True)
    # Like Lund: going abroad is optional.
    assert medicine.min_abroad == 0
    # Like Lund's humanities: sized activities.
    languages = StudyProgramme.objects.get(code="languages").ruleset()
    assert dict(languages.size_requirements) == {"A": 1, "B": 2}
    assert [vars(sub) for sub in languages.substitutions] == [
        {"size": "C", "count": 3, "replaces": "B"}
    ]
    assert StudyProgramme.objects.values("faculty").distinct().count() >= 2


@pytest.mark.django_db
def test_demo_accounts_can_log_in_without_verifying_again(client, settings) -> None:
    settings.DEBUG = True
    call_command("seed_demo")
    response = client.post(
        "/accounts/login/",
        {"login": "kari.admin@uni.example", "password": seed.DEMO_PASSWORD},
        follow=True,
    )
    # Staff then give a code from the authenticator app with the published demo secret.
    assert response.redirect_chain[-1][0] == "/accounts/2fa/authenticate/"
    response = client.post(
        "/accounts/2fa/authenticate/", {"code": current_code(seed.DEMO_TOTP_SECRET)}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/manage/"


@pytest.mark.django_db
def test_demo_catalogue_covers_every_kind_of_activity_in_both_languages(settings) -> None:
    from activities.models import Activity, Category, ProgrammePage

    settings.DEBUG = True
    call_command("seed_demo")
    count = Activity.objects.count()
    call_command("seed_demo")
    assert Activity.objects.count() == count  # idempotent
    assert set(Activity.objects.values_list("category", flat=True)) == set(Category.values)
    assert not Activity.objects.filter(title_nb="").exists()
    assert not Activity.objects.filter(description_nb="").exists()
    assert Activity.objects.filter(engagements_required=3, category="guest_lecture").exists()
    assert Activity.objects.filter(archived_at__isnull=False).exists()
    assert (
        Activity.objects.filter(programmes__code="medicine")
        .exclude(programme__code="medicine")
        .exists()
    )
    for programme in StudyProgramme.objects.all():
        public = Activity.objects.public().offered_by(programme)
        assert public.filter(location="home").count() >= 2
        if programme.min_abroad:
            assert public.filter(location="abroad").count() >= programme.min_abroad
        if programme.sizes:  # a sized programme sizes every activity it is responsible for
            sizes = set(programme.owned_activities.values_list("size", flat=True))
            assert sizes <= set(programme.sizes)
        page = ProgrammePage.objects.get(programme=programme)
        assert all(getattr(page, f"{key}_{lang}") for key in page.SECTIONS for lang in ("en", "nb"))


@pytest.mark.django_db
def test_demo_students_are_on_the_way_and_one_can_still_sign_up(settings) -> None:
    from portfolio.models import Enrolment, Entry, Evidence

    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    ada = Enrolment.objects.get(student__email="ada.student@uni.example")
    statuses = sorted(ada.entries.values_list("status", flat=True))
    assert statuses == ["approved", "draft", "submitted"]
    assert Evidence.objects.filter(entry__enrolment=ada).count() == 3
    assert Entry.objects.filter(enrolment__student__email="ben.student@uni.example").count() == 1
    assert not Enrolment.objects.filter(student__email="chloe.student@uni.example").exists()


@pytest.mark.django_db
def test_demo_has_a_student_at_every_stage_including_a_diploma_and_a_revoked_one(settings) -> None:
    from certificates.models import Diploma, FinalReport
    from portfolio.models import Enrolment

    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")  # idempotent: no second diploma, no second enrolment
    stages = set(Enrolment.objects.values_list("stage", flat=True))
    every = {"enrolled", "activities_requested", "activities_approved", "report_approved"}
    assert every | {"presented", "certified"} <= stages
    assert FinalReport.objects.filter(status="submitted").exists()
    gustav = Diploma.objects.get(enrolment__student__email="gustav.student@uni.example")
    hanna = Diploma.objects.get(enrolment__student__email="hanna.student@uni.example")
    assert gustav.is_valid and not hanna.is_valid
    assert gustav.pdf.read().startswith(b"%PDF-")


@pytest.mark.django_db
def test_demo_shows_organisers_confirmations_and_a_share_link(settings, capsys) -> None:
    from certificates import sharing
    from certificates.models import ShareLink
    from portfolio.models import Confirmation

    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")  # idempotent: no second request, no second link
    ada = Confirmation.objects.filter(entry__enrolment__student__email="ada.student@uni.example")
    assert sorted(ada.values_list("status", flat=True)) == ["confirmed", "declined", "open"]
    confirmed = ada.get(status="confirmed")
    assert (confirmed.role, confirmed.organisation) == (
        "Course coordinator",
        "Faculty of Health Sciences",
    )
    assert ada.get(status="declined").comment
    assert ada.get(status="open").is_open
    assert ada.get(status="confirmed").entry.status == "submitted"  # marked in the review queue

    link = ShareLink.objects.get()
    assert link.enrolment.student.email == "gustav.student@uni.example"
    assert link.enrolment.diplomas.filter(revoked_at__isnull=True).exists()
    assert (link.reflections.count(), link.photos.count()) == (2, 1)
    assert link.view_count > 0 and sharing.is_live(link)
    page = sharing.shared_page(link)
    assert page.diploma is not None and len(page.reflections) == 2 and len(page.photos) == 1

    # Nothing secret on the console: no share link's token, no confirmation link.
    printed = capsys.readouterr().out
    assert sharing.token_for(link) not in printed
    assert "/shared/" not in printed and "/confirm/" not in printed
