from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        check=False,
    )


PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "k3y-" + "9f8e7d6c5b4a3210" * 4,
    "DJANGO_ALLOWED_HOSTS": "cil.uni.example",
    "SITE_URL": "https://cil.uni.example",
    "EMAIL_URL": "smtp://mail.uni.example:587",
    "MEDIA_ROOT": "/var/lib/cil/media",
    # An empty database, whatever the developer's own holds: these tests check the settings,
    # and the privacy notice check (which reads the database) has its own tests.
    "DATABASE_URL": "sqlite:///:memory:",
}


def production_setting(expression: str, **env: str) -> Any:
    """What ``expression`` (JSON-ready, of ``settings``) is with the production environment and
    ``env``, read in a process of its own: the settings are made once per process."""
    result = run_manage(
        "shell",
        "-c",
        f"import json; from django.conf import settings; print(json.dumps({expression}))",
        **{**PRODUCTION, **env},
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_deploy_check_reports_nothing_with_production_settings() -> None:
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_secret_key_is_required_when_debug_is_off() -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SECRET_KEY"}
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_a_malformed_setting_fails_loudly_at_start() -> None:
    result = run_manage("check", **{**PRODUCTION, "AXES_FAILURE_LIMIT": "five"})
    assert result.returncode != 0
    assert "invalid literal for int()" in result.stderr


def test_a_storage_url_with_keys_in_it_fails_at_start_without_repeating_them() -> None:
    result = run_manage(
        "check", **{**PRODUCTION, "STORAGE_URL": "s3://AKIAEXAMPLE:very-secret@cil-files"}
    )
    assert result.returncode != 0
    assert "STORAGE_URL must not carry keys" in result.stderr
    assert "very-secret" not in result.stderr


def test_production_settings_pass_the_deploy_check_with_a_bucket_too() -> None:
    bucket = {"STORAGE_URL": "s3://cil-files?endpoint_url=https://s3.uni.example&region=eu-north-1"}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, **bucket)
    assert result.returncode == 0, result.stdout + result.stderr


def test_models_and_migrations_agree() -> None:
    result = run_manage("makemigrations", "--check", "--dry-run", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_check_fails_while_site_url_is_the_development_default() -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != "SITE_URL"}
    result = run_manage(
        "check", "--deploy", **{**env, "DJANGO_CSRF_TRUSTED_ORIGINS": "https://cil.uni.example"}
    )
    assert result.returncode != 0
    assert "cil.E010" in result.stderr + result.stdout
    assert "SITE_URL" in result.stderr + result.stdout
    # Without --deploy, development goes on as before.
    assert run_manage("check", **env).returncode == 0


def test_pages_switch_off_camera_microphone_geolocation_and_payment(client) -> None:
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    policy = {
        part.strip().partition("=")[0]: part.strip().partition("=")[2]
        for part in response["Permissions-Policy"].split(",")
    }
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert policy[feature] == "()", feature
