"""Request latency by view, summed across every server process in the shared cache.

gunicorn runs several processes; a histogram kept in one process's memory shows only its
share and is lost when the process is recycled. Each process therefore counts its requests in
memory and, at most every CIL_METRICS_FLUSH_SECONDS, adds its counts to counters in the
default cache (shared by all processes: the database table, or Redis), where /metrics reads
them. A request pays for a flush only once in that interval, with a few cache increments.

The counters are best-effort: a process that stops loses at most one interval's counts, and
a cache that evicts a counter restarts it at zero, which Prometheus reads as a counter reset.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache

# Upper bounds in seconds; +Inf is implied (the count).
BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
UNRESOLVED = "unresolved"  # a request no URL matched (404s, probes)
_PREFIX = "cil:latency"

_lock = threading.Lock()
_pending: Counter[str] = Counter()
_last_flush = time.monotonic()


def _bucket_key(view: str, index: int) -> str:
    # Index len(BUCKETS) is the +Inf bucket; buckets are stored non-cumulative.
    return f"{_PREFIX}:{view}:b{index}"


def _sum_key(view: str) -> str:
    return f"{_PREFIX}:{view}:sum_ms"


def record(view: str | None, seconds: float) -> None:
    """Count one request of the view (its name, never its path: ids would make the label set
    endless) that took ``seconds``."""
    global _last_flush
    name = view or UNRESOLVED
    index = next((i for i, bound in enumerate(BUCKETS) if seconds <= bound), len(BUCKETS))
    with _lock:
        _pending[_bucket_key(name, index)] += 1
        _pending[_sum_key(name)] += round(seconds * 1000)
        if time.monotonic() - _last_flush < settings.CIL_METRICS_FLUSH_SECONDS:
            return
        counts = dict(_pending)
        _pending.clear()
        _last_flush = time.monotonic()
    flush(counts)


def flush(counts: dict[str, int]) -> None:
    for key, delta in counts.items():
        if delta:
            cache.add(key, 0, timeout=None)  # only the first process's add creates it
            cache.incr(key, delta)


def flush_pending() -> None:
    """Write this process's counts now (tests; a worker that is about to stop)."""
    with _lock:
        counts = dict(_pending)
        _pending.clear()
    flush(counts)


def read(views: Iterable[str]) -> dict[str, tuple[list[int], int, float]]:
    """For each view with requests: cumulative bucket counts (as Prometheus wants them, the
    last being +Inf), the count and the sum of durations in seconds."""
    names = [*views, UNRESOLVED]
    keys = [_bucket_key(v, i) for v in names for i in range(len(BUCKETS) + 1)]
    keys += [_sum_key(v) for v in names]
    stored = cache.get_many(keys)
    result: dict[str, tuple[list[int], int, float]] = {}
    for view in names:
        counts = [int(stored.get(_bucket_key(view, i), 0)) for i in range(len(BUCKETS) + 1)]
        if not any(counts):
            continue
        cumulative = [sum(counts[: i + 1]) for i in range(len(counts))]
        result[view] = (cumulative, cumulative[-1], int(stored.get(_sum_key(view), 0)) / 1000)
    return result
