"""Logs an operator can search: a request id on every line, JSON lines when LOG_FORMAT=json.

``RequestIdMiddleware`` takes the proxy's X-Request-ID when it is well-formed (else makes one),
sends it back on the response, and keeps it and the request in context variables for the
formatters. Each request ends with one line on the ``cil.request`` logger: method, view name
(never the path, which may hold a token), status and duration.

What a line may say about a person is their user id, nothing else: no name, no e-mail address.
Log calls elsewhere follow the same rule (ids, never personal data in messages).
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty

from cil import latency

request_logger = logging.getLogger("cil.request")

# Letters, digits and a few separators, as proxies (nginx's $request_id, a UUID) make them.
_WELL_FORMED = re.compile(r"[A-Za-z0-9._:-]{8,128}")

current_request_id: ContextVar[str | None] = ContextVar("cil_request_id", default=None)
current_request: ContextVar[HttpRequest | None] = ContextVar("cil_request", default=None)


def request_id_from(header: str | None) -> str:
    """The proxy's id when it looks like one, else a new one (never a client's free text)."""
    if header and _WELL_FORMED.fullmatch(header):
        return header
    return uuid.uuid4().hex


def current_user_id() -> int | None:
    """The signed-in user's id for the request being served, if it is already known.

    A log call must not query the database: a user Django has not yet loaded (the lazy
    request.user) is left out rather than looked up.
    """
    request = current_request.get()
    if request is None:
        return None
    user: Any = request.__dict__.get("user")
    if isinstance(user, SimpleLazyObject):
        user = user._wrapped  # `empty` until something has read the user
        if user is empty:
            return None
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    pk = getattr(user, "pk", None)
    return pk if isinstance(pk, int) else None


class RequestIdMiddleware:
    """First in the chain, so every line logged while a request is served carries its id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.headers.get("X-Request-ID"))
        request.request_id = request_id  # type: ignore[attr-defined]
        # Kept until the response is closed (forget_request below): Django logs a 4xx or 5xx
        # answer ("Not Found: ...") after the middleware has returned.
        current_request_id.set(request_id)
        current_request.set(request)
        started = time.monotonic()
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        match = request.resolver_match
        duration_ms = (time.monotonic() - started) * 1000
        request_logger.info(
            "%s %s %s %.0fms",
            request.method,
            match.view_name if match else "-",
            response.status_code,
            duration_ms,
            extra={
                "view": match.view_name if match else None,
                "status": response.status_code,
                "duration_ms": round(duration_ms, 1),
            },
        )
        if settings.CIL_METRICS:
            latency.record(match.view_name if match else None, duration_ms / 1000)
        return response


@receiver(request_finished)
def forget_request(sender: Any, **kwargs: Any) -> None:
    """A thread serves one request after another: nothing logged between two of them may
    carry the last one's id."""
    current_request_id.set(None)
    current_request.set(None)


class RequestContextFilter(logging.Filter):
    """Puts the request id and user id on every record (for the text format's %(request_id)s),
    and keeps tokens in addresses out of Django's own request lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get()
        record.user_id = current_user_id()
        _name_the_view_not_the_path(record)
        return True


def _name_the_view_not_the_path(record: logging.LogRecord) -> None:
    """Django logs a 4xx or 5xx answer as "Not Found: /share/<token>/" (django.request,
    django.security.csrf), the path last among the arguments. A matched address may hold a
    token (a share link, an unlock link, a password reset key): name its view instead. An
    address no URL matched holds no token of the portal's and stays, for finding broken links.
    """
    request = getattr(record, "request", None)
    args = record.args
    if not isinstance(request, HttpRequest) or not isinstance(args, tuple) or not args:
        return
    match = request.resolver_match
    if match is not None and args[-1] == request.path:
        record.args = (*args[:-1], f"<{match.view_name}>")


# Attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
    "user_id",
}
# Fields a library may pass in `extra` that hold a request or a person: never written out.
_NEVER = {"request", "user", "email"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, user_id, and the
    record's `extra` fields that are plain values."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            # As the filter saw them when the line was logged; else (no filter) as now.
            "request_id": getattr(record, "request_id", current_request_id.get()),
            "user_id": getattr(record, "user_id", current_user_id()),
        }
        for key, value in vars(record).items():
            if key in _STANDARD or key in _NEVER or key.startswith("_"):
                continue
            if isinstance(value, str | int | float | bool) or value is None:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
