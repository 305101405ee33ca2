"""Log lines: JSON objects with the request id and the user id, and no personal data."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.urls import reverse

from cil.logs import JsonFormatter, RequestContextFilter

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """What the root logger writes with LOG_FORMAT=json (the settings' formatter and filter)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


def lines_of(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_requests_log_line_has_its_id_and_the_user_id_and_no_email(
    client, personas, json_lines
) -> None:
    student = personas.student_a
    client.force_login(student, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get("/portfolio/", HTTP_X_REQUEST_ID="proxy-id-1234abcd")
    assert response.status_code == 200
    assert response["X-Request-ID"] == "proxy-id-1234abcd"
    [line] = [entry for entry in lines_of(json_lines) if entry["logger"] == "cil.request"]
    assert line["request_id"] == "proxy-id-1234abcd"
    assert line["user_id"] == student.pk
    assert line["level"] == "INFO"
    assert str(line["message"]).startswith("GET portfolio:home 200 ")
    assert line["view"] == "portfolio:home"
    assert line["status"] == 200
    assert {"time", "level", "logger", "message", "request_id", "user_id"} <= set(line)
    written = json_lines.getvalue()
    assert student.email not in written
    assert student.full_name not in written
    assert "/portfolio/" not in written  # the view's name, never the path (it may hold a token)


@pytest.mark.parametrize(
    "given", ["", "short", "has spaces in it", "x" * 129, "evil\r\nSet-Cookie: a=b", "<script>"]
)
def test_a_malformed_request_id_is_replaced(client, json_lines, given: str) -> None:
    response = client.get("/healthz", HTTP_X_REQUEST_ID=given)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    [line] = lines_of(json_lines)
    assert line["request_id"] == response["X-Request-ID"]
    assert line["user_id"] is None


def test_every_line_logged_while_serving_a_request_carries_its_id(client, json_lines) -> None:
    # The not-found warning comes from Django itself, deep inside the request.
    client.get("/no-such-page/", HTTP_X_REQUEST_ID="req-0000-1111")
    entries = lines_of(json_lines)
    assert {entry["logger"] for entry in entries} >= {"django.request", "cil.request"}
    assert {entry["request_id"] for entry in entries} == {"req-0000-1111"}
    # django.request passes the request object along: it is never written out.
    assert all("request" not in entry for entry in entries)


def test_django_names_the_view_not_an_address_that_holds_a_token(client, json_lines) -> None:
    token = "unknown-share-token-that-must-not-be-logged"
    response = client.get(reverse("certificates:shared", args=[token]))
    assert response.status_code == 404
    [warning] = [e for e in lines_of(json_lines) if e["logger"] == "django.request"]
    assert warning["message"] == "Not Found: <certificates:shared>"
    assert token not in json_lines.getvalue()


def test_a_failed_sign_in_logs_no_email_address(client, personas, settings, json_lines) -> None:
    student = personas.student_a
    response = client.post(
        reverse("account_login"), {"login": student.email, "password": "wrong-password"}
    )
    assert response.status_code == 200  # the form again, with its error
    written = json_lines.getvalue()
    assert written  # axes and the request line wrote something
    assert student.email not in written
    assert student.email.split("@")[0] not in written


def test_a_line_outside_any_request_has_no_request_id(json_lines) -> None:
    logging.getLogger("certificates.tasks").warning("Issuing the diploma of enrolment %s", 7)
    [line] = lines_of(json_lines)
    assert line["request_id"] is None
    assert line["user_id"] is None
    assert line["message"] == "Issuing the diploma of enrolment 7"


def test_exceptions_are_written_inside_the_json_object(json_lines) -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("cil.test").exception("It failed")
    [line] = lines_of(json_lines)
    assert "ValueError: boom" in str(line["exception"])


def test_log_format_json_makes_the_console_write_json_lines(tmp_path) -> None:
    script = (
        "import django, logging; django.setup();"
        "logging.getLogger('cil.test').warning('Diploma %s issued', 42)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cil.settings",
        "LOG_FORMAT": "json",
        "DATABASE_URL": f"postgres://postgres@/cil?host={tmp_path}",  # never connected
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    [line] = [json.loads(text) for text in result.stderr.splitlines()]
    assert line["logger"] == "cil.test"
    assert line["level"] == "WARNING"
    assert line["message"] == "Diploma 42 issued"
