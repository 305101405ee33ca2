"""manage.py import_files ARCHIVE: put the files of an export_files archive back in the store.

Meant for a fresh file store after a disaster (scripts/restore.sh). Every file goes back under
its own name through Django's storage API (a local folder or S3), streamed from the archive.
A name already in the store stops the import, unless --replace is given.
"""

from __future__ import annotations

import tarfile
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Restore the files of an export_files archive into the file store."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="The tar file written by export_files.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Overwrite files already in the store (otherwise the import stops).",
        )

    def handle(self, *args: Any, archive: str, replace: bool, **options: Any) -> None:
        count = 0
        with tarfile.open(archive, "r") as tar:
            for member in tar:
                if not member.isfile():
                    continue  # export_files writes only regular files
                name = member.name
                if default_storage.exists(name):
                    if not replace:
                        raise CommandError(
                            f"{name} is already in the file store: restore into an empty "
                            "store, or give --replace."
                        )
                    default_storage.delete(name)
                content = tar.extractfile(member)
                if content is None:
                    continue
                # The storage refuses names that leave its root (SuspiciousFileOperation).
                upload = File(content, name=name)
                upload.size = member.size  # not guessed from a path of the same name
                saved = default_storage.save(name, upload)
                if saved != name:
                    raise CommandError(f"{name} was stored as {saved}: the store is not empty.")
                count += 1
        self.stdout.write(f"Imported {count} files from {archive}.")
