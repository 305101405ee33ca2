"""A small fixed-window rate limit for public pages, kept in the shared cache.

The shared cache (a database table by default) holds the counters, so the limit holds across
server processes. Counting is ``add`` then ``incr``, both atomic in every shared cache the
portal supports (for the database table, thanks to cil/cache.py), so simultaneous requests
cannot slip past the limit. Over the limit, the view answers 429 with a Retry-After header.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def _now() -> float:
    """The clock the windows are cut from (tests hold it still across a minute's edge)."""
    return time.time()


def client_address(request: HttpRequest) -> str:
    # Behind a trusted proxy, SecurityMiddleware/the proxy set REMOTE_ADDR; we never read
    # X-Forwarded-For here, which a client could forge.
    return request.META.get("REMOTE_ADDR", "unknown")


def per_minute(limit: Callable[[], int], scope: str) -> Callable:
    """Allow ``limit()`` requests per minute per client address to the decorated view."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            now = _now()
            window = int(now // 60)
            key = f"rl:{scope}:{client_address(request)}:{window}"
            cache.add(key, 0, timeout=90)
            try:
                count = cache.incr(key)
            except ValueError:  # evicted between add and incr: start again, still atomically
                count = 1 if cache.add(key, 1, timeout=90) else cache.incr(key)
            if count > limit():
                response = render(request, "429.html", status=429)
                response["Retry-After"] = str(60 - int(now) % 60)
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
