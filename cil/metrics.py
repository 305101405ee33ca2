"""Prometheus metrics at /metrics (docs/deployment.md, "Monitoring").

gunicorn runs several processes, each with its own memory: a counter kept in one process
counts only that process's share and starts again at zero when the process is recycled. So
nothing here lives in a process: the figures about the portal's data (diplomas, the task
queue) are read from the database when Prometheus asks, and request latency is summed across
processes in the shared cache (cil/latency.py). Any process answers with the same numbers.
For that, prometheus_client (whose multi-process mode needs a shared folder and clean-up on
every worker exit) would add a dependency and solve nothing: the text format is written here.
"""

from __future__ import annotations

from certificates.models import Diploma
from cil import latency, monitoring
from cil.policy import iter_urls

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _header(name: str, kind: str, help_text: str) -> list[str]:
    return [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]


def _gauge(name: str, help_text: str, samples: list[tuple[str, float]]) -> list[str]:
    lines = _header(name, "gauge", help_text)
    lines += [f"{name}{labels} {value:g}" for labels, value in samples]
    return lines


def _latency() -> list[str]:
    name = "cil_request_duration_seconds"
    lines = _header(name, "histogram", "Time to answer a request, by view name.")
    views = sorted({entry.view_name for entry in iter_urls()})
    for view, (cumulative, count, total) in latency.read(views).items():
        label = _label(view)
        bounds = [f"{bound:g}" for bound in latency.BUCKETS] + ["+Inf"]
        for bound, value in zip(bounds, cumulative, strict=True):
            lines.append(f'{name}_bucket{{view="{label}",le="{bound}"}} {value}')
        lines.append(f'{name}_sum{{view="{label}"}} {total:g}')
        lines.append(f'{name}_count{{view="{label}"}} {count}')
    return lines


def exposition() -> str:
    """The metrics in Prometheus' text format."""
    revoked = Diploma.objects.filter(revoked_at__isnull=False).count()
    issued = Diploma.objects.count()
    # A gauge, not a counter: it is a count of rows, and revoking moves one between states.
    lines = _gauge(
        "cil_diplomas",
        "Diplomas issued, by whether they still stand or were revoked.",
        [('{state="valid"}', issued - revoked), ('{state="revoked"}', revoked)],
    )
    if monitoring.uses_database_tasks():
        waiting, age = monitoring.task_queue_summary()
        lines += _gauge(
            "cil_task_queue_waiting",
            "Background tasks due and waiting for a worker.",
            [("", waiting)],
        )
        lines += _gauge(
            "cil_task_queue_oldest_waiting_seconds",
            "How long the oldest waiting background task has waited (0 when none waits).",
            [("", age or 0.0)],
        )
    lines += _latency()
    return "\n".join(lines) + "\n"
