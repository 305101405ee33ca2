"""Institutional sign-in (OpenID Connect) as configured from the environment.

``CIL_OIDC_PROVIDERS`` is a JSON list with one object per identity provider::

    [{"id": "feide",
      "issuer": "https://auth.dataporten.no",
      "client_id": "…",
      "secret": "…",                      # or CIL_OIDC_FEIDE_SECRET in the environment
      "scopes": ["openid", "profile", "email", "userid", "userid-feide"],
      "name": {"en": "Feide", "nb": "Feide"},
      "institutional_id_claim": "https://n.feide.no/claims/eduPersonPrincipalName",
      "affiliation_claim": "https://n.feide.no/claims/eduPersonAffiliation"}]

Only ``id``, ``issuer`` and ``client_id`` are required. The account is keyed on the provider
``id`` and the ``sub`` claim, which never changes for a person at that provider. The module is
read by cil/settings.py and so imports nothing of Django's models.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

LOCAL_LOGIN_CHOICES = ("all", "staff", "none")

DEFAULT_SCOPES = ("openid", "profile", "email")
# Feide's scope for the national identity number (fødselsnummer): the portal never asks for it.
FORBIDDEN_SCOPES = frozenset({"userid-nin"})
FEIDE_EPPN_CLAIM = "https://n.feide.no/claims/eduPersonPrincipalName"
FEIDE_AFFILIATION_CLAIM = "https://n.feide.no/claims/eduPersonAffiliation"
# eduPersonAffiliation and eduPersonScopedAffiliation as SAML attribute names.
SAML_AFFILIATION = "urn:oid:1.3.6.1.4.1.5923.1.1.1.1"
SAML_SCOPED_AFFILIATION = "urn:oid:1.3.6.1.4.1.5923.1.1.1.9"
# The eduPerson affiliations a study programme may require to sign up.
AFFILIATIONS = ("student", "staff", "employee", "faculty", "member", "affiliate")

_ID = re.compile(r"^[a-z][a-z0-9-]{0,29}$")


@dataclass(frozen=True)
class OIDCProvider:
    id: str
    issuer: str
    client_id: str
    secret: str
    scopes: tuple[str, ...] = DEFAULT_SCOPES
    names: dict[str, str] = field(default_factory=dict)
    institutional_id_claim: str = FEIDE_EPPN_CLAIM
    affiliation_claim: str = FEIDE_AFFILIATION_CLAIM
    email_verified: bool = True

    def name(self, language: str | None) -> str:
        """The display name in ``language``, else in English, else the id."""
        return self.names.get(language or "") or self.names.get("en") or self.id

    def allauth_app(self) -> dict[str, Any]:
        """The entry for allauth's ``SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"]``."""
        return {
            "provider_id": self.id,
            "name": self.name("en"),
            "client_id": self.client_id,
            "secret": self.secret,
            "settings": {
                "server_url": self.issuer,
                "scope": list(self.scopes),
                "uid_field": "sub",
                "oauth_pkce_enabled": True,
                # The institution vouches for the address it gives; it is still never used to
                # sign in to an existing account (see docs/architecture.md).
                "verified_email": self.email_verified,
            },
        }


def _local_http(url: str) -> bool:
    return urlsplit(url).hostname in {"127.0.0.1", "localhost", "::1"}


def parse_oidc_providers(raw: str, environ: Mapping[str, str]) -> list[OIDCProvider]:
    """The providers in ``raw`` (the JSON of CIL_OIDC_PROVIDERS); a bad value fails at start."""
    if not raw.strip():
        return []
    try:
        items = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ImproperlyConfigured(f"CIL_OIDC_PROVIDERS is not valid JSON: {exc}") from exc
    if not isinstance(items, list):
        raise ImproperlyConfigured("CIL_OIDC_PROVIDERS must be a JSON list of objects.")
    providers: list[OIDCProvider] = []
    for item in items:
        if not isinstance(item, dict):
            raise ImproperlyConfigured("Each entry of CIL_OIDC_PROVIDERS must be an object.")
        provider_id = str(item.get("id", ""))
        if not _ID.match(provider_id):
            raise ImproperlyConfigured(
                f"CIL_OIDC_PROVIDERS: id {provider_id!r} must be lower-case letters, digits "
                "and hyphens, starting with a letter."
            )
        if any(p.id == provider_id for p in providers):
            raise ImproperlyConfigured(f"CIL_OIDC_PROVIDERS: id {provider_id!r} appears twice.")
        issuer = str(item.get("issuer", "")).rstrip("/")
        if not issuer.startswith("https://") and not (
            issuer.startswith("http://") and _local_http(issuer)
        ):
            raise ImproperlyConfigured(
                f"CIL_OIDC_PROVIDERS: the issuer of {provider_id!r} must be an https:// URL."
            )
        client_id = str(item.get("client_id", ""))
        if not client_id:
            raise ImproperlyConfigured(f"CIL_OIDC_PROVIDERS: {provider_id!r} has no client_id.")
        secret_var = "CIL_OIDC_" + provider_id.upper().replace("-", "_") + "_SECRET"
        secret = str(item.get("secret") or environ.get(secret_var, ""))
        scopes = item.get("scopes", list(DEFAULT_SCOPES))
        if isinstance(scopes, str):
            scopes = scopes.split()
        if not isinstance(scopes, list) or "openid" not in scopes:
            raise ImproperlyConfigured(
                f"CIL_OIDC_PROVIDERS: the scopes of {provider_id!r} must be a list with 'openid'."
            )
        if FORBIDDEN_SCOPES.intersection(scopes):
            raise ImproperlyConfigured(
                f"CIL_OIDC_PROVIDERS: {provider_id!r} asks for the national identity number "
                f"({', '.join(sorted(FORBIDDEN_SCOPES.intersection(scopes)))}); the portal "
                "never asks for it."
            )
        names = item.get("name", {})
        if isinstance(names, str):
            names = {"en": names}
        if not isinstance(names, dict):
            raise ImproperlyConfigured(
                f"CIL_OIDC_PROVIDERS: the name of {provider_id!r} must be text or "
                '{"en": …, "nb": …}.'
            )
        providers.append(
            OIDCProvider(
                id=provider_id,
                issuer=issuer,
                client_id=client_id,
                secret=secret,
                scopes=tuple(str(s) for s in scopes),
                names={str(k): str(v) for k, v in names.items()},
                institutional_id_claim=str(item.get("institutional_id_claim", FEIDE_EPPN_CLAIM)),
                affiliation_claim=str(item.get("affiliation_claim", FEIDE_AFFILIATION_CLAIM)),
                email_verified=bool(item.get("email_verified", True)),
            )
        )
    return providers


def provider_origins(providers: list[OIDCProvider]) -> list[str]:
    """The identity providers' origins: the sign-in buttons post to the portal, which sends the
    browser on to the provider, so the CSP's form-action must allow them."""
    origins = []
    for provider in providers:
        parts = urlsplit(provider.issuer)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in origins:
            origins.append(origin)
    return origins


def parse_local_login(value: str, providers: list[OIDCProvider]) -> str:
    """CIL_LOCAL_LOGIN: who may still sign in with a password (all, staff or none)."""
    value = value.strip().lower()
    if value not in LOCAL_LOGIN_CHOICES:
        raise ImproperlyConfigured(
            f"CIL_LOCAL_LOGIN must be one of {', '.join(LOCAL_LOGIN_CHOICES)}, not {value!r}."
        )
    if value != "all" and not providers:
        raise ImproperlyConfigured(
            f"CIL_LOCAL_LOGIN={value} needs an institutional sign-in (CIL_OIDC_PROVIDERS): "
            "otherwise nobody could sign in."
        )
    return value


def institutional_id(account: Any) -> str:
    """The institutional id (e.g. Feide's eduPersonPrincipalName) kept with a linked login
    (allauth stores the provider's claims in SocialAccount.extra_data at every sign-in)."""
    from django.conf import settings

    claim = next(
        (p.institutional_id_claim for p in settings.CIL_OIDC_PROVIDERS if p.id == account.provider),
        FEIDE_EPPN_CLAIM,
    )
    data = account.extra_data or {}
    for part in (data.get("userinfo"), data.get("id_token"), data):
        if isinstance(part, dict) and part.get(claim):
            return str(part[claim])
    return ""


def affiliations(account: Any) -> frozenset[str]:
    """The eduPerson affiliations (``student``, ``staff`` …, without a scope) a linked login's
    provider asserted at its last sign-in.

    OpenID Connect: the provider's ``affiliation_claim`` in the claims allauth keeps. SAML:
    allauth keeps the attributes as a dict of name -> list of values; eduPersonAffiliation
    and eduPersonScopedAffiliation (``student@oslomet.no``, the scope stripped) both count.
    """
    from django.conf import settings

    claim = next(
        (p.affiliation_claim for p in settings.CIL_OIDC_PROVIDERS if p.id == account.provider),
        FEIDE_AFFILIATION_CLAIM,
    )
    data = account.extra_data or {}
    values: list[Any] = []
    for part in (data.get("userinfo"), data.get("id_token"), data):
        if isinstance(part, dict):
            for name in (claim, SAML_AFFILIATION, SAML_SCOPED_AFFILIATION):
                found = part.get(name)
                values.extend(found if isinstance(found, list) else [found] if found else [])
    return frozenset(
        str(value).partition("@")[0].strip().lower() for value in values if str(value).strip()
    )
