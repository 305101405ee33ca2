from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from activities.models import ProgrammeRole, StudyProgramme
from cil import demo
from cil.models import User


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
    assert counts[0] == len(demo.ACCOUNTS)

    roles = set(ProgrammeRole.objects.values_list("role", flat=True))
    assert roles == {ProgrammeRole.Role.ADMINISTRATOR, ProgrammeRole.Role.REVIEWER}
    assert User.objects.filter(is_central_staff=True).exists()
    assert User.objects.filter(is_superuser=True).exists()
    for account in demo.ACCOUNTS:
        assert User.objects.get(email=account.email).check_password(demo.DEMO_PASSWORD)


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
        {"login": "kari.admin@uni.example", "password": demo.DEMO_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/manage/"
