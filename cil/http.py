"""Request types for annotations: what the middleware guarantees a view receives."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from cil.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request to a view that is not ``login_not_required``.

    ``LoginRequiredMiddleware`` sends anonymous visitors to the sign-in page before such a view
    runs, so ``request.user`` is a signed-in ``User``; ``HtmxMiddleware`` sets ``request.htmx``
    on every request. Only an annotation: views receive Django's own request object.
    """

    user: User
    htmx: HtmxDetails
