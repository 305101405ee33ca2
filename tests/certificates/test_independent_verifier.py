"""The independent verifier (tests/verifier, Digital Bazaar's JavaScript libraries): it accepts
the W3C eddsa-rdfc-2022 test vector and refuses a tampered copy, and it reads a diploma's
revocation from the portal's live status list."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage

from certificates import status_list, workflow
from certificates.models import Diploma
from cil.vc import keys
from tests.certificates.test_diploma import presented
from tests.conftest import Personas
from tests.support import verifier

VECTORS = verifier.VECTORS_DIR


def vector() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((VECTORS / "signedDataInt.json").read_text())
    return loaded


def test_the_w3c_test_vector_verifies() -> None:
    # The vector names an issuer that is not its did:key: the proof alone is checked.
    assert verifier.verify(vector(), any_issuer=True) == {
        "verified": True,
        "revoked": None,
        "errors": [],
    }


def test_the_verifier_checks_that_the_issuer_controls_the_key() -> None:
    result = verifier.verify(vector())
    assert result["verified"] is False
    assert any("issuer must match" in error for error in result["errors"])


def test_a_tampered_copy_of_the_vector_is_refused() -> None:
    tampered = copy.deepcopy(vector())
    tampered["credentialSubject"]["alumniOf"] = "The School of Forgeries"
    result = verifier.verify(tampered, any_issuer=True)
    assert result["verified"] is False and "Invalid signature." in result["errors"]


def signed_by_the_vectors_key(credential: dict[str, Any]) -> dict[str, Any]:
    """``credential`` signed with the W3C vectors' key pair (a did:key), by the JS libraries."""
    node = shutil.which("node")
    assert node is not None
    finished = subprocess.run(  # noqa: S603 - fixed command, no shell
        [
            node,
            str(verifier.VERIFIER_DIR / "sign-fixture.mjs"),
            "--contexts",
            str(verifier.CONTEXTS_DIR),
            "--key-pair",
            str(VECTORS / "keyPair.json"),
        ],
        input=json.dumps(credential),
        capture_output=True,
        text=True,
        timeout=verifier.TIMEOUT_SECONDS,
        check=True,
    )
    signed: dict[str, Any] = json.loads(finished.stdout)
    return signed


def stored_credential(diploma: Diploma) -> dict[str, Any]:
    assert diploma.credential.name
    with default_storage.open(diploma.credential.name) as handle:
        loaded: dict[str, Any] = json.load(handle)
    return loaded


@pytest.mark.django_db(transaction=True)
def test_the_portals_credentials_verify_independently(
    personas: Personas, live_server: Any, settings: Any, tmp_path: Path
) -> None:
    """The portal's own credential, its DID document and its signed status list, checked by
    the independent verifier against the live server: fresh → verified; tampered → refused;
    signed before a key rotation → still verified; revoked → reported revoked."""
    settings.SITE_URL = live_server.url
    settings.CIL_VC_KEYS_DIR = tmp_path / "keys"
    keys.create_key()
    enrolment = presented(personas)
    workflow.advance(enrolment=enrolment, by=personas.admin_p, action="issue_diploma")
    diploma = Diploma.objects.get()
    credential = stored_credential(diploma)
    assert credential["issuer"]["id"] == keys.issuer_did()
    assert credential["credentialStatus"] == status_list.entry_for(diploma)

    fresh = verifier.verify(credential, base_url=live_server.url)
    assert fresh == {"verified": True, "revoked": False, "errors": []}

    tampered = copy.deepcopy(credential)
    tampered["credentialSubject"]["achievement"]["name"] = "Doctor of Everything"
    refused = verifier.verify(tampered, base_url=live_server.url)
    assert refused["verified"] is False

    retired, current = keys.rotate_key()
    assert retired != current
    # Signed with the retired key; the DID document still lists it, and the status list is
    # now signed with the new key: both must be accepted.
    after_rotation = verifier.verify(credential, base_url=live_server.url)
    assert after_rotation == {"verified": True, "revoked": False, "errors": []}

    workflow.advance(
        enrolment=enrolment, by=personas.admin_p, action="revoke_diploma", comment="Misspelt."
    )
    revoked = verifier.verify(credential, base_url=live_server.url)
    assert revoked["revoked"] is True


def test_the_verifier_fetches_nothing_outside_the_portal() -> None:
    credential = signed_by_the_vectors_key(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": "did:web:example.org",
            "credentialSubject": {"id": "urn:uuid:0"},
            "credentialStatus": {
                "id": "https://example.org/status/1#5",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": "5",
                "statusListCredential": "https://example.org/status/1",
            },
        }
    )
    result = verifier.verify(credential, base_url="http://127.0.0.1:9", any_issuer=True)
    assert result["verified"] is False
    assert any("Refusing to fetch https://example.org/status/1" in e for e in result["errors"])
