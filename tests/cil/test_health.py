"""/healthz (liveness, no database) and /healthz/ready (database, file store, task queue; for
monitoring only)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from cil.monitoring import is_monitoring

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "monitoring-token-for-tests-only"
AUTH = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}


@pytest.fixture
def monitoring(settings):
    settings.CIL_MONITORING_TOKEN = TOKEN
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    return settings


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "student_a", "central", "superuser"])
def test_healthz_tells_everyone_only_that_it_is_ok(client, personas, who: str) -> None:
    if who != "anonymous":
        user = getattr(personas, who)
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert b"postgresql" not in response.content
    assert "no-cache" in response["Cache-Control"]
    assert client.head("/healthz").status_code == 200


@pytest.mark.django_db
def test_healthz_does_not_touch_the_database(client) -> None:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/healthz").status_code == 200
    assert list(queries) == []


@pytest.mark.django_db
def test_healthz_refuses_post(client) -> None:
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_ready_reports_every_check_to_monitoring(client, monitoring) -> None:
    response = client.get("/healthz/ready", **AUTH)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"status": "ok", "vendor": "postgresql"}
    assert body["checks"]["file_store"] == {"status": "ok", "backend": "FileSystemStorage"}
    assert body["checks"]["task_queue"]["status"] == "ok"
    assert body["checks"]["task_queue"]["waiting"] == 0
    assert "no-cache" in response["Cache-Control"]
    # The probe object is gone again.
    assert not any((Path(monitoring.MEDIA_ROOT) / "healthz").glob("*"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header", [None, "Bearer wrong-token", f"Basic {TOKEN}", "Bearer ", f"Bearer {TOKEN}x"]
)
def test_ready_is_not_found_without_the_token(client, personas, monitoring, header) -> None:
    client.force_login(personas.superuser, backend="django.contrib.auth.backends.ModelBackend")
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/healthz/ready", **extra)
    assert response.status_code == 404
    assert b"postgresql" not in response.content


@pytest.mark.django_db
def test_ready_does_not_exist_when_no_monitoring_is_configured(client, settings) -> None:
    settings.CIL_MONITORING_TOKEN = ""
    settings.CIL_MONITORING_ALLOWED_IPS = []
    assert client.get("/healthz/ready", HTTP_AUTHORIZATION="Bearer ").status_code == 404


@pytest.mark.django_db
def test_ready_answers_an_allowed_address_without_a_token(client, settings) -> None:
    settings.CIL_MONITORING_TOKEN = ""
    settings.CIL_MONITORING_ALLOWED_IPS = ["10.0.0.0/8"]
    assert client.get("/healthz/ready", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/healthz/ready", REMOTE_ADDR="192.0.2.1").status_code == 404


@pytest.mark.django_db
def test_ready_fails_when_a_waiting_task_is_too_old(client, monitoring) -> None:
    monitoring.CIL_READY_MAX_TASK_AGE_SECONDS = 600
    stale = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="certificates.tasks.issue_diploma",
        backend_name="default",
        run_after=get_date_max(),
    )
    DBTaskResult.objects.filter(pk=stale.pk).update(
        enqueued_at=timezone.now() - timedelta(minutes=15)
    )
    response = client.get("/healthz/ready", **AUTH)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    queue = body["checks"]["task_queue"]
    assert queue["status"] == "error"
    assert queue["waiting"] == 1
    assert 890 < queue["oldest_waiting_seconds"] < 1000
    assert body["checks"]["database"]["status"] == "ok"


@pytest.mark.django_db
def test_a_task_scheduled_for_later_is_not_waiting(client, monitoring) -> None:
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="certificates.tasks.issue_diploma",
        backend_name="default",
        run_after=timezone.now() + timedelta(hours=1),
    )
    response = client.get("/healthz/ready", **AUTH)
    assert response.status_code == 200
    assert response.json()["checks"]["task_queue"]["waiting"] == 0


@pytest.mark.django_db
def test_ready_fails_when_the_file_store_cannot_be_written(client, monitoring, tmp_path) -> None:
    # A real FileSystemStorage whose folder cannot be made: its parent is a plain file. (The
    # suite may run as root, for whom a read-only folder is still writable.)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monitoring.STORAGES = {
        **monitoring.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocker / "media")},
        },
    }
    response = client.get("/healthz/ready", **AUTH)
    assert response.status_code == 503
    store = response.json()["checks"]["file_store"]
    assert store == {"status": "error", "error": "NotADirectoryError"}


def test_ready_answers_503_when_the_database_is_unreachable(tmp_path: Path) -> None:
    # A real unreachable database: a socket folder where no server listens.
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        f"r = Client().get('/healthz/ready', HTTP_AUTHORIZATION='Bearer {TOKEN}');"
        "h = Client().get('/healthz');"
        "print(json.dumps({'status': r.status_code, 'body': r.json(), 'live': h.status_code}))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cil.settings",
        "DATABASE_URL": f"postgres://postgres@/cil?host={tmp_path}",
        "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "CIL_MONITORING_TOKEN": TOKEN,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["status"] == 503
    checks = outcome["body"]["checks"]
    assert checks["database"] == {"status": "error", "error": "OperationalError"}
    assert checks["task_queue"]["status"] == "error"
    assert checks["file_store"]["status"] == "ok"
    # The process itself is alive: liveness does not depend on the database.
    assert outcome["live"] == 200


@pytest.mark.django_db
def test_ready_refuses_post(client, monitoring) -> None:
    assert client.post("/healthz/ready", **AUTH).status_code == 405


def test_only_the_token_makes_a_request_monitoring_when_no_address_is_allowed(rf, settings) -> None:
    settings.CIL_MONITORING_TOKEN = TOKEN
    settings.CIL_MONITORING_ALLOWED_IPS = []
    assert not is_monitoring(rf.get("/", REMOTE_ADDR="127.0.0.1"))
    assert is_monitoring(rf.get("/", HTTP_AUTHORIZATION=f"bearer {TOKEN}"))
