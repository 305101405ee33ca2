"""A real OpenID provider (oidc-provider-mock) on 127.0.0.1, for tests that sign in through it.

Each provider is its own server with its own issuer (http://127.0.0.1:<port>), its own keys
and its own users. Users carry claims shaped like Feide's: a ``sub`` that never changes, the
name, the e-mail and the eduPersonPrincipalName under Feide's claim URL.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import oidc_provider_mock
import werkzeug.serving

from cil.identity import FEIDE_EPPN_CLAIM, OIDCProvider, provider_origins


def feide_user(sub: str, name: str, email: str, eppn: str) -> oidc_provider_mock.User:
    return oidc_provider_mock.User(
        sub=sub,
        claims={
            "name": name,
            "email": email,
            FEIDE_EPPN_CLAIM: eppn,
            "https://n.feide.no/claims/userid_sec": [f"feide:{eppn}"],
        },
    )


@dataclass(frozen=True)
class RunningProvider:
    issuer: str

    def config(self, provider_id: str, names: dict[str, str]) -> OIDCProvider:
        return OIDCProvider(
            id=provider_id,
            issuer=self.issuer,
            client_id=f"cil-{provider_id}",
            secret="test-secret",  # nosec B106 - the test provider takes any
            scopes=("openid", "profile", "email", "userid", "userid-feide"),
            names=names,
        )


@contextmanager
def running_provider(*users: oidc_provider_mock.User) -> Iterator[RunningProvider]:
    """An OpenID provider serving ``users`` on 127.0.0.1 until the block ends."""
    server = werkzeug.serving.make_server(
        "127.0.0.1", 0, oidc_provider_mock.app(user_claims=users), threaded=True
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield RunningProvider(issuer=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def use_providers(settings: object, *providers: OIDCProvider) -> None:
    """Configure the portal (pytest-django's ``settings``) as CIL_OIDC_PROVIDERS would."""
    settings.CIL_OIDC_PROVIDERS = list(providers)  # type: ignore[attr-defined]
    settings.SOCIALACCOUNT_PROVIDERS = {  # type: ignore[attr-defined]
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [p.allauth_app() for p in providers],
        }
    }
    csp = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)  # type: ignore[attr-defined]
    csp["DIRECTIVES"]["form-action"] = [
        *csp["DIRECTIVES"]["form-action"],
        *provider_origins(list(providers)),
    ]
    settings.CONTENT_SECURITY_POLICY = csp  # type: ignore[attr-defined]
