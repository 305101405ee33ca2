from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from activities.roles import roles_of


def _institutional_logins() -> list[dict[str, str]]:
    """Institutional sign-in buttons (CIL_OIDC_PROVIDERS, then CIL_SAML_PROVIDERS), named in
    the page's language."""
    return [
        {
            "id": p.id,
            "name": p.name(get_language()),
            "url": reverse("openid_connect_login", kwargs={"provider_id": p.id}),
        }
        for p in settings.CIL_OIDC_PROVIDERS
    ] + [
        {
            "id": p.id,
            "name": p.name(get_language()),
            "url": reverse("saml_login", kwargs={"organization_slug": p.id}),
        }
        for p in settings.CIL_SAML_PROVIDERS
    ]


def portal(request: HttpRequest) -> dict[str, Any]:
    """What every page needs: the institution's name and the user's roles for navigation."""
    return {
        "institution_name": settings.CIL_INSTITUTION_NAME,
        "roles": roles_of(getattr(request, "user", None)),
        # Built only by the few pages that show the buttons (sign-in, account), not by every page.
        "institutional_logins": SimpleLazyObject(_institutional_logins),
        "local_login": settings.CIL_LOCAL_LOGIN,
    }
