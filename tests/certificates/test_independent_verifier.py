"""The independent verifier (tests/verifier, Digital Bazaar's JavaScript libraries): it accepts
the W3C eddsa-rdfc-2022 test vector and refuses a tampered copy, and it reads a diploma's
revocation from the portal's live status list."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from typing import Any

import pytest
from django.utils import timezone

from certificates import status_list, workflow
from certificates.models import Diploma
from tests.certificates.test_diploma import presented
from tests.conftest import Personas
from tests.support import verifier

VECTORS = verifier.VECTORS_DIR

pytestmark = pytest.mark.skipif(
    not verifier.available(),
    reason="the verifier's npm packages (make test) or the JSON-LD contexts are missing",
)


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
    """``credential`` signed with the W3C vectors' key pair (a did:key), by the JS libraries:
    a stand-in until the portal signs its own credentials."""
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


@pytest.mark.django_db(transaction=True)
def test_a_diplomas_revocation_is_read_from_the_live_status_list(
    personas: Personas, live_server: Any, settings: Any
) -> None:
    settings.SITE_URL = live_server.url
    enrolment = presented(personas)
    workflow.advance(enrolment=enrolment, by=personas.admin_p, action="issue_diploma")
    diploma = Diploma.objects.get()
    credential = signed_by_the_vectors_key(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": f"urn:uuid:{diploma.code}",
            "type": ["VerifiableCredential"],
            # The status list names the portal's did:web as its issuer: the verifier wants the
            # same issuer on both (the key is the vectors', so only the proof is checked).
            "issuer": status_list.issuer_id(),
            "validFrom": timezone.now().replace(microsecond=0).isoformat(),
            "credentialSubject": {"id": f"urn:uuid:{diploma.code}"},
            "credentialStatus": status_list.entry_for(diploma),
        }
    )
    # Until the portal signs its status list (branch vc), the list's own proof is not checked.
    # TODO(merge with branch vc): drop unsigned_status_lists, and any_issuer once the
    # credential comes from the portal's signer.
    check = {"base_url": live_server.url, "unsigned_status_lists": True, "any_issuer": True}
    assert verifier.verify(credential, **check) == {
        "verified": True,
        "revoked": False,
        "errors": [],
    }
    workflow.advance(
        enrolment=enrolment, by=personas.admin_p, action="revoke_diploma", comment="Misspelt."
    )
    assert verifier.verify(credential, **check) == {
        "verified": True,
        "revoked": True,
        "errors": [],
    }
    # Signed status lists are required unless told otherwise: this one has no proof yet.
    strict = verifier.verify(credential, base_url=live_server.url, any_issuer=True)
    assert strict["verified"] is False and strict["revoked"] is None


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
    result = verifier.verify(
        credential, base_url="http://127.0.0.1:9", unsigned_status_lists=True, any_issuer=True
    )
    assert result["verified"] is False
    assert any("Refusing to fetch https://example.org/status/1" in e for e in result["errors"])
