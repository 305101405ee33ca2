from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_reports_database_ok_with_details_for_staff(client, personas) -> None:
    client.force_login(personas.superuser, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"status": "ok", "vendor": "postgresql"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "student_a", "central"])
def test_healthz_tells_others_only_that_it_is_ok(client, personas, who: str) -> None:
    if who != "anonymous":
        user = getattr(personas, who)
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert b"postgresql" not in response.content
    assert client.head("/healthz").status_code == 200


def test_healthz_answers_503_when_the_database_is_unreachable(tmp_path: Path) -> None:
    # A real unreachable database: a socket folder where no server listens.
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cil.settings",
        "DATABASE_URL": f"postgres://postgres@/cil?host={tmp_path}",
        "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_ALLOWED_HOSTS": "testserver",
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
    assert outcome["body"] == {"status": "error"}  # no error names for anonymous callers


@pytest.mark.django_db
def test_healthz_refuses_post(client) -> None:
    assert client.post("/healthz").status_code == 405
