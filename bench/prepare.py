"""Pick what the benchmark requests from a seeded database, and sign its users in.

Run by bench/run.py as ``python -m bench.prepare --work DIR`` against a database filled by
``seed_scale``; prints JSON: for every key page a few URLs (different students and
programmes, picked the same way at every data size), each with the session cookie of a user
who may open it, plus the floor page, the upload targets and the enrolment whose diploma is
rendered.

What the scale data lacks for a page is made here through the portal's own code, as users
would: share links (``sharing.create_link``; the address is the token derived from the link),
organisers' confirmation requests (``confirmations.request_confirmation``; its mail, sent at
once by the immediate task backend that bench/run.py sets for this process, carries the only
copy of the link) and issued diplomas whose sealed PDFs the verification page's check is sent
(``diploma.create``, the student's former diploma revoked first, as a re-issue does). The
PDFs are written to ``DIR``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import re
import sys
from pathlib import Path
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
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", required=True, help="folder for the diploma PDFs to check")
    args = parser.parse_args()
    django.setup()
    from django.conf import settings
    from django.core import mail
    from django.db import transaction
    from django.db.models import Count, Q
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from activities.models import ProgrammeRole, StudyProgramme
    from certificates import diploma, sharing
    from certificates.models import Diploma, FinalReport
    from cil.models import User
    from portfolio import confirmations
    from portfolio.models import Enrolment, Entry, StaffAccess

    # The organisers' mails stay in this process, where their links are read.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

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

    def shared_link(enrolment: Enrolment) -> str:
        """A link showing the diploma, the activities and every shareable reflection."""
        link = sharing.create_link(
            enrolment=enrolment,
            by=enrolment.student,
            label="Bench",
            language="en",
            expires_on=datetime.date.today() + datetime.timedelta(days=30),
            show_activities=True,
            reflections=sharing.shareable_reflections(enrolment),
            photos=sharing.shareable_photos(enrolment),
        )
        return reverse("certificates:shared", args=[sharing.token_for(link)])

    def confirmation_link(student: User, entry: Entry) -> str:
        """A confirmation request on the entry; the link is read from the organiser's mail."""
        mail.outbox = []
        confirmations.request_confirmation(
            entry=entry,
            by=student,
            organiser_name="Bench Organiser",
            organiser_email="organiser@bench.example",
            message="Please confirm my part in this activity.",
            language="en",
        )
        (sent,) = mail.outbox
        found = re.search(r"/confirm/[^/\s]+/", str(sent.body))
        if found is None:
            raise SystemExit("bench.prepare: the organiser's mail has no confirmation link")
        return found.group(0)

    def issued_pdf(enrolment: Enrolment, path: Path) -> str:
        """A diploma issued again for the student, its sealed PDF written to ``path``."""
        issuer = staff_of(enrolment.programme_id, admin_role)
        with transaction.atomic():
            Diploma.objects.filter(enrolment=enrolment, revoked_at__isnull=True).update(
                revoked_at=timezone.now()
            )
            issued, _ = diploma.create(enrolment=enrolment, by=issuer, language="both")
        with issued.pdf.open("rb") as stored:
            path.write_bytes(stored.read())
        return str(path)

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
    # Made through the portal's code, after the pages above were picked; the students whose
    # diplomas are issued again here are not those of the verification page.
    certified = list(
        Enrolment.objects.filter(stage="certified", diplomas__revoked_at__isnull=True)
        .exclude(pk__in=[d.enrolment_id for d in diplomas])
        .select_related("student", "programme")
        .order_by("pk")[:VARIANTS]
    )
    pages["share page"] = [target(shared_link(e)) for e in certified]
    # Activities an organiser can still confirm, with no request waiting yet.
    askable = _spread(
        Entry.objects.filter(status__in=confirmations.ASKABLE, enrolment__status="active")
        .exclude(confirmations__status="open")
        .select_related("enrolment__student")
        .order_by("pk")
    )
    pages["organiser confirmation"] = [
        target(confirmation_link(entry.enrolment.student, entry)) for entry in askable
    ]
    pages["PDF check"] = [
        {
            "path": reverse("certificates:check_pdf"),
            "cookie": "",
            "file": issued_pdf(e, Path(args.work) / f"diploma-{e.pk}.pdf"),
        }
        for e in certified
    ]
    # Students someone on the staff has looked at, where the data has such records
    # (seed_scale records staff accesses), else the students above.
    seen = _spread(
        User.objects.filter(pk__in=StaffAccess.objects.values("student")).order_by("pk")
        if StaffAccess.objects.exists()
        else User.objects.filter(pk__in=[e.student_id for e in students]).order_by("pk")
    )
    pages["who has seen it"] = [target(reverse("portfolio:staff_accesses"), u) for u in seen]
    floor = [target(reverse("bench:floor"), e.student) for e in students]

    # The uploads (one to the folder, one to the S3 bucket) go to draft activities of students
    # who have not started elsewhere.
    drafts = (
        Entry.objects.filter(status="draft", enrolment__status="active")
        .filter(~Q(enrolment__entries__status="submitted"))
        .select_related("enrolment__student")
        .order_by("pk")[:2]
    )
    uploads = [
        {
            "form": reverse("portfolio:entry", args=[draft.pk]),
            "action": reverse("portfolio:evidence_add", args=[draft.pk]),
            "cookie": cookie(draft.enrolment.student),
        }
        for draft in drafts
    ]
    json.dump(
        {
            "floor": floor,
            "pages": pages,
            "upload": uploads[0],
            "upload_s3": uploads[1],
            "diploma_enrolment": Enrolment.objects.filter(stage="certified").order_by("pk")[0].pk,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
