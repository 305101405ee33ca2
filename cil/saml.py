"""SAML 2.0 sign-in: allauth's views, with the portal's page for a response it refuses.

allauth (python3-saml, strict) checks the signature of the assertion, the audience, the
destination and the validity period. It takes a response only as the answer to a sign-in this
browser started here: the request's id (InResponseTo) is kept in the session until the answer
comes and is used once, so a replayed response, or one the provider sends on its own, finds
nothing and is refused. Each refusal gets templates/socialaccount/saml_refused.html, with the
reason in words (cil.adapters.SocialAccountAdapter.on_authentication_error).

Every SAML address works under SITE_URL, whatever Host the request names: the portal's entity
id, its assertion consumer service in the metadata, and the Destination the provider's
response must name are the same addresses the provider was told about (allauth would build
them from the Host header, which a client chooses).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from allauth.socialaccount.providers.saml import views as saml_views
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_safe

from cil.adapters import saml_refusal

logger = logging.getLogger(__name__)

View = Callable[..., HttpResponseBase]


def on_site_url(view: View) -> View:
    """Run ``view`` as if the request came to SITE_URL's host and scheme."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        site = urlsplit(settings.SITE_URL)
        request.META["HTTP_HOST"] = site.netloc
        request.META["SERVER_PORT"] = str(site.port or (443 if site.scheme == "https" else 80))
        request.META["wsgi.url_scheme"] = site.scheme
        request.META.pop("HTTP_X_FORWARDED_HOST", None)
        request.META.pop("HTTP_X_FORWARDED_PORT", None)
        return view(request, *args, **kwargs)

    return wrapped


login = on_site_url(saml_views.login)
acs = on_site_url(saml_views.acs)
sls = on_site_url(saml_views.sls)
metadata = on_site_url(saml_views.metadata)


@require_safe
@login_not_required
@on_site_url
def finish_acs(request: HttpRequest, organization_slug: str) -> HttpResponseBase:
    """allauth's second step of the assertion consumer service (its first keeps the POSTed
    response in a short-lived cookie and redirects here)."""
    try:
        response: HttpResponseBase = saml_views.finish_acs(
            request, organization_slug=organization_slug
        )
    except PermissionDenied:
        # No sign-in under way with the response's InResponseTo: replayed, or too late.
        logger.warning("SAML response refused: it answers no sign-in under way here")
        refused: HttpResponse = saml_refusal(request, "not_started", organization_slug).response
        return refused
    except ValueError:
        # No usable subject (allauth found neither the eduPersonPrincipalName nor a NameID).
        logger.warning("SAML response refused: no subject")
        refused = saml_refusal(request, "no_eppn", organization_slug).response
        return refused
    return response
