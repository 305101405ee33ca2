"""The issuer's signing keys, its did:web identifier and its DID document.

Keys live in files, never in the database and never in a log: ``CIL_VC_KEYS_DIR`` holds
``current.pem`` (the Ed25519 private key that signs, PKCS#8 PEM, readable by the owner only)
and ``retired/`` (the public keys of keys rotated out, one ``<retired at>-<multikey>.pem`` each).
A retired key signs nothing more, so only its public half is kept: the DID document still lists
it, and credentials signed with it still verify.

A key's verification method is ``<did>#<its Multikey>``: the id follows from the key itself, so
no list of ids has to be kept beside the files.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from cil.vc import multibase

CURRENT = "current.pem"
RETIRED = "retired"


class KeyConfigurationError(ImproperlyConfigured):
    """No signing key is configured, or a key file cannot be read."""


@dataclass(frozen=True)
class PublicKey:
    multikey: str
    key: Ed25519PublicKey
    current: bool


def keys_dir() -> Path:
    return Path(settings.CIL_VC_KEYS_DIR)


def issuer_did() -> str:
    """``did:web:<host>`` of SITE_URL; a port is percent-encoded (``%3A``) as did:web requires.

    A path in SITE_URL is not supported: the DID document is served at /.well-known/did.json."""
    parts = urlsplit(settings.SITE_URL)
    if parts.path.strip("/"):
        raise ImproperlyConfigured("did:web needs a SITE_URL without a path.")
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return "did:web:" + quote(host, safe="")


def verification_method(multikey: str) -> str:
    return f"{issuer_did()}#{multikey}"


def multikey_of(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return multibase.encode_ed25519_public(raw)


def current_private_key() -> Ed25519PrivateKey:
    path = keys_dir() / CURRENT
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError as error:
        raise KeyConfigurationError(
            f"No credential signing key at {path}: run `manage.py vc_create_key` "
            "or set CIL_VC_KEYS_DIR."
        ) from error
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyConfigurationError(f"{path} is not an Ed25519 private key.")
    return key


def public_keys() -> list[PublicKey]:
    """The current key first (if any), then the retired ones, newest first."""
    found = []
    current = keys_dir() / CURRENT
    if current.exists():
        found.append(PublicKey(multikey_of(pub := current_private_key().public_key()), pub, True))
    retired_dir = keys_dir() / RETIRED
    for path in sorted(retired_dir.glob("*.pem"), reverse=True) if retired_dir.is_dir() else []:
        key = serialization.load_pem_public_key(path.read_bytes())
        if not isinstance(key, Ed25519PublicKey):
            raise KeyConfigurationError(f"{path} is not an Ed25519 public key.")
        found.append(PublicKey(multikey_of(key), key, False))
    return found


def resolve(verification_method_id: str) -> Ed25519PublicKey | None:
    """The public key of one of our verification methods (current or retired), else None."""
    for key in public_keys():
        if verification_method_id == verification_method(key.multikey):
            return key.key
    return None


def _write_private(path: Path, key: Ed25519PrivateKey) -> None:
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # Created readable by the owner only; written to a new name first, so a crash leaves
    # either the old key or the new one, never half a file.
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    os.replace(tmp, path)


def create_key() -> str:
    """Create the current key; refuses if there is one. Returns its Multikey."""
    directory = keys_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    if (directory / CURRENT).exists():
        raise KeyConfigurationError(
            f"{directory / CURRENT} exists; rotate it with `manage.py vc_rotate_key`."
        )
    key = Ed25519PrivateKey.generate()
    _write_private(directory / CURRENT, key)
    return multikey_of(key.public_key())


def rotate_key() -> tuple[str, str]:
    """Retire the current key (its public half stays in the DID document) and create a new one.
    Returns (retired Multikey, new Multikey)."""
    directory = keys_dir()
    old = current_private_key().public_key()
    retired_dir = directory / RETIRED
    retired_dir.mkdir(exist_ok=True, mode=0o700)
    old_multikey = multikey_of(old)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    public_pem = old.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    (retired_dir / f"{stamp}-{old_multikey}.pem").write_bytes(public_pem)
    key = Ed25519PrivateKey.generate()
    _write_private(directory / CURRENT, key)
    return old_multikey, multikey_of(key.public_key())


def did_document() -> dict[str, Any]:
    """The issuer's DID document: every key, current and retired, as a Multikey that may assert."""
    did = issuer_did()
    methods = [
        {
            "id": verification_method(key.multikey),
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.multikey,
        }
        for key in public_keys()
    ]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }


def resolver_for(document: dict[str, Any]) -> Callable[[str], Ed25519PublicKey | None]:
    """What a verifier does with a DID document it fetched: the key of a verification method
    that the document lists for assertions, else None."""
    asserting = set(document.get("assertionMethod", []))

    def resolve_key(method_id: str) -> Ed25519PublicKey | None:
        for method in document.get("verificationMethod", []):
            if method.get("id") == method_id and method_id in asserting:
                raw = multibase.decode_ed25519_public(method["publicKeyMultibase"])
                return Ed25519PublicKey.from_public_bytes(raw)
        return None

    return resolve_key


def sign_as_issuer(document: dict[str, Any], *, created: datetime | None = None) -> dict[str, Any]:
    """``document`` with a proof (one object) by the current key, as the portal's did:web."""
    from cil.vc import eddsa

    key = current_private_key()
    moment = (created or datetime.now(UTC)).replace(microsecond=0)
    return eddsa.sign(
        document,
        key=key,
        verification_method=verification_method(multikey_of(key.public_key())),
        created=moment.isoformat().replace("+00:00", "Z"),
    )
