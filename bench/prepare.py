"""Pick what the benchmark requests from a seeded database, and sign its users in.

Run by bench/run.py as ``python -m bench.prepare`` against a database filled by
``seed_scale``; prints JSON: for every key page a few URLs (different students and
programmes, picked the same way at every data size), each with the session cookie of a user
who may open it, plus the floor page, the upload target and the enrolment whose diploma is
rendered.
"""

from __future__ import annotations

import json
import random
import sys
from typing import Any

import django

VARIANTS = 8


def _spread(queryset: Any, n: int = VARIANTS) -> list[Any]:
    """n rows spread evenly over the queryset's order, not just the first ones."""
    total = queryset.count()
    if total == 0:
        raise SystemExit(f"bench.prepare: nothing to pick from {queryset.model.__name__}")
    step = max(total // n, 1)
    return [queryset[i * step] for i in range(min(n, total))]


def status_list_in_use() -> Any:
    """The revocation list, with as many entries in use, and bits set, as the scale data has
    diplomas and revoked ones (seed_scale gives its diplomas no entries). The same at every
    run: the entries are picked with a fixed seed."""
    from certificates import status_list
    from certificates.models import Diploma, StatusList

    found = StatusList.objects.order_by("pk").first()
    if found is not None:
        return found
    new = StatusList(purpose=StatusList.Purpose.REVOCATION)
    pick = random.Random(2026)  # noqa: S311  # nosec B311 - a benchmark fixture, no secret
    entries = pick.sample(range(new.size), min(Diploma.objects.count(), new.size))
    revoked = Diploma.objects.filter(revoked_at__isnull=False).count()
    allocated, bits = bytes(new.allocated), bytes(new.bits)
    for n, index in enumerate(entries):
        allocated = status_list.with_bit(allocated, index)
        if n < revoked:
            bits = status_list.with_bit(bits, index)
    new.allocated, new.bits, new.used = allocated, bits, len(entries)
    new.save()
    return new


def main() -> None:
    django.setup()
    from django.conf import settings
    from django.db.models import Count, Q
    from django.test import Client
    from django.urls import reverse

    from activities.models import ProgrammeRole, StudyProgramme
    from certificates.models import Diploma, FinalReport
    from cil.models import User
    from portfolio.models import Enrolment, Entry

    sessions: dict[int, str] = {}

    def cookie(user: User) -> str:
        if user.pk not in sessions:
            client = Client()
            client.force_login(user)
            sessions[user.pk] = client.cookies[settings.SESSION_COOKIE_NAME].value
        return f"{settings.SESSION_COOKIE_NAME}={sessions[user.pk]}"

    # [0] rather than .first() here and below: the scale data has these rows, and indexing
    # gives the model's type where .first() gives "or None".
    def staff_of(programme_id: int, role: str) -> User:
        return (
            ProgrammeRole.objects.select_related("user")
            .filter(programme_id=programme_id, role=role)
            .order_by("pk")[0]
            .user
        )

    programmes = _spread(StudyProgramme.objects.filter(code__startswith="scale-").order_by("code"))
    # Students half way through: signed up, with three activities in their portfolio.
    students = _spread(
        Enrolment.objects.filter(status="active", stage="enrolled")
        .annotate(n=Count("entries"))
        .filter(n=3)
        .select_related("student")
        .order_by("pk")
    )
    entries = [
        Entry.objects.filter(enrolment=e).order_by("pk")[0] for e in students
    ]  # their first activity
    reports = _spread(
        FinalReport.objects.filter(status="submitted").select_related("enrolment").order_by("pk")
    )
    diplomas = _spread(Diploma.objects.filter(revoked_at__isnull=True).order_by("pk"))
    central, _ = User.objects.get_or_create(
        email="central@scale.example",
        defaults={"full_name": "Central Staff", "is_central_staff": True, "password": "!"},  # nosec B105 - Django's unusable-password marker
    )
    admin_role = ProgrammeRole.Role.ADMINISTRATOR
    reviewer_role = ProgrammeRole.Role.REVIEWER

    def target(path: str, user: User | None = None) -> dict[str, str]:
        return {"path": path, "cookie": cookie(user) if user else ""}

    pages = {
        "student home": [target(reverse("portfolio:home"), e.student) for e in students],
        "portfolio entry": [
            target(reverse("portfolio:entry", args=[entry.pk]), e.student)
            for e, entry in zip(students, entries, strict=True)
        ],
        "review queue": [
            target(reverse("certificates:entry_queue", args=[p.code]), staff_of(p.pk, admin_role))
            for p in programmes
        ],
        "report review": [
            target(
                reverse("certificates:report_review", args=[r.pk]),
                staff_of(r.enrolment.programme_id, reviewer_role),
            )
            for r in reports
        ],
        "programme dashboard": [
            target(
                reverse("certificates:programme_figures", args=[p.code]),
                staff_of(p.pk, admin_role),
            )
            for p in programmes
        ],
        "central dashboard": [target(reverse("certificates:overview"), central)],
        "catalogue": [target(reverse("activities:catalogue", args=[p.code])) for p in programmes],
        "verification page": [
            target(reverse("certificates:verify", args=[d.code])) for d in diplomas
        ],
        # Public addresses that verifiers read: the signed revocation list, the issuer's keys.
        "status list": [
            target(reverse("certificates:status_list", args=[status_list_in_use().pk]))
        ],
        "DID document": [target(reverse("did_document"))],
    }
    floor = [target(reverse("bench:floor"), e.student) for e in students]

    # The upload goes to a draft activity of a student who has not started elsewhere.
    draft = (
        Entry.objects.filter(status="draft", enrolment__status="active")
        .filter(~Q(enrolment__entries__status="submitted"))
        .select_related("enrolment__student")
        .order_by("pk")[0]
    )
    certified = Enrolment.objects.filter(stage="certified").order_by("pk")[0]
    json.dump(
        {
            "floor": floor,
            "pages": pages,
            "upload": {
                "form": reverse("portfolio:entry", args=[draft.pk]),
                "action": reverse("portfolio:evidence_add", args=[draft.pk]),
                "cookie": cookie(draft.enrolment.student),
            },
            "diploma_enrolment": certified.pk,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
