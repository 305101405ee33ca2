"""The eddsa-rdfc-2022 cryptosuite reproduces the published test vectors byte for byte."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cil.vc import canon, eddsa, multibase

FIXTURES = Path(__file__).parent / "fixtures"
W3C = FIXTURES / "vc-di-eddsa-test-vectors"
OB3 = FIXTURES / "ob3-test-vector"
# The W3C vector uses the examples context; the portal's own loader does not serve it.
W3C_LOADER = canon.local_loader(
    {
        "https://www.w3.org/ns/credentials/examples/v2": FIXTURES
        / "contexts"
        / "credentials_examples_v2.jsonld"
    }
)


def load(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def w3c_key() -> Ed25519PrivateKey:
    seed = multibase.decode_ed25519_private(load(W3C / "keyPair.json")["privateKeyMultibase"])
    return Ed25519PrivateKey.from_private_bytes(seed)


def test_w3c_vector_canonical_document_and_proof_config() -> None:
    unsigned = load(W3C / "unsigned.json")
    assert canon.canonicalize(unsigned, W3C_LOADER) == (W3C / "canonDocDataInt.txt").read_text()
    config = load(W3C / "proofConfigDataInt.json")
    assert canon.canonicalize(config, W3C_LOADER) == (W3C / "proofCanonDataInt.txt").read_text()


def test_w3c_vector_key_pair_encodes_as_its_multikey() -> None:
    assert (
        multibase.encode_ed25519_public(w3c_key().public_key().public_bytes_raw())
        == load(W3C / "keyPair.json")["publicKeyMultibase"]
    )


def test_w3c_vector_signed_document_is_reproduced_and_verifies() -> None:
    config = load(W3C / "proofConfigDataInt.json")
    signed = eddsa.sign(
        load(W3C / "unsigned.json"),
        key=w3c_key(),
        verification_method=config["verificationMethod"],
        created=config["created"],
        loader=W3C_LOADER,
    )
    assert signed == load(W3C / "signedDataInt.json")
    public = w3c_key().public_key()
    proof = eddsa.verify(
        signed,
        resolve_key=lambda vm: public if vm == config["verificationMethod"] else None,
        loader=W3C_LOADER,
    )
    assert proof["proofValue"].startswith("z")


def test_open_badges_vector_canonical_forms_hashes_and_proof_value() -> None:
    vector = load(OB3 / "vector.json")
    document, options = vector["unsigned_credential"], vector["proof_options"]
    assert canon.canonicalize(document) == (OB3 / "document-canon.txt").read_text()
    config = eddsa.proof_config(document, options)
    assert canon.canonicalize(config) == (OB3 / "proof-canon.txt").read_text()
    hashed = eddsa.hash_data(document, config)
    assert hashed.hex() == (
        vector["sha256_of_canonical_proof_options_hex"] + vector["sha256_of_canonical_document_hex"]
    )
    key = Ed25519PrivateKey.from_private_bytes(
        bytes.fromhex(vector["ed25519_private_key_seed_hex"])
    )
    assert (
        multibase.encode_ed25519_public(key.public_key().public_bytes_raw())
        == (vector["public_key_multibase"])
    )
    signed = eddsa.sign(
        document,
        key=key,
        verification_method=options["verificationMethod"],
        created=options["created"],
    )
    assert signed["proof"]["proofValue"] == vector["proof_value"]


def test_a_tampered_document_does_not_verify() -> None:
    key = w3c_key()
    signed = eddsa.sign(
        load(W3C / "unsigned.json"),
        key=key,
        verification_method="did:example:issuer#key",
        created="2024-01-01T00:00:00Z",
        loader=W3C_LOADER,
    )
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["alumniOf"] = "The School of Forgery"
    with pytest.raises(eddsa.ProofError):
        eddsa.verify(tampered, resolve_key=lambda vm: key.public_key(), loader=W3C_LOADER)
    other = Ed25519PrivateKey.generate().public_key()
    with pytest.raises(eddsa.ProofError):
        eddsa.verify(signed, resolve_key=lambda vm: other, loader=W3C_LOADER)
    with pytest.raises(eddsa.ProofError):  # a key the issuer does not list
        eddsa.verify(signed, resolve_key=lambda vm: None, loader=W3C_LOADER)


def test_an_undefined_key_is_refused_rather_than_dropped_from_the_signature() -> None:
    document = load(OB3 / "vector.json")["unsigned_credential"]
    with pytest.raises(canon.CanonicalisationError, match="nickname"):
        canon.canonicalize({**document, "nickname": "not in any context"})


def test_the_loader_refuses_any_other_url() -> None:
    document = load(OB3 / "vector.json")["unsigned_credential"]
    document["@context"] = [*document["@context"], "https://attacker.example/context.json"]
    with pytest.raises(canon.CanonicalisationError):
        canon.canonicalize(document)


@pytest.mark.parametrize("data", [b"", b"\0\0abc", b"\xff" * 40, bytes(range(34))])
def test_base58btc_round_trips(data: bytes) -> None:
    assert multibase.decode(multibase.encode(data)) == data
