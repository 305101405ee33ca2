"""Institutional sign-in over SAML 2.0 (SWAMID, eduGAIN) without a browser: the settings, the
portal's metadata, and signed responses built here with a test provider's key, posted to the
assertion consumer service as a provider's page would post them. python3-saml checks them for
real: the account is keyed on the eduPersonPrincipalName; an e-mail address that belongs to an
account is refused; so are responses for another audience, expired, unsigned, tampered with,
replayed or not asked for."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from lxml import etree

from cil.identity import (
    SAML_AFFILIATION,
    SAML_EPPN,
    SAML_SCOPED_AFFILIATION,
    affiliations,
    institutional_id,
    parse_local_login,
    parse_saml_providers,
    read_sp_credentials,
)
from cil.models import User
from tests.factories import PASSWORD, UserFactory
from tests.support.saml import Person, SigningIdP, make_keys, read_authn_request, use_saml_providers

LU = "https://idp.lu.se/idp/shibboleth"
# The portal's SAML addresses are under SITE_URL (the suite's default), not the Host header.
ACS = "http://127.0.0.1:8000/accounts/saml/lu/acs/"
KARIN = Person(
    eppn="karin.student@lu.se",
    mail="Karin.Student@student.lu.se",
    display_name="Karin Student",
    affiliation=("student", "member"),
    scoped_affiliation=("student@lu.se", "member@lu.se"),
)

# --- CIL_SAML_PROVIDERS ----------------------------------------------------------------------

KEYS = make_keys()
ENTRY = {
    "id": "lu",
    "entity_id": LU,
    "sso_url": "https://idp.lu.se/idp/profile/SAML2/Redirect/SSO",
    "x509cert": KEYS.cert_pem,
    "name": {"en": "Lund University", "nb": "Lunds universitet"},
}


def test_a_provider_is_read_with_signed_assertions_required() -> None:
    (lu,) = parse_saml_providers(json.dumps([ENTRY]))
    assert lu.x509cert == KEYS.cert_body  # without the PEM armour
    assert lu.name("nb") == "Lunds universitet"
    app = lu.allauth_app("https://cil.example.no")
    assert app["provider_id"] == app["client_id"] == "lu"
    settings = app["settings"]
    assert settings["sp"]["entity_id"] == "https://cil.example.no/accounts/saml/lu/metadata/"
    assert settings["idp"]["entity_id"] == LU
    advanced = settings["advanced"]
    assert advanced["strict"] is True
    assert advanced["want_assertion_signed"] is True
    assert advanced["reject_idp_initiated_sso"] is True
    assert advanced["authn_request_signed"] is False  # no key of our own configured
    assert settings["attribute_mapping"]["uid"] == [SAML_EPPN]


def test_a_provider_from_a_metadata_file(tmp_path: Path) -> None:
    metadata = tmp_path / "lu.xml"
    metadata.write_text(
        '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
        f'xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{LU}">'
        '<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        '<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>'
        f"{KEYS.cert_body}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
        '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" '
        'Location="https://idp.lu.se/idp/profile/SAML2/Redirect/SSO"/>'
        "</md:IDPSSODescriptor></md:EntityDescriptor>"
    )
    (lu,) = parse_saml_providers(
        json.dumps([{"id": "lu", "entity_id": LU, "metadata_file": str(metadata)}])
    )
    assert lu.sso_url == "https://idp.lu.se/idp/profile/SAML2/Redirect/SSO"
    assert lu.x509cert == KEYS.cert_body


@pytest.mark.parametrize(
    ("entry", "complaint"),
    [
        ({**ENTRY, "x509cert": ""}, "signing certificate"),
        ({**ENTRY, "sso_url": "http://idp.lu.se/sso"}, "https://"),
        ({**ENTRY, "entity_id": ""}, "no entity_id"),
        ({**ENTRY, "id": "LU"}, "lower-case"),
        ({**ENTRY, "name": ["LU"]}, "name"),
        ({**ENTRY, "x509cert": "", "metadata_file": "/no/such/file.xml"}, "cannot be read"),
    ],
)
def test_a_bad_provider_fails_at_start(entry: dict[str, object], complaint: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=complaint):
        parse_saml_providers(json.dumps([entry]))


def test_ids_differ_from_each_other_and_from_the_openid_providers() -> None:
    with pytest.raises(ImproperlyConfigured, match="twice"):
        parse_saml_providers(json.dumps([ENTRY, ENTRY]))
    with pytest.raises(ImproperlyConfigured, match="twice"):
        parse_saml_providers(json.dumps([ENTRY]), ["lu"])
    with pytest.raises(ImproperlyConfigured, match="not valid JSON"):
        parse_saml_providers("[")
    assert parse_saml_providers("") == []


def test_the_portals_own_key_comes_in_pairs(tmp_path: Path) -> None:
    assert read_sp_credentials("", "") == ("", "")
    with pytest.raises(ImproperlyConfigured, match="both"):
        read_sp_credentials(str(tmp_path / "sp.key"), "")
    (tmp_path / "sp.key").write_text(KEYS.key_pem)
    (tmp_path / "sp.crt").write_text(KEYS.cert_pem)
    key, cert = read_sp_credentials(str(tmp_path / "sp.key"), str(tmp_path / "sp.crt"))
    (lu,) = parse_saml_providers(json.dumps([ENTRY]))
    assert lu.allauth_app("https://cil.example.no", key, cert)["settings"]["advanced"][
        "authn_request_signed"
    ]


# --- Signing in ------------------------------------------------------------------------------


@dataclass
class Portal:
    idp: SigningIdP
    audience: str


@pytest.fixture
def portal(settings) -> Iterator[Portal]:
    idp = SigningIdP(entity_id=LU, sso_url="https://idp.lu.se/idp/profile/SAML2/Redirect/SSO")
    provider = idp.config("lu", {"en": "Lund University", "nb": "Lunds universitet"})
    use_saml_providers(settings, settings.SITE_URL, provider)
    yield Portal(idp=idp, audience=provider.metadata_url(settings.SITE_URL))


def start(client: Client) -> str:
    """Press "Sign in with Lund University": the AuthnRequest's id, as the provider gets it."""
    response = client.post("/accounts/saml/lu/login/", {"process": "login"})
    assert response.status_code == 302
    sent_to = urlsplit(response["Location"])
    assert sent_to.netloc == "idp.lu.se"
    request_id, acs_url = read_authn_request(parse_qs(sent_to.query)["SAMLRequest"][0])
    assert acs_url == ACS
    return request_id


def answer(client: Client, saml_response: str) -> tuple[int, str]:
    """Post a response to the assertion consumer service, as the provider's page does, and
    follow it to its end. Returns the status and the page, or where it sent the browser."""
    first = client.post("/accounts/saml/lu/acs/", {"SAMLResponse": saml_response})
    assert first.status_code == 302
    done = client.get(first["Location"])
    text = done["Location"] if done.status_code == 302 else done.content.decode()
    return done.status_code, text


def sign_in(
    portal: Portal, client: Client, person: Person = KARIN, **kwargs: Any
) -> tuple[int, str]:
    request_id = start(client)
    response = portal.idp.response(
        person, acs_url=ACS, audience=portal.audience, in_response_to=request_id, **kwargs
    )
    return answer(client, response)


@pytest.mark.django_db
def test_a_new_student_gets_an_account_keyed_on_the_eppn(portal: Portal) -> None:
    client = Client()
    status, sent_to = sign_in(portal, client)
    assert status == 302, sent_to[:2000]
    account = SocialAccount.objects.get(provider="lu", uid="karin.student@lu.se")
    karin = account.user
    assert client.session["_auth_user_id"] == str(karin.pk)
    assert karin.email == "karin.student@student.lu.se"
    assert karin.full_name == "Karin Student"
    assert not karin.has_usable_password()
    # The institution vouches for the address (as for OpenID Connect).
    assert karin.emailaddress_set.get().verified
    # The attributes are kept with the login.
    assert account.extra_data[SAML_SCOPED_AFFILIATION] == ["student@lu.se", "member@lu.se"]
    assert account.extra_data[SAML_AFFILIATION] == ["student", "member"]
    assert institutional_id(account) == "karin.student@lu.se"
    assert affiliations(account) == frozenset({"student", "member"})

    # The same person again, with another (transient) NameID: the same account.
    client = Client()
    status, _ = sign_in(portal, client)
    assert status == 302
    assert client.session["_auth_user_id"] == str(karin.pk)
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_without_a_display_name_the_given_name_and_surname_are_used(portal: Portal) -> None:
    person = Person(eppn="per@lu.se", mail="per@lu.se", given_name="Per", surname="Persson")
    status, _ = sign_in(portal, Client(), person)
    assert status == 302
    assert SocialAccount.objects.get(uid="per@lu.se").user.full_name == "Per Persson"


@pytest.mark.django_db
def test_an_existing_accounts_address_is_refused_not_linked(portal: Portal) -> None:
    owner = UserFactory(email="karin.student@student.lu.se")
    client = Client()
    status, page = sign_in(portal, client)
    assert status == 409
    assert "Sign in with your password first" in page
    assert "Lund University" in page
    assert not SocialAccount.objects.exists()
    assert "_auth_user_id" not in client.session
    assert User.objects.get() == owner


@pytest.mark.django_db
def test_a_response_without_the_eppn_is_refused(portal: Portal) -> None:
    status, page = sign_in(portal, Client(), Person(mail="anon@lu.se", display_name="Anon"))
    assert status == 403
    assert "did not send your institutional user name" in page
    assert not User.objects.exists()


REFUSALS = {
    "audience": "It was meant for another service",
    "expired": "It has expired or is not valid yet",
    "unsigned": "It is not signed by your institution",
    "invalid": "Its signature does not match its content",
    "not_started": "It does not answer a sign-in started in this browser",
}


def refused(status: int, page: str, reason: str) -> None:
    assert status == 403, page[:2000]
    assert f'data-reason="{reason}"' in page
    assert "Sign-in refused" in page
    assert REFUSALS[reason] in page
    assert not SocialAccount.objects.exists()


@pytest.mark.django_db
def test_a_response_for_another_service_is_refused(portal: Portal) -> None:
    client = Client()
    request_id = start(client)
    response = portal.idp.response(
        KARIN, acs_url=ACS, audience="https://other.example/sp", in_response_to=request_id
    )
    refused(*answer(client, response), "audience")


@pytest.mark.django_db
def test_an_expired_response_is_refused(portal: Portal) -> None:
    refused(*sign_in(portal, Client(), valid_for=datetime.timedelta(minutes=-5)), "expired")


@pytest.mark.django_db
def test_an_unsigned_response_is_refused(portal: Portal) -> None:
    refused(*sign_in(portal, Client(), sign=False), "unsigned")


@pytest.mark.django_db
def test_a_response_signed_by_another_key_is_refused(portal: Portal) -> None:
    impostor = SigningIdP(entity_id=LU, sso_url=portal.idp.sso_url)
    client = Client()
    request_id = start(client)
    response = impostor.response(
        KARIN, acs_url=ACS, audience=portal.audience, in_response_to=request_id
    )
    refused(*answer(client, response), "invalid")


@pytest.mark.django_db
def test_a_tampered_response_is_refused(portal: Portal) -> None:
    refused(*sign_in(portal, Client(), tamper=True), "invalid")
    assert not User.objects.filter(email__icontains="someone.else").exists()


@pytest.mark.django_db
def test_a_replayed_response_is_refused(portal: Portal) -> None:
    client = Client()
    request_id = start(client)
    response = portal.idp.response(
        KARIN, acs_url=ACS, audience=portal.audience, in_response_to=request_id
    )
    status, _ = answer(client, response)
    assert status == 302
    SocialAccount.objects.all().delete()  # so that refused() sees nothing new is made

    # Again in the same browser (signed out), and in another browser.
    client.post("/accounts/logout/")
    refused(*answer(client, response), "not_started")
    refused(*answer(Client(), response), "not_started")


@pytest.mark.django_db
def test_a_response_nobody_asked_for_is_refused(portal: Portal) -> None:
    """Sent by the provider on its own (IdP-initiated), or to a browser that started no sign-in
    here: the portal takes only answers to its own requests."""
    unsolicited = portal.idp.response(
        KARIN, acs_url=ACS, audience=portal.audience, in_response_to=None
    )
    refused(*answer(Client(), unsolicited), "not_started")
    asked_elsewhere = portal.idp.response(
        KARIN, acs_url=ACS, audience=portal.audience, in_response_to="_not-ours"
    )
    refused(*answer(Client(), asked_elsewhere), "not_started")


@pytest.mark.django_db
def test_refusals_are_in_norwegian_too(portal: Portal) -> None:
    client = Client(headers={"accept-language": "nb"})
    status, page = sign_in(portal, client, sign=False)
    assert status == 403
    assert "Innloggingen ble avvist" in page


@pytest.mark.django_db
def test_the_metadata_is_public_and_names_our_service(portal: Portal) -> None:
    response = Client().get("/accounts/saml/lu/metadata/")
    assert response.status_code == 200
    root = etree.fromstring(response.content)  # nosec B320 - the portal's own metadata
    md = "{urn:oasis:names:tc:SAML:2.0:metadata}"
    assert root.get("entityID") == portal.audience
    sp = root.find(f"{md}SPSSODescriptor")
    assert sp is not None
    assert sp.get("WantAssertionsSigned") == "true"
    acs = sp.find(f"{md}AssertionConsumerService")
    assert acs is not None
    assert acs.get("Location") == ACS
    assert acs.get("Binding") == "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"


@pytest.mark.django_db
def test_the_sign_in_page_offers_the_saml_provider(portal: Portal) -> None:
    page = Client().get("/accounts/login/").content.decode()
    assert "Sign in with Lund University" in page
    assert 'action="/accounts/saml/lu/login/"' in page
    assert page.index("Sign in with Lund University") < page.index('name="password"')
    page = Client(headers={"accept-language": "nb"}).get("/accounts/login/").content.decode()
    assert "Logg inn med Lunds universitet" in page


def test_a_saml_provider_is_an_institutional_sign_in_for_cil_local_login() -> None:
    providers = parse_saml_providers(json.dumps([ENTRY]))
    assert parse_local_login("none", providers) == "none"


@pytest.mark.django_db
def test_staff_mode_names_the_saml_institution_to_students(portal: Portal, settings) -> None:
    settings.CIL_LOCAL_LOGIN = "staff"
    student = UserFactory()
    response = Client().post("/accounts/login/", {"login": student.email, "password": PASSWORD})
    assert "Students sign in through their institution (Lund University)" in (
        response.content.decode()
    )
