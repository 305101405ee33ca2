"""A SAML 2.0 identity provider for tests: its own key and self-signed certificate, responses
shaped like SWAMID's (attributes by OID, the assertion signed with xmlsec through python3-saml),
and, for the browser, a tiny HTTP server on 127.0.0.1 that takes the portal's AuthnRequest
(HTTP-Redirect binding) and answers with a form that posts the signed response to the portal's
assertion consumer service, as a real provider's page does."""

from __future__ import annotations

import base64
import copy
import datetime
import html
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from onelogin.saml2.utils import OneLogin_Saml2_Utils

from cil.identity import (
    SAML_AFFILIATION,
    SAML_DISPLAY_NAME,
    SAML_EPPN,
    SAML_GIVEN_NAME,
    SAML_MAIL,
    SAML_SCOPED_AFFILIATION,
    SAML_SURNAME,
    SAMLProvider,
    provider_origins,
)

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"


@dataclass(frozen=True)
class IdPKeys:
    key_pem: str
    cert_pem: str

    @property
    def cert_body(self) -> str:
        return "".join(line for line in self.cert_pem.splitlines() if "-----" not in line)


def make_keys(common_name: str = "idp.test") -> IdPKeys:
    """A fresh RSA key and a self-signed certificate for it."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    return IdPKeys(
        key_pem=key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode(),
        cert_pem=cert.public_bytes(serialization.Encoding.PEM).decode(),
    )


@dataclass(frozen=True)
class Person:
    """What the institution releases about a person (any attribute may be left out)."""

    eppn: str = ""
    mail: str = ""
    display_name: str = ""
    given_name: str = ""
    surname: str = ""
    affiliation: tuple[str, ...] = ()
    scoped_affiliation: tuple[str, ...] = ()

    def attributes(self) -> dict[str, tuple[str, ...]]:
        found = {
            SAML_EPPN: (self.eppn,),
            SAML_MAIL: (self.mail,),
            SAML_DISPLAY_NAME: (self.display_name,),
            SAML_GIVEN_NAME: (self.given_name,),
            SAML_SURNAME: (self.surname,),
            SAML_AFFILIATION: self.affiliation,
            SAML_SCOPED_AFFILIATION: self.scoped_affiliation,
        }
        return {oid: values for oid, values in found.items() if any(values)}


def _instant(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class SigningIdP:
    """An identity provider: its entity id, address and keys; it writes signed responses."""

    entity_id: str
    sso_url: str
    keys: IdPKeys = field(default_factory=make_keys)

    def config(self, provider_id: str, names: dict[str, str]) -> SAMLProvider:
        return SAMLProvider(
            id=provider_id,
            entity_id=self.entity_id,
            sso_url=self.sso_url,
            x509cert=self.keys.cert_body,
            names=names,
        )

    def response(
        self,
        person: Person,
        *,
        acs_url: str,
        audience: str,
        in_response_to: str | None,
        valid_for: datetime.timedelta = datetime.timedelta(minutes=5),
        sign: bool = True,
        assertion_id: str | None = None,
        tamper: bool = False,
    ) -> str:
        """A SAML Response (base64, as posted) to ``acs_url`` for ``audience``. ``valid_for``
        negative gives an expired one; ``tamper`` changes the eppn after signing."""
        now = datetime.datetime.now(datetime.UTC)
        issued = now - datetime.timedelta(seconds=5)
        if valid_for.total_seconds() <= 0:  # expired: issued well before it ran out
            issued = now + valid_for - datetime.timedelta(minutes=10)
        until = _instant(now + valid_for)
        answer_to = f' InResponseTo="{in_response_to}"' if in_response_to else ""
        assertion_id = assertion_id or "_a" + uuid.uuid4().hex
        attributes = "".join(
            f'<saml:Attribute Name="{oid}" '
            'NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">'
            + "".join(
                f'<saml:AttributeValue xsi:type="xs:string">{html.escape(v)}</saml:AttributeValue>'
                for v in values
            )
            + "</saml:Attribute>"
            for oid, values in person.attributes().items()
        )
        assertion = (
            '<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" '
            'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            f'ID="{assertion_id}" Version="2.0" IssueInstant="{_instant(issued)}">'
            f"<saml:Issuer>{self.entity_id}</saml:Issuer>"
            "<saml:Subject>"
            '<saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:transient">'
            f"_t{uuid.uuid4().hex}</saml:NameID>"
            '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
            f'<saml:SubjectConfirmationData NotOnOrAfter="{until}" Recipient="{acs_url}"'
            f"{answer_to}/>"
            "</saml:SubjectConfirmation></saml:Subject>"
            f'<saml:Conditions NotBefore="{_instant(issued - datetime.timedelta(minutes=1))}" '
            f'NotOnOrAfter="{until}">'
            f"<saml:AudienceRestriction><saml:Audience>{audience}</saml:Audience>"
            "</saml:AudienceRestriction></saml:Conditions>"
            f'<saml:AuthnStatement AuthnInstant="{_instant(issued)}" '
            f'SessionIndex="_s{uuid.uuid4().hex}">'
            "<saml:AuthnContext><saml:AuthnContextClassRef>"
            "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
            "</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>"
            f"<saml:AttributeStatement>{attributes}</saml:AttributeStatement>"
            "</saml:Assertion>"
        )
        if sign:
            signed = OneLogin_Saml2_Utils.add_sign(assertion, self.keys.key_pem, self.keys.cert_pem)
            assertion = signed.decode() if isinstance(signed, bytes) else str(signed)
            assertion = assertion.removeprefix('<?xml version="1.0"?>').strip()
        if tamper:
            assertion = assertion.replace(person.eppn, "someone.else@lu.se")
        response = (
            f'<samlp:Response xmlns:samlp="{SAMLP}" '
            'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" '
            f'ID="_r{uuid.uuid4().hex}" Version="2.0" IssueInstant="{_instant(issued)}" '
            f'Destination="{acs_url}"{answer_to}>'
            f"<saml:Issuer>{self.entity_id}</saml:Issuer>"
            '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>'
            "</samlp:Status>"
            f"{assertion}</samlp:Response>"
        )
        return base64.b64encode(response.encode()).decode()


def read_authn_request(saml_request: str) -> tuple[str, str]:
    """The id and the assertion consumer service of an AuthnRequest (HTTP-Redirect binding)."""
    xml = OneLogin_Saml2_Utils.decode_base64_and_inflate(saml_request)
    root = etree.fromstring(xml)  # nosec B320 - the portal's own request, in a test
    return str(root.get("ID")), str(root.get("AssertionConsumerServiceURL"))


def use_saml_providers(settings: object, site_url: str, *providers: SAMLProvider) -> None:
    """Configure the portal (pytest-django's ``settings``) as CIL_SAML_PROVIDERS would."""
    settings.CIL_SAML_PROVIDERS = list(providers)  # type: ignore[attr-defined]
    social = copy.deepcopy(settings.SOCIALACCOUNT_PROVIDERS)  # type: ignore[attr-defined]
    social["saml"] = {"APPS": [p.allauth_app(site_url) for p in providers]}
    settings.SOCIALACCOUNT_PROVIDERS = social  # type: ignore[attr-defined]
    csp = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)  # type: ignore[attr-defined]
    csp["DIRECTIVES"]["form-action"] = [
        *csp["DIRECTIVES"]["form-action"],
        *provider_origins(list(providers)),
    ]
    settings.CONTENT_SECURITY_POLICY = csp  # type: ignore[attr-defined]


@dataclass
class RunningIdP:
    idp: SigningIdP
    audience: str = ""
    person: Person = field(default_factory=Person)
    requests: list[str] = field(default_factory=list)


@contextmanager
def running_idp(entity_id: str = "https://idp.lu.example/idp/shibboleth") -> Iterator[RunningIdP]:
    """An identity provider on 127.0.0.1 until the block ends. It signs in ``running.person``
    at once (no form of its own) and answers for ``running.audience``."""
    state: dict[str, RunningIdP] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            query = parse_qs(urlsplit(self.path).query)
            if "SAMLRequest" not in query:  # the browser asking for a favicon
                self.send_error(404)
                return
            running = state["running"]
            request_id, acs_url = read_authn_request(query["SAMLRequest"][0])
            running.requests.append(request_id)
            answer = running.idp.response(
                running.person,
                acs_url=acs_url,
                audience=running.audience,
                in_response_to=request_id,
            )
            relay = query.get("RelayState", [""])[0]
            page = (
                "<!doctype html><html lang='en'><head><title>Test IdP</title></head>"
                "<body onload='document.forms[0].submit()'>"
                f"<form method='post' action='{html.escape(acs_url)}'>"
                f"<input type='hidden' name='SAMLResponse' value='{answer}'>"
                f"<input type='hidden' name='RelayState' value='{html.escape(relay)}'>"
                "<noscript><button>Continue</button></noscript></form></body></html>"
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    idp = SigningIdP(entity_id=entity_id, sso_url=f"http://127.0.0.1:{server.server_port}/sso")
    state["running"] = RunningIdP(idp=idp)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield state["running"]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
