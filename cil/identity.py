"""Institutional sign-in (OpenID Connect and SAML 2.0) as configured from the environment.

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
``id`` and the ``sub`` claim, which never changes for a person at that provider.

``CIL_SAML_PROVIDERS`` is a JSON list with one object per SAML identity provider (SWAMID,
eduGAIN, …)::

    [{"id": "lu",
      "entity_id": "https://idp.lu.se/idp/shibboleth",
      "sso_url": "https://idp.lu.se/idp/profile/SAML2/Redirect/SSO",
      "x509cert": "MIIDx…",               # or "metadata_file": "/etc/cil/lu-idp.xml"
      "slo_url": "…",                     # optional
      "name": {"en": "Lund University", "nb": "Lunds universitet"}}]

A SAML account is keyed on the provider ``id`` and the eduPersonPrincipalName. The module is
read by cil/settings.py and so imports nothing of Django's models.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
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

# SAML attributes, by OID (urn:oasis:names:tc:SAML:2.0:attrname-format:uri), as SWAMID and
# eduGAIN release them.
SAML_EPPN = "urn:oid:1.3.6.1.4.1.5923.1.1.1.6"  # eduPersonPrincipalName: the account key
SAML_MAIL = "urn:oid:0.9.2342.19200300.100.1.3"
SAML_DISPLAY_NAME = "urn:oid:2.16.840.1.113730.3.1.241"
SAML_GIVEN_NAME = "urn:oid:2.5.4.42"
SAML_SURNAME = "urn:oid:2.5.4.4"
SAML_AFFILIATION = "urn:oid:1.3.6.1.4.1.5923.1.1.1.1"  # eduPersonAffiliation: "student"
SAML_SCOPED_AFFILIATION = "urn:oid:1.3.6.1.4.1.5923.1.1.1.9"  # "student@lu.se"
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


def _provider_entries(raw: str, setting: str) -> list[dict[str, Any]]:
    """The objects of a providers setting's JSON list (empty when unset); anything else fails."""
    if not raw.strip():
        return []
    try:
        items = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ImproperlyConfigured(f"{setting} is not valid JSON: {exc}") from exc
    if not isinstance(items, list):
        raise ImproperlyConfigured(f"{setting} must be a JSON list of objects.")
    for item in items:
        if not isinstance(item, dict):
            raise ImproperlyConfigured(f"Each entry of {setting} must be an object.")
    return items


def _provider_id(item: Mapping[str, Any], setting: str) -> str:
    """An entry's id: it keys the logins, so it is checked before anything else."""
    provider_id = str(item.get("id", ""))
    if not _ID.match(provider_id):
        raise ImproperlyConfigured(
            f"{setting}: id {provider_id!r} must be lower-case letters, digits "
            "and hyphens, starting with a letter."
        )
    return provider_id


def parse_oidc_providers(raw: str, environ: Mapping[str, str]) -> list[OIDCProvider]:
    """The providers in ``raw`` (the JSON of CIL_OIDC_PROVIDERS); a bad value fails at start."""
    items = _provider_entries(raw, "CIL_OIDC_PROVIDERS")
    providers: list[OIDCProvider] = []
    for item in items:
        provider_id = _provider_id(item, "CIL_OIDC_PROVIDERS")
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


@dataclass(frozen=True)
class SAMLProvider:
    """A SAML 2.0 identity provider, and how the portal (the service provider) talks to it."""

    id: str
    entity_id: str
    sso_url: str
    x509cert: str
    names: dict[str, str] = field(default_factory=dict)
    slo_url: str = ""

    def name(self, language: str | None) -> str:
        """The display name in ``language``, else in English, else the id."""
        return self.names.get(language or "") or self.names.get("en") or self.id

    def metadata_url(self, site_url: str) -> str:
        """The portal's own metadata, which is also its entity id towards this provider
        (allauth's saml_metadata address, under SITE_URL)."""
        return f"{site_url}/accounts/saml/{self.id}/metadata/"

    def allauth_app(self, site_url: str, sp_key: str = "", sp_cert: str = "") -> dict[str, Any]:
        """The entry for allauth's ``SOCIALACCOUNT_PROVIDERS["saml"]["APPS"]``."""
        idp: dict[str, Any] = {
            "entity_id": self.entity_id,
            "sso_url": self.sso_url,
            "x509cert": self.x509cert,
        }
        if self.slo_url:
            idp["slo_url"] = self.slo_url
        advanced: dict[str, Any] = {
            "strict": True,
            # The assertion itself must carry the institution's signature.
            "want_assertion_signed": True,
            "want_attribute_statement": True,
            "reject_deprecated_algorithm": True,
            # Only answers to a sign-in this browser started here (InResponseTo), never a
            # response the provider sends on its own.
            "reject_idp_initiated_sso": True,
            "authn_request_signed": bool(sp_key and sp_cert),
        }
        if sp_key and sp_cert:
            advanced["private_key"] = sp_key
            advanced["x509cert"] = sp_cert
        return {
            "provider_id": self.id,
            "client_id": self.id,
            "name": self.name("en"),
            "settings": {
                "idp": idp,
                "sp": {"entity_id": self.metadata_url(site_url)},
                "advanced": advanced,
                "attribute_mapping": {
                    "uid": [SAML_EPPN],
                    "email": [SAML_MAIL],
                    "name": [SAML_DISPLAY_NAME],
                    "first_name": [SAML_GIVEN_NAME],
                    "last_name": [SAML_SURNAME],
                },
            },
        }


def _idp_from_metadata(provider_id: str, path: str, entity_id: str) -> dict[str, str]:
    from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser

    try:
        with open(path, encoding="utf-8") as f:
            xml = f.read()
        parsed = OneLogin_Saml2_IdPMetadataParser.parse(xml, entity_id=entity_id or None)
    except (OSError, ValueError, SyntaxError) as exc:
        raise ImproperlyConfigured(
            f"CIL_SAML_PROVIDERS: the metadata_file of {provider_id!r} cannot be read: {exc}"
        ) from exc
    idp = parsed.get("idp") or {}
    cert = idp.get("x509cert") or next(iter(idp.get("x509certMulti", {}).get("signing", [])), "")
    return {
        "entity_id": str(idp.get("entityId", "")),
        "sso_url": str(idp.get("singleSignOnService", {}).get("url", "")),
        "slo_url": str(idp.get("singleLogoutService", {}).get("url", "")),
        "x509cert": str(cert),
    }


def parse_saml_providers(raw: str, taken_ids: Sequence[str] = ()) -> list[SAMLProvider]:
    """The providers in ``raw`` (the JSON of CIL_SAML_PROVIDERS); a bad value fails at start.
    ``taken_ids`` are the OpenID providers' ids: a login is keyed on the id, so they differ."""
    items = _provider_entries(raw, "CIL_SAML_PROVIDERS")
    providers: list[SAMLProvider] = []
    for item in items:
        provider_id = _provider_id(item, "CIL_SAML_PROVIDERS")
        if provider_id in taken_ids or any(p.id == provider_id for p in providers):
            raise ImproperlyConfigured(f"CIL_SAML_PROVIDERS: id {provider_id!r} appears twice.")
        entity_id = str(item.get("entity_id", ""))
        found = {
            "entity_id": entity_id,
            "sso_url": str(item.get("sso_url", "")),
            "slo_url": str(item.get("slo_url", "")),
            "x509cert": str(item.get("x509cert", "")),
        }
        if item.get("metadata_file"):
            from_metadata = _idp_from_metadata(provider_id, str(item["metadata_file"]), entity_id)
            found = {key: found[key] or from_metadata[key] for key in found}
        if not found["entity_id"]:
            raise ImproperlyConfigured(f"CIL_SAML_PROVIDERS: {provider_id!r} has no entity_id.")
        sso_url = found["sso_url"]
        if not sso_url.startswith("https://") and not (
            sso_url.startswith("http://") and _local_http(sso_url)
        ):
            raise ImproperlyConfigured(
                f"CIL_SAML_PROVIDERS: the sso_url of {provider_id!r} must be an https:// URL."
            )
        cert = "".join(
            line
            for line in found["x509cert"].splitlines()
            if line.strip() and "CERTIFICATE-----" not in line
        ).replace(" ", "")
        if not cert:
            raise ImproperlyConfigured(
                f"CIL_SAML_PROVIDERS: {provider_id!r} needs the provider's signing certificate "
                "(x509cert or metadata_file): the portal accepts only signed assertions."
            )
        names = item.get("name", {})
        if isinstance(names, str):
            names = {"en": names}
        if not isinstance(names, dict):
            raise ImproperlyConfigured(
                f"CIL_SAML_PROVIDERS: the name of {provider_id!r} must be text or "
                '{"en": …, "nb": …}.'
            )
        providers.append(
            SAMLProvider(
                id=provider_id,
                entity_id=found["entity_id"],
                sso_url=sso_url,
                x509cert=cert,
                names={str(k): str(v) for k, v in names.items()},
                slo_url=found["slo_url"],
            )
        )
    return providers


def read_sp_credentials(key_file: str, cert_file: str) -> tuple[str, str]:
    """The portal's own SAML key and certificate (CIL_SAML_SP_KEY_FILE, CIL_SAML_SP_CERT_FILE),
    for signing its requests: both or neither."""
    if bool(key_file) != bool(cert_file):
        raise ImproperlyConfigured(
            "Set both CIL_SAML_SP_KEY_FILE and CIL_SAML_SP_CERT_FILE, or neither."
        )
    if not key_file:
        return "", ""
    try:
        with open(key_file, encoding="utf-8") as f:
            key = f.read()
        with open(cert_file, encoding="utf-8") as f:
            cert = f.read()
    except OSError as exc:
        raise ImproperlyConfigured(f"The SAML key or certificate cannot be read: {exc}") from exc
    return key, cert


def provider_origins(providers: Sequence[OIDCProvider | SAMLProvider]) -> list[str]:
    """The identity providers' origins: the sign-in buttons post to the portal, which sends the
    browser on to the provider, so the CSP's form-action must allow them."""
    origins = []
    for provider in providers:
        parts = urlsplit(
            provider.issuer if isinstance(provider, OIDCProvider) else provider.sso_url
        )
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in origins:
            origins.append(origin)
    return origins


def parse_local_login(value: str, providers: Sequence[OIDCProvider | SAMLProvider]) -> str:
    """CIL_LOCAL_LOGIN: who may still sign in with a password (all, staff or none)."""
    value = value.strip().lower()
    if value not in LOCAL_LOGIN_CHOICES:
        raise ImproperlyConfigured(
            f"CIL_LOCAL_LOGIN must be one of {', '.join(LOCAL_LOGIN_CHOICES)}, not {value!r}."
        )
    if value != "all" and not providers:
        raise ImproperlyConfigured(
            f"CIL_LOCAL_LOGIN={value} needs an institutional sign-in (CIL_OIDC_PROVIDERS or "
            "CIL_SAML_PROVIDERS): "
            "otherwise nobody could sign in."
        )
    return value


def _saml_values(data: Mapping[str, Any], attribute: str) -> list[str]:
    values = data.get(attribute) or []
    if isinstance(values, str):
        values = [values]
    return [str(v) for v in values if v]


def institutional_id(account: Any) -> str:
    """The institutional id (eduPersonPrincipalName) kept with a linked login (allauth stores
    the OpenID provider's claims, or the SAML attributes, in SocialAccount.extra_data at every
    sign-in)."""
    from django.conf import settings

    data = account.extra_data or {}
    if any(p.id == account.provider for p in settings.CIL_SAML_PROVIDERS):
        return next(iter(_saml_values(data, SAML_EPPN)), "")
    claim = next(
        (p.institutional_id_claim for p in settings.CIL_OIDC_PROVIDERS if p.id == account.provider),
        FEIDE_EPPN_CLAIM,
    )
    for part in (data.get("userinfo"), data.get("id_token"), data):
        if isinstance(part, dict) and part.get(claim):
            return str(part[claim])
    return ""


def affiliations(account: Any) -> frozenset[str]:
    """The eduPerson affiliations (``student``, ``staff`` …, without a scope) a linked login's
    provider asserted at its last sign-in; empty when the institution released none.

    SAML: allauth keeps the attributes as a dict of name -> list of values; eduPersonAffiliation
    and eduPersonScopedAffiliation (``student@lu.se``, the scope stripped) both count. OpenID
    Connect: the provider's ``affiliation_claim`` in the claims allauth keeps.
    """
    from django.conf import settings

    data = account.extra_data or {}
    values = _saml_values(data, SAML_AFFILIATION) + [
        v.partition("@")[0] for v in _saml_values(data, SAML_SCOPED_AFFILIATION)
    ]
    if not values:
        claim = next(
            (p.affiliation_claim for p in settings.CIL_OIDC_PROVIDERS if p.id == account.provider),
            FEIDE_AFFILIATION_CLAIM,
        )
        for part in (data.get("userinfo"), data.get("id_token"), data):
            if isinstance(part, dict) and part.get(claim):
                found = part[claim]
                values = [found] if isinstance(found, str) else [str(v) for v in found]
                break
    return frozenset(v.strip().lower() for v in values if v.strip())


def provider_name(provider_id: str, language: str | None) -> str:
    """An identity provider (OpenID Connect or SAML), named in ``language``."""
    from django.conf import settings

    providers: list[OIDCProvider | SAMLProvider] = [
        *settings.CIL_OIDC_PROVIDERS,
        *settings.CIL_SAML_PROVIDERS,
    ]
    for provider in providers:
        if provider.id == provider_id:
            return str(provider.name(language))
    return provider_id
