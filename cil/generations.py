"""Generations for what the shared cache keeps of database rows.

A page that keeps rows in the cache (certificates/upcoming.py, portfolio/home_cache.py) stores
them with the *generation* it read before reading the rows, and uses them only while that is
still the current one. A write makes a new generation, or forgets it, at once and again when
its transaction commits: a page that read the rows just before the write committed cannot put
back what the write made old.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from django.core.cache import cache
from django.db import transaction


def current(got: Mapping[str, Any], key: str, timeout: int | None) -> str:
    """The generation under ``key`` in what the page read from the cache (``got``); when there
    is none (never set, expired, evicted or forgotten), a new one, stored, so that nothing kept
    under an older one counts."""
    generation = got.get(key)
    if generation is None:
        generation = uuid.uuid4().hex
        cache.set(key, generation, timeout)
    return str(generation)


def renew(key: str) -> None:
    """A new generation under ``key``, kept until the next one."""
    cache.set(key, uuid.uuid4().hex, None)


def now_and_on_commit(action: Callable[[], None]) -> None:
    """``action`` (a renewal or a forgetting) now, and again once the transaction commits."""
    action()
    transaction.on_commit(action)
