"""The Open Badges 3.0 credential issued with every diploma: valid, complete, signed, private."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from django.test import Client
from django.urls import reverse

from certificates import credential, workflow
from certificates.models import Diploma
from cil.vc import canon, eddsa, keys
from tests.certificates.test_diploma import presented
from tests.conftest import Personas
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db

SCHEMA = Path(__file__).parent.parent / "cil" / "vc" / "fixtures" / "schemas"
SCHEMA_FILE = SCHEMA / "ob_v3p0_achievementcredential_schema.json"


def issue(personas: Personas, language: str = "en") -> Diploma:
    enrolment = presented(personas)
    workflow.advance(
        enrolment=enrolment, by=personas.admin_p, action="issue_diploma", language=language
    )
    return Diploma.objects.get(enrolment=enrolment)


def stored(diploma: Diploma) -> dict[str, Any]:
    with diploma.credential.open("rb") as handle:
        document: dict[str, Any] = json.loads(handle.read())
    return document


def test_the_credential_is_stored_with_its_hash_and_validates_against_the_ob3_schema(
    personas: Personas,
) -> None:
    diploma = issue(personas)
    with diploma.credential.open("rb") as handle:
        data = handle.read()
    assert diploma.credential_sha256 == hashlib.sha256(data).hexdigest()
    document = json.loads(data)
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft201909Validator(schema).validate(document)
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["issuer"]["id"] == keys.issuer_did()
    assert document["issuer"]["name"] == "Demo University"
    achievement = document["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "CoCurricular"
    assert "At least 3 different activities." in achievement["criteria"]["narrative"]
    evidence = [e["name"] for e in document["evidence"]]
    assert evidence == [
        "Language café",
        "Buddy for exchange students",
        "Summer school in Granada",
        "Final reflection report",
        "Presentation",
    ]
    assert "Abroad · Granada, Norway" in document["evidence"][2]["description"]


def test_no_key_of_the_credential_is_lost_to_json_ld(personas: Personas) -> None:
    """A JSON-LD processor drops terms its contexts do not define, and the signature would not
    cover them: expanding and compacting again must give back the credential, key for key, and
    no term may fall through to the catch-all vocabulary of the VC context."""
    document = stored(issue(personas, language="both"))
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    round_trip = canon.compact(canon.expand(unsigned), unsigned["@context"])

    def keys_of(value, path=""):
        if isinstance(value, dict):
            found = set()
            for key, inner in value.items():
                found |= {f"{path}/{key}"} | keys_of(inner, f"{path}/{key}")
            return found
        if isinstance(value, list):
            return set().union(*(keys_of(v, path) for v in value)) if value else set()
        return set()

    assert keys_of(round_trip) == keys_of(unsigned)
    nquads = canon.canonicalize(document)
    assert "credentials/issuer-dependent#" not in nquads


def test_the_holder_is_named_by_a_salted_hash_of_their_address_only(personas: Personas) -> None:
    diploma = issue(personas)
    with diploma.credential.open("rb") as handle:
        text = handle.read().decode()
    email = personas.student_a.email
    assert email.lower() not in text.lower()
    (identity,) = json.loads(text)["credentialSubject"]["identifier"]
    assert identity["identityType"] == "emailAddress"
    assert identity["hashed"] is True
    expected = hashlib.sha256((email.lower() + identity["salt"]).encode()).hexdigest()
    assert identity["identityHash"] == f"sha256${expected}"


def test_a_bilingual_diploma_gives_a_bilingual_credential(personas: Personas) -> None:
    document = stored(issue(personas, language="both"))
    programme = Diploma.objects.get().enrolment.programme
    assert document["name"] == (
        f"Certificate of International Learning: {programme.name_en} / {programme.name_nb}"
    )
    assert "Hjemme · Oslo, Norge" in document["evidence"][0]["description"]
    assert "Language café / Language café (nb)" in [e["name"] for e in document["evidence"]]


def test_signed_verifies_tampered_does_not(personas: Personas) -> None:
    document = stored(issue(personas))
    proof = credential.verify(document)
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"
    tampered = copy.deepcopy(document)
    tampered["credentialSubject"]["achievement"]["name"] = "Doctor of Everything"
    with pytest.raises(eddsa.ProofError):
        credential.verify(tampered)
    tampered = copy.deepcopy(document)
    tampered["evidence"].pop()
    with pytest.raises(eddsa.ProofError):
        credential.verify(tampered)


def test_a_credential_signed_before_a_rotation_still_verifies_with_the_did_document(
    personas: Personas, settings, tmp_path
) -> None:
    settings.CIL_VC_KEYS_DIR = tmp_path / "keys"
    keys.create_key()
    document = stored(issue(personas))
    keys.rotate_key()
    did_document = Client().get(reverse("did_document")).json()
    eddsa.verify(document, resolve_key=keys.resolver_for(did_document))
    # Without the retired key in the document, it would not.
    current_only = {
        **did_document,
        "verificationMethod": did_document["verificationMethod"][:1],
        "assertionMethod": did_document["assertionMethod"][:1],
    }
    with pytest.raises(eddsa.ProofError):
        eddsa.verify(document, resolve_key=keys.resolver_for(current_only))


def test_without_a_key_no_diploma_is_issued_and_no_file_is_left(
    personas: Personas, settings, tmp_path
) -> None:
    settings.CIL_VC_KEYS_DIR = tmp_path / "none"
    enrolment = presented(personas)
    with pytest.raises(keys.KeyConfigurationError):
        workflow.advance(
            enrolment=enrolment, by=personas.admin_p, action="issue_diploma", language="en"
        )
    assert not Diploma.objects.exists()
    folder = Path(settings.MEDIA_ROOT) / "diplomas"
    assert not folder.exists() or not any(p.is_file() for p in folder.rglob("*"))


def test_the_holder_downloads_the_credential_and_the_verification_page_links_it(
    personas: Personas,
) -> None:
    diploma = issue(personas)
    response = client_for(personas.student_a).get(
        reverse("certificates:diploma_credential", args=[diploma.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+ld+json"
    assert f'filename="{diploma.number}.credential.json"' in response["Content-Disposition"]
    body = response.getvalue()
    assert hashlib.sha256(body).hexdigest() == diploma.credential_sha256
    home = client_for(personas.student_a).get(reverse("portfolio:home")).content.decode()
    assert reverse("certificates:diploma_credential", args=[diploma.pk]) in home
    other = client_for(personas.student_b).get(
        reverse("certificates:diploma_credential", args=[diploma.pk])
    )
    assert other.status_code == 404
    page = Client().get(reverse("certificates:verify", args=[diploma.code])).content.decode()
    public_url = reverse("certificates:verify_credential", args=[diploma.code])
    assert public_url in page
    public = Client().get(public_url)
    assert public.status_code == 200
    assert public.getvalue() == body
    assert public["X-Robots-Tag"] == "noindex"
