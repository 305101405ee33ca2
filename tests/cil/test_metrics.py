"""/metrics: off by default, for monitoring only, the same figures from any process."""

from __future__ import annotations

import re

import pytest

from certificates.models import Diploma
from cil import latency
from tests.factories import DiplomaFactory

pytestmark = pytest.mark.django_db
TOKEN = "monitoring-token-for-tests-only"
AUTH = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}


@pytest.fixture
def metrics_on(settings):
    settings.CIL_METRICS = True
    settings.CIL_MONITORING_TOKEN = TOKEN
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.CIL_METRICS_FLUSH_SECONDS = 0  # every request adds to the shared counters at once
    return settings


def sample(body: str, name: str) -> float:
    match = re.search(rf"^{re.escape(name)} (\S+)$", body, re.MULTILINE)
    assert match, f"{name} not in the metrics"
    return float(match.group(1))


def test_metrics_are_off_by_default(client, settings) -> None:
    settings.CIL_MONITORING_TOKEN = TOKEN
    assert client.get("/metrics", **AUTH).status_code == 404


def test_metrics_need_the_monitoring_token(client, personas, metrics_on) -> None:
    client.force_login(personas.superuser, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope").status_code == 404


def test_metrics_count_diplomas_tasks_and_latency_by_view_name(
    client, personas, metrics_on
) -> None:
    revoked, _valid = DiplomaFactory.create_batch(2)
    Diploma.objects.filter(pk=revoked.pk).update(revoked_at="2026-01-01T00:00Z")
    client.get("/healthz")
    client.get("/programmes/")
    client.get("/no-such-page/12345/")
    response = client.get("/metrics", **AUTH)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    body = response.content.decode()
    assert sample(body, 'cil_diplomas{state="valid"}') == 1
    assert sample(body, 'cil_diplomas{state="revoked"}') == 1
    assert sample(body, "cil_task_queue_waiting") == 0
    assert sample(body, 'cil_request_duration_seconds_count{view="healthz"}') == 1
    assert sample(body, 'cil_request_duration_seconds_bucket{view="healthz",le="+Inf"}') == 1
    assert sample(body, 'cil_request_duration_seconds_count{view="unresolved"}') == 1
    assert "12345" not in body  # labels are view names, never paths with ids
    assert "# TYPE cil_request_duration_seconds histogram" in body


def test_latency_buckets_are_cumulative(metrics_on) -> None:
    latency.record("landing", 0.01)
    latency.record("landing", 0.3)
    latency.record("landing", 60)
    latency.flush_pending()
    [(cumulative, count, total)] = latency.read(["landing"]).values()
    assert count == 3
    assert cumulative[0] == 1  # <= 0.025
    assert cumulative[latency.BUCKETS.index(0.5)] == 2
    assert cumulative[-1] == 3  # +Inf
    assert total == pytest.approx(60.31)
