"""The student's whole portfolio as one ZIP file: their data, portable and readable offline.

The archive holds ``index.html`` (an overview that opens in any browser without a network),
``portfolio.json`` (the same data for machines) and ``files/`` with every evidence file. It is
built in a temporary file on disk, file by file, so a large portfolio never sits in memory.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from typing import IO, Any, cast

from django.conf import settings
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from portfolio.models import Enrolment, Entry
from portfolio.selectors import progress_for, student_entries


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
    archive.seek(0)
    return archive
