"""What an operator's monitoring asks of the portal: who may ask, and whether it is ready.

``/healthz`` (cil/views.py) says only that the process answers. ``/healthz/ready`` and
``/metrics`` run the checks below, which touch the database, the file store and the task
queue: only monitoring may trigger them (a bearer token, CIL_MONITORING_TOKEN, or a client
address in CIL_MONITORING_ALLOWED_IPS). With neither configured they do not exist (404).
"""

from __future__ import annotations

import contextlib
import hmac
import ipaddress
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection
from django.db.models import Case, Count, F, Min, When
from django.http import HttpRequest
from django.utils import timezone

from cil.ratelimit import client_ip

# The probe object written and removed again by the file-store check. A fresh name each time,
# so two probes at once (two monitors, two processes) never delete each other's object.
PROBE_FOLDER = "healthz"
PROBE_BYTES = b"cil readiness probe\n"


def monitoring_configured() -> bool:
    return bool(settings.CIL_MONITORING_TOKEN or settings.CIL_MONITORING_ALLOWED_IPS)


def is_monitoring(request: HttpRequest) -> bool:
    """True for a request from the deployment's monitoring: the right bearer token, or a client
    address on the allow-list (as the trusted proxies report it, cil.ratelimit.client_ip)."""
    token = settings.CIL_MONITORING_TOKEN
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    if (
        token
        and scheme.lower() == "bearer"
        and hmac.compare_digest(given.strip().encode(), token.encode())
    ):
        return True
    networks = settings.CIL_MONITORING_ALLOWED_IPS
    address = client_ip(request)
    if networks and address:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in ipaddress.ip_network(network, strict=False) for network in networks)
    return False


@dataclass
class Check:
    ok: bool
    details: dict[str, object] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {"status": "ok" if self.ok else "error", **self.details}


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return Check(False, {"error": type(error).__name__})
    return Check(True, {"vendor": connection.vendor})


def check_file_store() -> Check:
    """Write, read back and delete a tiny object through the storage API.

    exists() on a known key would only show that the store can be read; uploads and diplomas
    need it writable. On S3 this is three small requests, made only for monitoring.
    """
    name = f"{PROBE_FOLDER}/probe-{uuid.uuid4().hex}"
    saved = None
    try:
        saved = default_storage.save(name, ContentFile(PROBE_BYTES))
        with default_storage.open(saved, "rb") as probe:
            readable = probe.read() == PROBE_BYTES
    except Exception as error:  # any backend's failure (OSError, botocore's ClientError ...)
        return Check(False, {"error": type(error).__name__})
    finally:
        if saved is not None:
            # The write or the read has decided the outcome; a failed clean-up changes nothing.
            with contextlib.suppress(Exception):
                default_storage.delete(saved)
    backend = default_storage.__class__.__name__  # the configured class, not the lazy proxy
    if not readable:
        return Check(False, {"backend": backend, "error": "probe read back differently"})
    return Check(True, {"backend": backend})


def uses_database_tasks() -> bool:
    return any(
        backend.get("BACKEND", "").startswith("django_tasks_db.")
        for backend in settings.TASKS.values()
    )


def task_queue_summary() -> tuple[int, float | None]:
    """How many tasks are waiting to run (READY and due) and the oldest one's wait in seconds.

    A task with a run_after waits from then; one without (django_tasks_db stores the far
    future, 9999, for "none") from when it was enqueued.
    """
    from django_tasks_db.models import DBTaskResult, get_date_max

    waiting_since = Case(
        When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after")
    )
    summary = DBTaskResult.objects.ready().aggregate(waiting=Count("pk"), oldest=Min(waiting_since))
    oldest = summary["oldest"]
    age = (timezone.now() - oldest).total_seconds() if oldest is not None else None
    return summary["waiting"], age


def check_task_queue() -> Check:
    if not uses_database_tasks():
        return Check(True, {"backend": "not the database queue"})
    try:
        waiting, age = task_queue_summary()
    except DatabaseError as error:
        return Check(False, {"error": type(error).__name__})
    limit = settings.CIL_READY_MAX_TASK_AGE_SECONDS
    details: dict[str, object] = {
        "waiting": waiting,
        "oldest_waiting_seconds": round(age) if age is not None else None,
        "limit_seconds": limit,
    }
    # A worker that has stopped shows as tasks that wait ever longer.
    return Check(age is None or age <= timedelta(seconds=limit).total_seconds(), details)


def readiness() -> tuple[bool, dict[str, dict[str, object]]]:
    """Every check; the portal is ready when all pass. The database comes first: without it
    the queue cannot be read."""
    checks = {
        "database": check_database(),
        "file_store": check_file_store(),
        "task_queue": check_task_queue(),
    }
    return all(c.ok for c in checks.values()), {k: c.as_dict() for k, c in checks.items()}
