"""Institutional sign-in without a browser: the settings that configure it, who may still use a
password (CIL_LOCAL_LOGIN), and staff who sign in through their institution still giving their
second factor. The sign-in goes through a real OpenID provider on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from cil.identity import (
    FEIDE_AFFILIATION_CLAIM,
    FEIDE_EPPN_CLAIM,
    OIDCProvider,
    affiliations,
    parse_local_login,
    parse_oidc_providers,
    provider_origins,
)
from tests.factories import PASSWORD, ProgrammeRoleFactory, UserFactory
from tests.support.oidc import RunningProvider, feide_user, running_provider, use_providers

LOGIN = "/accounts/login/"

FEIDE = {
    "id": "feide",
    "issuer": "https://auth.dataporten.no",
    "client_id": "0e4a-client",
    "scopes": ["openid", "profile", "email", "userid", "userid-feide"],
    "name": {"en": "Feide", "nb": "Feide"},
}


# --- CIL_OIDC_PROVIDERS ----------------------------------------------------------------------


def test_no_providers_when_unset() -> None:
    assert parse_oidc_providers("", {}) == []
    assert parse_oidc_providers("  ", {}) == []


def test_feide_is_read_with_pkce_sub_and_its_scopes() -> None:
    environ = {"CIL_OIDC_FEIDE_SECRET": "from-the-environment"}
    (feide,) = parse_oidc_providers(json.dumps([FEIDE]), environ)
    app = feide.allauth_app()
    assert app["provider_id"] == "feide"
    assert app["client_id"] == "0e4a-client"
    assert app["secret"] == "from-the-environment"
    assert app["settings"]["server_url"] == "https://auth.dataporten.no"
    assert app["settings"]["oauth_pkce_enabled"] is True
    assert app["settings"]["uid_field"] == "sub"
    assert app["settings"]["scope"] == ["openid", "profile", "email", "userid", "userid-feide"]
    assert feide.institutional_id_claim == FEIDE_EPPN_CLAIM
    assert provider_origins([feide]) == ["https://auth.dataporten.no"]


def test_a_secret_in_the_json_wins_and_names_fall_back_to_english() -> None:
    raw = json.dumps(
        [
            {**FEIDE, "secret": "inline"},
            {
                "id": "uni-2",
                "issuer": "https://idp.uni2.example/",
                "client_id": "c",
                "name": "Uni 2",
            },
        ]
    )
    feide, uni2 = parse_oidc_providers(raw, {"CIL_OIDC_FEIDE_SECRET": "ignored"})
    assert feide.secret == "inline"
    assert uni2.issuer == "https://idp.uni2.example"
    assert uni2.scopes == ("openid", "profile", "email")
    assert uni2.name("nb") == "Uni 2"
    assert feide.name("nb") == "Feide"


@pytest.mark.parametrize(
    ("entry", "complaint"),
    [
        ({**FEIDE, "scopes": ["openid", "userid-nin"]}, "national identity number"),
        ({**FEIDE, "scopes": ["profile", "email"]}, "'openid'"),
        ({**FEIDE, "issuer": "http://auth.dataporten.no"}, "https://"),
        ({**FEIDE, "client_id": ""}, "no client_id"),
        ({**FEIDE, "id": "Feide!"}, "lower-case"),
        ({**FEIDE, "name": ["Feide"]}, "name"),
    ],
)
def test_a_bad_provider_fails_at_start(entry: dict[str, object], complaint: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=complaint):
        parse_oidc_providers(json.dumps([entry]), {})


def test_bad_json_and_duplicate_ids_fail_at_start() -> None:
    with pytest.raises(ImproperlyConfigured, match="not valid JSON"):
        parse_oidc_providers("[{", {})
    with pytest.raises(ImproperlyConfigured, match="JSON list"):
        parse_oidc_providers(json.dumps(FEIDE), {})
    with pytest.raises(ImproperlyConfigured, match="twice"):
        parse_oidc_providers(json.dumps([FEIDE, FEIDE]), {})


def test_local_http_issuer_is_allowed_for_development_and_tests() -> None:
    (local,) = parse_oidc_providers(json.dumps([{**FEIDE, "issuer": "http://127.0.0.1:5000"}]), {})
    assert local.issuer == "http://127.0.0.1:5000"


# --- CIL_LOCAL_LOGIN -------------------------------------------------------------------------


def test_local_login_values() -> None:
    providers = parse_oidc_providers(json.dumps([FEIDE]), {})
    assert parse_local_login("all", []) == "all"
    assert parse_local_login(" Staff ", providers) == "staff"
    assert parse_local_login("none", providers) == "none"
    with pytest.raises(ImproperlyConfigured, match="one of"):
        parse_local_login("students", providers)
    # Without an institutional sign-in nobody (or no student) could sign in at all.
    with pytest.raises(ImproperlyConfigured, match="needs an institutional sign-in"):
        parse_local_login("staff", [])


def feide_config() -> OIDCProvider:
    return parse_oidc_providers(json.dumps([FEIDE]), {})[0]


def password_sign_in(email: str) -> tuple[Client, str, int]:
    """Returns the client, the page (or where it was sent) and the status."""
    client = Client()
    response = client.post(LOGIN, {"login": email, "password": PASSWORD})
    text = response["Location"] if response.status_code == 302 else response.content.decode()
    return client, text, response.status_code


@pytest.mark.django_db
def test_without_providers_the_sign_in_page_is_as_before() -> None:
    page = Client().get(LOGIN).content.decode()
    assert "institutional-heading" not in page
    assert 'name="password"' in page
    assert "/accounts/signup/" in page


@pytest.mark.django_db
def test_staff_mode_refuses_students_passwords_and_lets_staff_in(settings) -> None:
    use_providers(settings, feide_config())
    settings.CIL_LOCAL_LOGIN = "staff"
    student = UserFactory()
    central = UserFactory(is_central_staff=True)

    page = Client().get(LOGIN).content.decode()
    assert page.index("Sign in with Feide") < page.index('name="password"')
    assert "Staff: with e-mail and password" in page

    client, page, status = password_sign_in(student.email)
    assert status == 200
    assert "Students sign in through their institution (Feide), not with a password" in page
    assert "_auth_user_id" not in client.session

    client, sent_to, status = password_sign_in(central.email)
    assert (status, sent_to) == (302, "/accounts/2fa/authenticate/")  # on to the second factor

    # Nor can a student make a new password account.
    assert "Sign Up Closed" in Client().get("/accounts/signup/").content.decode()


@pytest.mark.django_db
def test_none_mode_refuses_every_password_and_hides_the_form(settings) -> None:
    use_providers(settings, feide_config())
    settings.CIL_LOCAL_LOGIN = "none"
    central = UserFactory(is_central_staff=True)
    page = Client().get(LOGIN).content.decode()
    assert "Sign in with Feide" in page
    assert 'name="password"' not in page
    client, page, status = password_sign_in(central.email)
    assert status == 200
    assert "passwords are not used here" in page
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_all_mode_lets_students_use_their_password(settings) -> None:
    use_providers(settings, feide_config())
    student = UserFactory()
    client, _, status = password_sign_in(student.email)
    assert status == 302
    assert client.session["_auth_user_id"] == str(student.pk)


# --- Staff signing in through their institution ---------------------------------------------

STAFF_SUB = "5c1b7a52-staff-sub"


@pytest.fixture
def feide(settings) -> Iterator[RunningProvider]:
    user = feide_user(STAFF_SUB, "Ola Admin", "ola.admin@oslomet.no", "olaadm@oslomet.no")
    with running_provider(user) as provider:
        use_providers(settings, provider.config("feide", {"en": "Feide", "nb": "Feide"}))
        yield provider


def institutional_sign_in(client: Client) -> str:
    """Press "Sign in with Feide", sign in at the provider, and follow it back to the portal.
    Returns where the portal sends the user next."""
    start = client.post("/accounts/oidc/feide/login/", {"process": "login"})
    assert start.status_code == 302
    answer = requests.post(
        start["Location"], data={"sub": STAFF_SUB}, allow_redirects=False, timeout=10
    )
    assert answer.status_code == 302
    back = urlsplit(answer.headers["Location"])
    assert back.path == "/accounts/oidc/feide/login/callback/"
    done = client.get(f"{back.path}?{back.query}")
    assert done.status_code == 302, done.content.decode()[:500]
    return str(done["Location"])


@pytest.mark.django_db(transaction=True)
def test_staff_with_an_authenticator_give_it_after_institutional_sign_in(feide) -> None:
    role = ProgrammeRoleFactory(user__email="ola.admin@oslomet.no")
    SocialAccount.objects.create(user=role.user, provider="feide", uid=STAFF_SUB, extra_data={})
    client = Client()
    assert institutional_sign_in(client) == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session  # not signed in before the second factor


@pytest.mark.django_db(transaction=True)
def test_staff_without_an_authenticator_must_set_one_up(feide) -> None:
    role = ProgrammeRoleFactory(user__email="ola.admin@oslomet.no", second_factor=False)
    SocialAccount.objects.create(user=role.user, provider="feide", uid=STAFF_SUB, extra_data={})
    client = Client()
    institutional_sign_in(client)
    assert client.session["_auth_user_id"] == str(role.user.pk)
    assert client.get("/home/")["Location"] == "/accounts/2fa/"
    # The institutional id is kept with the login at every sign-in.
    account = SocialAccount.objects.get(provider="feide", uid=STAFF_SUB)
    assert account.extra_data["userinfo"][FEIDE_EPPN_CLAIM] == "olaadm@oslomet.no"


def test_affiliations_of_an_openid_login_come_from_the_providers_claim(settings) -> None:
    """cil.identity.affiliations: Feide's eduPersonAffiliation claim unless the provider names
    another (``affiliation_claim``); unscoped and lower case."""
    feide, other = parse_oidc_providers(
        json.dumps(
            [
                FEIDE,
                {
                    "id": "uni-2",
                    "issuer": "https://idp.uni2.example",
                    "client_id": "c",
                    "affiliation_claim": "affiliation",
                },
            ]
        ),
        {},
    )
    assert feide.affiliation_claim == FEIDE_AFFILIATION_CLAIM
    settings.CIL_OIDC_PROVIDERS = [feide, other]
    settings.CIL_SAML_PROVIDERS = []
    at_feide = SocialAccount(
        provider="feide",
        uid="s",
        extra_data={"userinfo": {FEIDE_AFFILIATION_CLAIM: ["Student", "member"]}},
    )
    assert affiliations(at_feide) == frozenset({"student", "member"})
    at_other = SocialAccount(provider="uni-2", uid="s", extra_data={"affiliation": "employee"})
    assert affiliations(at_other) == frozenset({"employee"})
    assert affiliations(SocialAccount(provider="feide", uid="s", extra_data={})) == frozenset()
