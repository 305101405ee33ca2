"""manage.py check_integrity: are the stored files the ones the portal recorded?"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from certificates.integrity import check_integrity


class Command(BaseCommand):
    help = (
        "Compare every stored file (evidence and thumbnails, diploma PDFs, credentials) with "
        "its recorded SHA-256, and report missing or changed files by row id. Exits with "
        "status 1 when any is."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = check_integrity()
        self.stdout.write(
            f"Checked {report.checked} files ({report.verified} against a recorded SHA-256): "
            f"{len(report.missing)} missing, {len(report.changed)} changed."
        )
        for title, files in (("Missing", report.missing), ("Changed", report.changed)):
            for stored in files:
                self.stdout.write(f"{title}: {stored.label}")
        if not report.ok:
            raise CommandError("Stored files do not match the records.", returncode=1)
        self.stdout.write(self.style.SUCCESS("All stored files match the records."))
