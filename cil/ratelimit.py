"""A small fixed-window rate limit for public pages, kept in the shared cache.

The shared cache (a database table by default) holds the counters, so the limit holds across
server processes. Counting is ``add`` then ``incr``, both atomic in every shared cache the
portal supports (for the database table, thanks to cil/cache.py), so simultaneous requests
cannot slip past the limit. Over the limit, the view answers 429 with a Retry-After header.
"""

from __future__ import annotations

import functools
import ipaddress
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render


def _now() -> float:
    """The clock the windows are cut from (tests hold it still across a minute's edge)."""
    return time.time()


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, as the portal's trusted proxies saw it.

    Every proxy appends the address it received the request from to X-Forwarded-For, and a
    client may send a header of its own first. With N trusted proxies (CIL_TRUSTED_PROXY_COUNT)
    the N-th entry from the right is the last one a trusted proxy wrote; everything left of it
    may be made up. Without trusted proxies, or when the chain is shorter than it must be or
    holds no address, the header is ignored and the peer's address is used.

    The portal's own limiter, django-axes (AXES_CLIENT_IP_CALLABLE) and allauth (the account
    adapter's get_client_ip) all ask this one function.
    """
    remote = request.META.get("REMOTE_ADDR") or None  # None for a request made in code
    proxies = settings.CIL_TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    chain = [entry.strip() for entry in forwarded.split(",")]
    if len(chain) < proxies:
        return remote
    try:
        return str(ipaddress.ip_address(chain[-proxies]))
    except ValueError:
        return remote


_R = TypeVar("_R", bound=HttpResponseBase)


def count(scope: str, key: str, window_seconds: int = 60) -> int:
    """Count one more request for ``key`` in the present fixed window; the count so far."""
    window = int(_now() // window_seconds)
    cache_key = f"rl:{scope}:{key}:{window}"
    timeout = window_seconds + 30
    count_up = getattr(cache, "count_up", None)
    if count_up is not None:  # the portal's database cache (cil/cache.py): one lock, one write
        return int(count_up(cache_key, timeout))
    cache.add(cache_key, 0, timeout=timeout)
    try:
        return int(cache.incr(cache_key))
    except ValueError:  # evicted between add and incr: start again, still atomically
        return 1 if cache.add(cache_key, 1, timeout=timeout) else int(cache.incr(cache_key))


def too_many(request: HttpRequest) -> HttpResponse:
    """The answer over a per-minute limit: 429, and when to try again."""
    response = render(request, "429.html", status=429)
    response["Retry-After"] = str(60 - int(_now()) % 60)
    return response


def per_minute(
    limit: Callable[[], int], scope: str
) -> Callable[[Callable[..., _R]], Callable[..., _R | HttpResponse]]:
    """Allow ``limit()`` requests per minute per client address to the decorated view."""

    def decorator(view: Callable[..., _R]) -> Callable[..., _R | HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> _R | HttpResponse:
            if count(scope, client_ip(request) or "unknown") > limit():
                return too_many(request)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
