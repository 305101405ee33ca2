"""A large, realistic, reproducible data set for the benchmark (`manage.py seed_scale`).

Everything is made with bulk inserts in a fixed random order (``seed``), so two runs with the
same arguments give the same data. Files are small real files stored once and shared by many
rows, as the point is the database, not the disk. Students have no usable password: the
benchmark signs them in by session.
"""

from __future__ import annotations

import datetime
import io
import random
import secrets
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from PIL import Image
from pypdf import PdfWriter

from activities.models import Activity, Category, Faculty, ProgrammeRole, StudyProgramme
from certificates.models import Diploma, FinalReport
from cil.models import AuditEvent, User
from portfolio.models import Enrolment, Entry, Evidence

STAGES = [  # (stage, share of students)
    (Enrolment.Stage.ENROLLED, 0.45),
    (Enrolment.Stage.ACTIVITIES_REQUESTED, 0.08),
    (Enrolment.Stage.ACTIVITIES_APPROVED, 0.12),
    (Enrolment.Stage.REPORT_APPROVED, 0.08),
    (Enrolment.Stage.PRESENTED, 0.07),
    (Enrolment.Stage.CERTIFIED, 0.20),
]
COUNTRIES = [
    "SE",
    "DK",
    "DE",
    "ES",
    "FR",
    "NL",
    "GB",
    "US",
    "KE",
    "UG",
    "TZ",
    "ZA",
    "IN",
    "JP",
    "BR",
]


@dataclass
class ScaleResult:
    programmes: int
    students: int
    entries: int
    diplomas: int


def _shared_files() -> dict[str, str]:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    pdf = io.BytesIO()
    writer.write(pdf)
    photo = io.BytesIO()
    Image.new("RGB", (64, 48), "teal").save(photo, format="JPEG")
    return {
        "pdf": default_storage.save("scale/proof.pdf", ContentFile(pdf.getvalue())),
        "photo": default_storage.save("scale/photo.jpg", ContentFile(photo.getvalue())),
        "diploma": default_storage.save("scale/diploma.pdf", ContentFile(pdf.getvalue())),
    }


def _stage_for(rng: random.Random) -> str:
    roll, total = rng.random(), 0.0
    for stage, share in STAGES:
        total += share
        if roll < total:
            return stage
    return STAGES[-1][0]


@transaction.atomic
def seed(*, students: int, programmes: int = 40, seed: int = 2026) -> ScaleResult:
    rng = random.Random(seed)  # noqa: S311 - reproducible data, not secrets  # nosec B311
    now = timezone.now()
    files = _shared_files()
    faculties = [
        Faculty.objects.get_or_create(
            code=f"scale-faculty-{i}",
            defaults={"name_en": f"Faculty {i}", "name_nb": f"Fakultet {i}"},
        )[0]
        for i in range(5)
    ]
    progs = []
    for i in range(programmes):
        abroad = 0 if i % 3 == 0 else 1
        progs.append(
            StudyProgramme(
                code=f"scale-{i:02d}",
                name_en=f"Programme {i:02d}",
                name_nb=f"Studieprogram {i:02d}",
                faculty=faculties[i % len(faculties)],
                min_abroad=abroad,
                career_course_required=i % 2 == 0,
            )
        )
    progs = StudyProgramme.objects.bulk_create(progs)
    staff = User.objects.bulk_create(
        [
            User(email=f"admin{i:02d}@scale.example", full_name=f"Administrator {i:02d}")
            for i in range(programmes)
        ]
        + [
            User(email=f"reviewer{i:02d}@scale.example", full_name=f"Reviewer {i:02d}")
            for i in range(programmes)
        ]
    )
    ProgrammeRole.objects.bulk_create(
        [
            ProgrammeRole(user=staff[i], programme=p, role="administrator")
            for i, p in enumerate(progs)
        ]
        + [
            ProgrammeRole(user=staff[programmes + i], programme=p, role="reviewer")
            for i, p in enumerate(progs)
        ]
    )
    categories = [c for c in Category.values]
    activities = Activity.objects.bulk_create(
        [
            Activity(
                programme=p,
                title_en=f"Activity {j} of {p.code}",
                title_nb=f"Aktivitet {j} i {p.code}",
                description_en="An international activity.",
                description_nb="En internasjonal aktivitet.",
                location="abroad" if j % 3 == 2 else "home",
                category=categories[j % len(categories)],
            )
            for p in progs
            for j in range(15)
        ]
    )
    through = Activity.programmes.through
    through.objects.bulk_create(
        [through(activity_id=a.pk, studyprogramme_id=a.programme_id) for a in activities]
    )
    by_programme: dict[int, list[Activity]] = {}
    for a in activities:
        by_programme.setdefault(a.programme_id, []).append(a)

    users = User.objects.bulk_create(
        [
            User(email=f"student{i:06d}@scale.example", full_name=f"Student {i:06d}", password="!")  # noqa: S106 - Django's "unusable password" marker  # nosec B106
            for i in range(students)
        ],
        batch_size=2000,
    )
    enrolments, plans = [], []
    for user in users:
        programme = rng.choice(progs)
        stage = _stage_for(rng)
        withdrawn = rng.random() < 0.05 and stage == Enrolment.Stage.ENROLLED
        enrolments.append(
            Enrolment(
                student=user,
                programme=programme,
                stage=stage,
                status="withdrawn"
                if withdrawn
                else ("completed" if stage == Enrolment.Stage.CERTIFIED else "active"),
                rules=programme.ruleset().to_dict(),
                expected_term=rng.choice(["spring", "autumn"]),
                expected_year=now.year + rng.randint(0, 3),
                terms_accepted_at=now,
            )
        )
        plans.append(rng.randint(0, 1825))  # days ago the student signed up, over five years
    enrolments = Enrolment.objects.bulk_create(enrolments, batch_size=2000)
    # created_at is set on insert; spread the sign-ups over five years afterwards.
    for enrolment, days_ago in zip(enrolments, plans, strict=True):
        enrolment.created_at = now - datetime.timedelta(days=days_ago)
    Enrolment.objects.bulk_update(enrolments, ["created_at"], batch_size=2000)

    entries, diplomas, reports, events = [], [], [], []
    for enrolment, days_ago in zip(enrolments, plans, strict=True):
        signed_up = now - datetime.timedelta(days=days_ago)
        approved_all = enrolment.stage != Enrolment.Stage.ENROLLED
        for k in range(3 if approved_all else rng.randint(0, 3)):
            activity = rng.choice(by_programme[enrolment.programme_id])
            status = (
                "approved"
                if approved_all
                else rng.choice(["draft", "submitted", "approved", "approved"])
            )
            when = signed_up + datetime.timedelta(days=30 * (k + 1))
            entries.append(
                Entry(
                    enrolment=enrolment,
                    activity=activity,
                    status=status,
                    started_on=when.date(),
                    country=rng.choice(COUNTRIES) if activity.location == "abroad" else "NO",
                    city="Oslo",
                    description="Took part.",
                    submitted_at=when if status != "draft" else None,
                    decided_at=when + datetime.timedelta(days=7) if status == "approved" else None,
                )
            )
        if enrolment.stage in (
            Enrolment.Stage.REPORT_APPROVED,
            Enrolment.Stage.PRESENTED,
            Enrolment.Stage.CERTIFIED,
        ):
            reports.append(
                FinalReport(
                    enrolment=enrolment,
                    status="approved",
                    summary="- Three activities",
                    sections=[],
                )
            )
        elif enrolment.stage == Enrolment.Stage.ACTIVITIES_APPROVED:
            reports.append(
                FinalReport(
                    enrolment=enrolment,
                    status=rng.choice(["draft", "submitted"]),
                    summary="- Three",
                    sections=[],
                    submitted_at=signed_up + datetime.timedelta(days=200),
                )
            )
        if enrolment.stage == Enrolment.Stage.CERTIFIED:
            diplomas.append(
                Diploma(
                    enrolment=enrolment,
                    number=f"SCALE-{enrolment.pk:07d}",
                    code=secrets.token_urlsafe(32),
                    content={
                        "holder": enrolment.student.full_name,
                        "programme": {"en": "Programme"},
                        "activities": [],
                    },
                    pdf=files["diploma"],
                    sha256="0" * 64,
                    issued_at=signed_up + datetime.timedelta(days=400),
                )
            )
        events.append(
            AuditEvent(
                actor=enrolment.student,
                subject=enrolment.student,
                action="enrolment.created",
                content_type_id=_enrolment_type(),
                object_id=str(enrolment.pk),
                to_state="enrolled",
                programme_pk=enrolment.programme_id,
            )
        )
    entries = Entry.objects.bulk_create(entries, batch_size=5000)
    Evidence.objects.bulk_create(
        [
            Evidence(
                entry=e,
                kind="proof",
                file=files["pdf"],
                content_type="application/pdf",
                original_name="proof.pdf",
                size=1000,
            )
            for e in entries
        ],
        batch_size=5000,
    )
    FinalReport.objects.bulk_create(reports, batch_size=5000)
    Diploma.objects.bulk_create(diplomas, batch_size=5000)
    AuditEvent.objects.bulk_create(events, batch_size=5000)
    return ScaleResult(
        programmes=len(progs), students=len(users), entries=len(entries), diplomas=len(diplomas)
    )


def _enrolment_type() -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(Enrolment).pk
