"""Demo portfolios, so `make run` shows students on the way: one well under way, one just
started, one not yet signed up (Chloé), to try signing up.

Written straight to the database (approval comes from the certificate workflow), once: a
student who already has an enrolment in the programme is left as they are.
"""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image, ImageDraw
from pypdf import PdfWriter

from activities.models import Activity, StudyProgramme
from cil.models import User
from portfolio.models import DiaryNote, Enrolment, Entry, Evidence, Reflection

ANSWERS = [
    "Talking with students from Spain and Chile every week, I saw how differently health and "
    "care are organised, and how much family means for patients in some cultures. As a nurse I "
    "will meet patients from many countries; I now ask more about what they expect.",
    "When I do not share a language with a patient I slow down, check that I am understood and "
    "use simple words and pictures. The café taught me to be patient with myself and others.",
]


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _photo(colour: str, size: tuple[int, int] = (800, 600)) -> bytes:
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    draw.ellipse((size[0] // 4, size[1] // 4, size[0] * 3 // 4, size[1] * 3 // 4), fill="white")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def add_evidence(entry: Entry, student: User, *, photo: bool, name: str, caption: str = "") -> None:
    data = _photo("#2b6cb0") if photo else _pdf()
    extension = ".jpg" if photo else ".pdf"
    stored = default_storage.save(
        f"evidence/{student.pk}/demo-{entry.pk}-{name}{extension}", ContentFile(data)
    )
    thumb = ""
    if photo:
        thumb = default_storage.save(
            f"evidence/{student.pk}/demo-{entry.pk}-{name}-thumb.jpg",
            ContentFile(_photo("#2b6cb0", (240, 180))),
        )
    Evidence.objects.create(
        entry=entry,
        kind=Evidence.Kind.PHOTO if photo else Evidence.Kind.PROOF,
        file=stored,
        thumbnail=thumb,
        content_type="image/jpeg" if photo else "application/pdf",
        original_name=f"{name}{extension}",
        size=len(data),
        caption=caption,
    )


# (student e-mail, programme, expected term, years ahead, entries); each entry names a catalogue
# activity by its English title, with what the student recorded and which evidence they added.
PORTFOLIOS = [
    (
        "ada.student@uni.example",
        "nursing",
        Enrolment.Term.SPRING,
        1,
        [
            {
                "title": "Buddy for incoming exchange students",
                "status": Entry.Status.APPROVED,
                "started_on": datetime.date(2026, 1, 15),
                "place": {"country": "NO", "city": "Oslo", "host": "ESN Oslo"},
                "description": "Buddy for two nursing students from Spain in their spring term.",
                "evidence": [
                    ("buddy-certificate", False, ""),
                    ("welcome-day", True, "Welcome day"),
                ],
                "note": (datetime.date(2026, 1, 16), "Met Lucía and Pablo at the airport."),
                "reflection": True,
            },
            {
                "title": "Guest lectures on global health",
                "status": Entry.Status.SUBMITTED,
                "started_on": datetime.date(2026, 9, 3),
                "place": {"country": "NO", "city": "Oslo", "host": "Faculty of Health Sciences"},
                "engagements": 3,
                "description": "Antimicrobial resistance, maternal health, migration and health.",
                "evidence": [("signed-programme", False, "")],
                "reflection": True,
            },
            {
                "title": "Exchange semester with clinical placement",
                "status": Entry.Status.DRAFT,
                "started_on": datetime.date(2027, 1, 10),
                "place": {"country": "ES", "city": "Granada", "host": "Universidad de Granada"},
                "description": "Clinical placement at a hospital in Granada (planned).",
            },
        ],
    ),
    (
        "ben.student@uni.example",
        "medicine",
        Enrolment.Term.AUTUMN,
        2,
        [
            {
                "title": "Global Health Day: student conference",
                "status": Entry.Status.DRAFT,
                "started_on": datetime.date(2026, 10, 20),
                "place": {"country": "NO", "city": "Oslo", "host": "Medical students' association"},
                "description": "The student conference and its workshop on global surgery.",
            },
        ],
    ),
]


def _add_entry(enrolment: Enrolment, spec: dict[str, Any]) -> None:
    activity = Activity.objects.filter(title_en=spec["title"]).first()
    if activity is None:  # the demo catalogue changed; leave this one out rather than fail
        return
    submitted = spec["status"] != Entry.Status.DRAFT
    entry = Entry.objects.create(
        enrolment=enrolment,
        activity=activity,
        status=spec["status"],
        started_on=spec["started_on"],
        ended_on=spec["started_on"] + datetime.timedelta(days=60),
        description=spec["description"],
        engagements=spec.get("engagements", 1),
        submitted_at=timezone.now() if submitted else None,
        **spec["place"],
    )
    for name, photo, caption in spec.get("evidence", []):
        add_evidence(entry, enrolment.student, photo=photo, name=name, caption=caption)
    if "note" in spec:
        DiaryNote.objects.create(entry=entry, written_on=spec["note"][0], text=spec["note"][1])
    if spec.get("reflection"):
        questions = enrolment.programme.activity_questions
        answers = [{**q, "answer": a} for q, a in zip(questions, ANSWERS, strict=False)]
        Reflection.objects.create(entry=entry, answers=answers)


def seed_portfolios(programmes: dict[str, StudyProgramme]) -> None:
    for email, code, term, years_ahead, entries in PORTFOLIOS:
        student = User.objects.filter(email=email).first()
        programme = programmes[code]
        if (
            student is None
            or Enrolment.objects.filter(student=student, programme=programme).exists()
        ):
            continue
        enrolment = Enrolment.objects.create(
            student=student,
            programme=programme,
            rules=programme.ruleset().to_dict(),
            expected_term=term,
            expected_year=timezone.localdate().year + years_ahead,
            terms_accepted_at=timezone.now(),
        )
        for spec in entries:
            _add_entry(enrolment, spec)
