"""The privacy notice: its versions, who accepted which, and asking again after a change.

Central staff publish a version (both languages, Markdown); it is never edited afterwards.
Everyone signed in who has not accepted the current version is sent to a page that shows it
with an accept button (``PrivacyNoticeMiddleware``). With no version published nobody is
asked, so an existing installation runs as before until its staff publish one (and
``check --deploy`` warns meanwhile, cil/checks.py).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from cil import audit
from cil.models import PrivacyAcceptance, PrivacyNotice, User

# The current version is read on every signed-in request: each process remembers it for a
# short while rather than asking the database each time. A new version reaches the other
# processes within this many seconds.
CURRENT_VERSION_TTL = 30.0

_lock = threading.Lock()
_remembered: tuple[int | None, float] | None = None

# The version the session's user is known to have accepted, so that the check costs nothing.
SESSION_KEY = "cil_privacy_version"


def current_notice() -> PrivacyNotice | None:
    return PrivacyNotice.objects.order_by("-version").first()


def current_version() -> int | None:
    """The number of the current version, or None while none is published (remembered)."""
    global _remembered
    now = time.monotonic()
    remembered = _remembered
    if remembered is not None and remembered[1] > now:
        return remembered[0]
    version: int | None = PrivacyNotice.objects.aggregate(v=Max("version"))["v"]
    with _lock:
        _remembered = (version, now + CURRENT_VERSION_TTL)
    return version


def forget_current_version() -> None:
    """Read the current version afresh on the next request (after publishing; in tests)."""
    global _remembered
    with _lock:
        _remembered = None


def publish(*, text_en: str, text_nb: str, by: User) -> PrivacyNotice:
    """Publish a new version: everyone is asked to accept it at their next request."""
    with transaction.atomic():
        # One publisher at a time: the version numbers follow each other without gaps.
        PrivacyNotice.objects.select_for_update().order_by("-version").first()
        latest = PrivacyNotice.objects.aggregate(v=Max("version"))["v"] or 0
        notice = PrivacyNotice.objects.create(
            version=latest + 1,
            text_en=text_en.strip(),
            text_nb=text_nb.strip(),
            published_at=timezone.now(),
            published_by=by,
        )
        audit.record(
            actor=by, action="privacy.published", target=notice, data={"version": notice.version}
        )
    transaction.on_commit(forget_current_version)
    forget_current_version()
    return notice


def accept(*, user: User, notice: PrivacyNotice, occasion: str) -> PrivacyAcceptance:
    """Record that ``user`` accepted ``notice`` (once; accepting again changes nothing)."""
    try:
        with transaction.atomic():
            return PrivacyAcceptance.objects.create(user=user, notice=notice, occasion=occasion)
    except IntegrityError:
        return PrivacyAcceptance.objects.get(user=user, notice=notice)


def has_accepted(user: User, version: int) -> bool:
    return PrivacyAcceptance.objects.filter(user=user, notice__version=version).exists()


def remember_accepted(request: HttpRequest, version: int) -> None:
    request.session[SESSION_KEY] = version


# Pages a person who has not accepted the current notice may still open: the notice itself,
# the page that asks, signing out, switching language, and what machines poll.
NOT_ASKED_ON = frozenset(
    {
        "privacy",
        "privacy_accept",
        "account_logout",
        "set_language",
        "healthz",
        "did_document",
        "certificates:status_list",
        "certificates:verify_credential",
    }
)


class PrivacyNoticeMiddleware:
    """Sends a signed-in user who has not accepted the current notice to the page that asks.

    After AuthenticationMiddleware (it reads the user) and the access policy (a refused page
    stays refused). It costs no query once the session knows the accepted version.
    """

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        match = request.resolver_match
        if match is None or match.view_name in NOT_ASKED_ON:
            return None
        version = current_version()
        if version is None or request.session.get(SESSION_KEY) == version:
            return None
        if has_accepted(user, version):
            remember_accepted(request, version)
            return None
        target = reverse("privacy_accept")
        if request.method in ("GET", "HEAD"):
            target += "?" + urlencode({"next": request.get_full_path()})
        if getattr(request, "htmx", False):
            # htmx would put the whole page into a fragment: let it load the page instead.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
