"""A backup restores: scripts/backup.sh and scripts/restore.sh against real PostgreSQL.

The test database cannot be dropped while the test runs on it, so the disaster is played out
beside it: the backup is restored into a new database and a new, empty file store, the
original files are deleted first, and everything after that runs in separate processes that
know only the restored database and store.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from certificates import workflow
from certificates.models import Diploma
from portfolio import services
from tests.certificates.test_diploma import presented
from tests.conftest import Personas
from tests.factories import EnrolmentFactory, EntryFactory, tiny_jpeg

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
# The tools of the server's version (the suite's throwaway cluster sets PG_BIN too).
PG_BIN = os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin")


def database_url(name: str) -> str:
    """A libpq address (pg_dump's and django-environ's) of a database on the test's server."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = db["HOST"] or db["OPTIONS"].get("host", "")  # django-environ puts ?host= there
    port = f":{db['PORT']}" if db["PORT"] else ""
    if host.startswith("/"):  # a socket folder goes in the query
        return f"postgres://{user}{password}@{port}/{name}?host={quote(host, safe='')}"
    return f"postgres://{user}{password}@{host}{port}/{name}"


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603  # the project's own scripts, with arguments made here
        command, cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=300
    )


def portal_env(database: str, media: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cil.settings",
        "DATABASE_URL": database_url(database),
        "MEDIA_ROOT": str(media),
        "PG_BIN": PG_BIN,
        "PYTHON": sys.executable,
        # Pages render with plain static files, as in the suite (no collectstatic manifest).
        "DJANGO_DEBUG": "true",
        "DJANGO_ALLOWED_HOSTS": "testserver",
    }


VERIFY_PAGE = """
import django, json, sys
django.setup()
from django.test import Client
from django.urls import reverse
response = Client().get(reverse("certificates:verify", args=[sys.argv[1]]))
print(json.dumps({"status": response.status_code, "body": response.content.decode()}))
"""


def test_a_backup_restores_into_a_fresh_database_and_file_store(
    personas: Personas, settings, tmp_path: Path
) -> None:
    # A portal with an issued diploma (PDF and credential) and a student's photo.
    entry = EntryFactory(
        enrolment=EnrolmentFactory(student=personas.student_b, programme=personas.programme_p)
    )
    photo = services.add_evidence(
        entry=entry,
        by=personas.student_b,
        upload=SimpleUploadedFile("me.jpg", tiny_jpeg(), content_type="image/jpeg"),
        kind="photo",
    )
    workflow.advance(enrolment=presented(personas), by=personas.admin_p, action="issue_diploma")
    diploma = Diploma.objects.get()
    assert diploma.credential  # four files in all: photo, thumbnail, PDF, credential

    original_db = connection.settings_dict["NAME"]
    backup = tmp_path / "backup"
    made = run(["scripts/backup.sh", str(backup)], portal_env(original_db, settings.MEDIA_ROOT))
    assert made.returncode == 0, made.stderr
    assert {p.name for p in backup.iterdir()} == {"database.dump", "files.tar", "SHA256SUMS"}

    # The disaster: the files are gone; a new, empty database and file store are at hand.
    shutil.rmtree(settings.MEDIA_ROOT)
    restored_db = f"{original_db}_restored"
    restored_media = tmp_path / "restored-media"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{restored_db}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{restored_db}"')
    try:
        env = portal_env(restored_db, restored_media)
        restored = run(["scripts/restore.sh", str(backup)], env)
        assert restored.returncode == 0, restored.stdout + restored.stderr
        assert "Checked 4 files (4 against a recorded SHA-256): 0 missing, 0 changed." in (
            restored.stdout
        )

        # The diploma still verifies, and the stored PDF is the one issued.
        page = run([sys.executable, "-c", VERIFY_PAGE, diploma.code], env)
        assert page.returncode == 0, page.stderr
        answer = json.loads(page.stdout.strip().splitlines()[-1])
        assert answer["status"] == 200
        assert "Valid." in answer["body"] and diploma.number in answer["body"]
        pdf = restored_media / str(diploma.pdf.name)
        assert hashlib.sha256(pdf.read_bytes()).hexdigest() == diploma.sha256

        # A file changed behind the portal's back is found.
        (restored_media / str(photo.file.name)).write_bytes(tiny_jpeg(colour="red"))
        check = run([sys.executable, "manage.py", "check_integrity"], env)
        assert check.returncode == 1
        assert f"Changed: evidence {photo.pk} file" in check.stdout
        assert "0 missing, 1 changed" in check.stdout
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored_db}" WITH (FORCE)')
