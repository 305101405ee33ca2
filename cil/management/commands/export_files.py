"""manage.py export_files ARCHIVE: every file in the file store, into one tar archive.

Read through Django's storage API, so the same command backs up a local folder and an S3
bucket; each file is streamed into the archive, never held whole in memory.
"""

from __future__ import annotations

import tarfile
from collections.abc import Iterator
from typing import Any

from django.core.files.storage import Storage, default_storage
from django.core.management.base import BaseCommand, CommandParser

from cil.monitoring import PROBE_FOLDER


def walk(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file name in the store, folders first to last, sorted (a stable archive)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # an empty local store has no folder yet
        return
    prefix = f"{folder}/" if folder else ""
    for name in sorted(files):
        yield prefix + name
    for sub in sorted(folders):
        if not folder and sub == PROBE_FOLDER:
            continue  # readiness probes in flight are not the portal's data
        yield from walk(storage, prefix + sub)


class Command(BaseCommand):
    help = "Write every file of the file store (local folder or S3) into a tar archive."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="The tar file to write.")

    def handle(self, *args: Any, archive: str, **options: Any) -> None:
        count = 0
        with tarfile.open(archive, "w") as tar:
            for name in walk(default_storage):
                info = tarfile.TarInfo(name)
                info.size = default_storage.size(name)
                info.mode = 0o600
                with default_storage.open(name, "rb") as stored:
                    tar.addfile(info, stored)
                count += 1
        self.stdout.write(f"Exported {count} files to {archive}.")
