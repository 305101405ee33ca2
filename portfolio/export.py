"""The student's whole portfolio as one ZIP file: their data, portable and readable offline.

The archive holds ``index.html`` (an overview that opens in any browser without a network),
``portfolio.json`` (the same data for machines), ``files/`` with every evidence file, and
``personal-data.json`` / ``personal-data.html`` with everything else the portal holds about the
person (account, consents, decisions and comments about them, who of the staff looked). It is
built in a temporary file on disk, file by file, so a large portfolio never sits in memory.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from typing import IO, Any, cast

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify

from cil.models import AuditEvent, PrivacyAcceptance, User
from portfolio.models import Enrolment, Entry, StaffAccess
from portfolio.selectors import progress_for, student_entries


def _when(value: Any) -> str | None:
    return value.isoformat() if value else None


def personal_data(student: User) -> dict[str, Any]:
    """What the portal holds about the person beyond the portfolio: the account, consents,
    decisions and comments about them, and who of the staff opened their portfolio."""
    events = (
        AuditEvent.objects.filter(subject=student)
        .select_related("actor")
        .order_by("created_at", "pk")
    )
    accesses = (
        StaffAccess.objects.filter(student=student)
        .select_related("staff", "enrolment__programme")
        .order_by("at", "pk")
    )
    return {
        "account": {
            "name": student.full_name,
            "email_addresses": [
                {"email": a.email, "primary": a.primary, "verified": a.verified}
                for a in EmailAddress.objects.filter(user=student).order_by("-primary", "email")
            ],
            "language": student.language,
            "joined": _when(student.date_joined),
            "last_sign_in": _when(student.last_login),
            "institutional_logins": [
                {
                    "provider": s.provider,
                    "institutional_id": s.extra_data.get("eduPersonPrincipalName")
                    or s.extra_data.get("eduperson_principal_name")
                    or s.uid,
                    "uid": s.uid,
                    "linked": _when(s.date_joined),
                    "last_sign_in": _when(s.last_login),
                }
                for s in SocialAccount.objects.filter(user=student).order_by("pk")
            ],
        },
        "consents": {
            "privacy_notice": [
                {
                    "version": a.notice.version,
                    "accepted": _when(a.accepted_at),
                    "occasion": a.occasion,
                }
                for a in PrivacyAcceptance.objects.filter(user=student)
                .select_related("notice")
                .order_by("accepted_at")
            ],
            "certificate_terms": [
                {"programme": e.programme.code, "accepted": _when(e.terms_accepted_at)}
                for e in Enrolment.objects.filter(student=student)
                .select_related("programme")
                .order_by("created_at")
            ],
        },
        "decisions_and_comments": [
            {
                "when": _when(e.created_at),
                "action": e.action,
                "label": e.label,
                "by": e.actor.full_name if e.actor else None,
                "from": e.from_state,
                "to": e.to_state,
                "comment": e.comment,
            }
            for e in events
        ],
        "staff_accesses": [
            {
                "when": _when(a.at),
                "who": a.staff.full_name if a.staff else None,
                "role": a.role,
                "what": a.kind,
                "object_id": a.object_id,
                "programme": a.enrolment.programme.code,
            }
            for a in accesses
        ],
    }


def _entry_data(entry: Entry, files: dict[int, str]) -> dict[str, Any]:
    reflection = getattr(entry, "reflection", None)
    return {
        "activity": {
            "title_en": entry.activity.title_en,
            "title_nb": entry.activity.title_nb,
            "where": entry.activity.location,
            "category": entry.activity.category,
        },
        "status": entry.status,
        "from": entry.started_on.isoformat(),
        "to": entry.ended_on.isoformat() if entry.ended_on else None,
        "country": entry.country.code,
        "city": entry.city,
        "host": entry.host,
        "description": entry.description,
        "engagements": entry.engagements,
        "diary": [{"date": n.written_on.isoformat(), "note": n.text} for n in entry.notes.all()],
        "reflection": reflection.answers if reflection else [],
        "evidence": [
            {
                "file": files[ev.pk],
                "kind": ev.kind,
                "original_name": ev.original_name,
                "caption": ev.caption,
                "uploaded": ev.uploaded_at.isoformat(),
            }
            for ev in entry.evidence.all()
        ],
    }


def build_export(enrolment: Enrolment) -> IO[bytes]:
    """A ZIP of the enrolment's portfolio, as an open temporary file positioned at its start."""
    entries = student_entries(enrolment)
    archive = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it after streaming
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        files: dict[int, str] = {}
        for number, entry in enumerate(entries, start=1):
            folder = f"files/{number:02d}-{slugify(entry.activity.title_en)[:40] or 'activity'}"
            for ev in entry.evidence.all():
                stem, _dot, extension = ev.download_name.rpartition(".")
                path = f"{folder}/{ev.pk}-{slugify(stem)[:60] or 'file'}.{extension}"
                with (
                    default_storage.open(
                        cast(str, ev.file.name), "rb"
                    ) as source,  # stored, so named
                    zf.open(path, "w") as target,
                ):
                    shutil.copyfileobj(source, target, length=1024 * 1024)
                files[ev.pk] = path
        data = {
            "format": "cil-portfolio/1",
            "exported_at": timezone.now().isoformat(),
            "institution": settings.CIL_INSTITUTION_NAME,
            "student": {"name": enrolment.student.full_name, "email": enrolment.student.email},
            "programme": {"code": enrolment.programme.code, "name": enrolment.programme.name_en},
            "enrolment": {
                "status": enrolment.status,
                "signed_up": enrolment.created_at.isoformat(),
                "expected_completion": f"{enrolment.expected_term} {enrolment.expected_year}",
                "rules": enrolment.rules,
            },
            "entries": [_entry_data(entry, files) for entry in entries],
        }
        zf.writestr("portfolio.json", json.dumps(data, indent=2, ensure_ascii=False))
        html = render_to_string(
            "portfolio/export/index.html",
            {
                "enrolment": enrolment,
                "entries": entries,
                "files": files,
                "progress": progress_for(enrolment, entries),
                "institution_name": settings.CIL_INSTITUTION_NAME,
                "exported_at": timezone.now(),
            },
        )
        zf.writestr("index.html", html)
        student = enrolment.student
        with translation.override(student.language):
            about = personal_data(student)
            zf.writestr("personal-data.json", json.dumps(about, indent=2, ensure_ascii=False))
            zf.writestr(
                "personal-data.html",
                render_to_string(
                    "portfolio/export/personal_data.html",
                    {
                        "student": student,
                        "data": about,
                        "accesses": StaffAccess.objects.filter(student=student)
                        .select_related("staff", "enrolment__programme")
                        .order_by("-at", "-pk"),
                        "institution_name": settings.CIL_INSTITUTION_NAME,
                        "exported_at": timezone.now(),
                    },
                ),
            )
    archive.seek(0)
    return archive
