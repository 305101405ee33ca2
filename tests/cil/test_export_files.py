"""export_files and import_files: the file store into a tar and back, through the storage API."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError


def fill_store() -> dict[str, bytes]:
    files = {
        "diplomas/NURS/abc.pdf": b"%PDF-1.7 diploma",
        "evidence/7/photo.jpg": b"\xff\xd8 a photo",
        "evidence/7/deeper/thumb.jpg": b"\xff\xd8 a thumbnail",
    }
    for name, data in files.items():
        assert default_storage.save(name, ContentFile(data)) == name
    default_storage.save("healthz/probe-in-flight", ContentFile(b"probe"))
    return files


def test_files_go_out_and_back_under_their_own_names(settings, tmp_path: Path) -> None:
    files = fill_store()
    archive = tmp_path / "files.tar"
    call_command("export_files", str(archive), stdout=io.StringIO())
    with tarfile.open(archive) as tar:
        assert sorted(tar.getnames()) == sorted(files)  # no readiness probe

    settings.MEDIA_ROOT = tmp_path / "fresh"
    call_command("import_files", str(archive), stdout=io.StringIO())
    for name, data in files.items():
        with default_storage.open(name, "rb") as restored:
            assert restored.read() == data


def test_import_stops_at_a_name_already_in_the_store(tmp_path: Path) -> None:
    fill_store()
    archive = tmp_path / "files.tar"
    call_command("export_files", str(archive), stdout=io.StringIO())
    with pytest.raises(CommandError, match="already in the file store"):
        call_command("import_files", str(archive), stdout=io.StringIO())
    with default_storage.open("diplomas/NURS/abc.pdf", "wb") as changed:
        changed.write(b"changed")
    call_command("import_files", str(archive), "--replace", stdout=io.StringIO())
    with default_storage.open("diplomas/NURS/abc.pdf", "rb") as restored:
        assert restored.read() == b"%PDF-1.7 diploma"


def test_an_empty_store_exports_an_empty_archive(tmp_path: Path) -> None:
    archive = tmp_path / "files.tar"
    call_command("export_files", str(archive), stdout=io.StringIO())
    with tarfile.open(archive) as tar:
        assert tar.getnames() == []


def test_a_name_that_leaves_the_store_is_refused(settings, tmp_path: Path) -> None:
    archive = tmp_path / "evil.tar"
    with tarfile.open(archive, "w") as tar:
        info = tarfile.TarInfo("../outside.txt")
        info.size = 4
        tar.addfile(info, io.BytesIO(b"evil"))
    settings.MEDIA_ROOT = tmp_path / "media"
    with pytest.raises(SuspiciousFileOperation):
        call_command("import_files", str(archive), stdout=io.StringIO())
    assert not (tmp_path / "outside.txt").exists()
