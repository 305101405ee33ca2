"""The ``eddsa-rdfc-2022`` Data Integrity cryptosuite (W3C Data Integrity EdDSA Cryptosuites).

To sign: canonicalise the proof configuration (the proof without ``proofValue``, with the
document's ``@context``) and the document without its proof, hash each with SHA-256, sign
hash(proof config) + hash(document) with Ed25519, and write the signature as base58btc
multibase. Verification does the same and checks the signature with the key the proof names.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable, Mapping
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from cil.vc import multibase
from cil.vc.canon import DocumentLoader, canonicalize

CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_TYPE = "DataIntegrityProof"


class ProofError(ValueError):
    """The proof is missing, malformed, or does not verify."""


def proof_config(document: Mapping[str, Any], options: Mapping[str, Any]) -> dict[str, Any]:
    """The proof configuration: the proof options with the document's ``@context``."""
    config = {k: v for k, v in options.items() if k != "proofValue"}
    if config.get("type") != PROOF_TYPE or config.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError(f"Not a {PROOF_TYPE} with cryptosuite {CRYPTOSUITE}.")
    config["@context"] = document["@context"]
    return config


def hash_data(
    document: Mapping[str, Any], config: Mapping[str, Any], loader: DocumentLoader | None = None
) -> bytes:
    """SHA-256 of the canonical proof configuration followed by that of the canonical document."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    config_hash = hashlib.sha256(canonicalize(config, loader).encode()).digest()
    document_hash = hashlib.sha256(canonicalize(unsecured, loader).encode()).digest()
    return config_hash + document_hash


def sign(
    document: Mapping[str, Any],
    *,
    key: Ed25519PrivateKey,
    verification_method: str,
    created: str,
    proof_purpose: str = "assertionMethod",
    loader: DocumentLoader | None = None,
) -> dict[str, Any]:
    """A copy of ``document`` with a ``proof`` (one object, as Data Integrity writes it)."""
    options = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    config = proof_config(document, options)
    signature = key.sign(hash_data(document, config, loader))
    signed = copy.deepcopy(dict(document))
    signed["proof"] = {**options, "proofValue": multibase.encode(signature)}
    return signed


def verify(
    document: Mapping[str, Any],
    *,
    resolve_key: Callable[[str], Ed25519PublicKey | None],
    loader: DocumentLoader | None = None,
) -> dict[str, Any]:
    """Check the document's proof (one object, or an array of exactly one); returns the proof.

    ``resolve_key`` maps the proof's ``verificationMethod`` to the public key, or None if the
    issuer does not list it. Raises ProofError if anything does not hold."""
    proof = document.get("proof")
    if isinstance(proof, list):
        if len(proof) != 1:
            raise ProofError("Expected exactly one proof.")
        proof = proof[0]
    if not isinstance(proof, dict) or not isinstance(proof.get("proofValue"), str):
        raise ProofError("The document has no proof value.")
    if proof.get("proofPurpose") != "assertionMethod":
        raise ProofError("The proof's purpose is not assertionMethod.")
    key = resolve_key(str(proof.get("verificationMethod", "")))
    if key is None:
        raise ProofError("The proof's verification method is not one of the issuer's keys.")
    try:
        signature = multibase.decode(proof["proofValue"])
        config = proof_config(document, proof)
        key.verify(signature, hash_data(document, config, loader))
    except (InvalidSignature, multibase.MultibaseError) as error:
        raise ProofError("The signature does not verify.") from error
    return proof
