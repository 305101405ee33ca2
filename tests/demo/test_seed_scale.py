"""The benchmark's data set: reproducible, spread over stages and years, on PostgreSQL."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from portfolio.models import Enrolment, Entry


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


@pytest.mark.django_db
def test_seed_scale_is_reproducible(settings) -> None:
    from django.db import transaction

    from demo import scale

    def fingerprint() -> list[tuple]:
        rows = Enrolment.objects.order_by("student__email").values_list(
            "student__email", "stage", "programme__code", "created_at__date"
        )
        return list(rows)

    settings.DEBUG = True
    runs = []
    for _ in range(2):
        with transaction.atomic():
            scale.seed(students=120, programmes=4, seed=7)
            runs.append((fingerprint(), Entry.objects.count()))
            transaction.set_rollback(True)  # the next run starts from the same empty database
    assert runs[0][0] == runs[1][0] and runs[0][1] == runs[1][1]
