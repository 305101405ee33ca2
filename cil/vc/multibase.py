"""base58btc multibase (``z...``) and Multikey encoding of Ed25519 keys.

base58btc is twenty lines; a dependency for it would not earn its place. Multikey is the
multicodec prefix of the key type (varint 0xed for an Ed25519 public key, 0x1300 for its
secret seed) followed by the raw key, base58btc-encoded with the multibase prefix ``z``.
"""

from __future__ import annotations

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {c: i for i, c in enumerate(ALPHABET)}

ED25519_PUB_PREFIX = b"\xed\x01"
ED25519_PRIV_PREFIX = b"\x80\x26"


class MultibaseError(ValueError):
    """Not a base58btc multibase string, or not the key type expected."""


def b58encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, remainder = divmod(number, 58)
        digits.append(ALPHABET[remainder])
    # Each leading zero byte is written as a leading "1".
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(digits))


def b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        if char not in _INDEX:
            raise MultibaseError(f"Not a base58btc character: {char!r}")
        number = number * 58 + _INDEX[char]
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def encode(data: bytes) -> str:
    """Multibase base58btc: ``z`` + base58btc."""
    return "z" + b58encode(data)


def decode(text: str) -> bytes:
    if not text.startswith("z"):
        raise MultibaseError("Only base58btc multibase ('z...') is supported.")
    return b58decode(text[1:])


def encode_ed25519_public(raw: bytes) -> str:
    """The Multikey ``publicKeyMultibase`` of a raw 32-byte Ed25519 public key (``z6Mk...``)."""
    if len(raw) != 32:
        raise MultibaseError("An Ed25519 public key has 32 bytes.")
    return encode(ED25519_PUB_PREFIX + raw)


def decode_ed25519_public(text: str) -> bytes:
    data = decode(text)
    if not data.startswith(ED25519_PUB_PREFIX) or len(data) != 34:
        raise MultibaseError("Not a Multikey Ed25519 public key.")
    return data[2:]


def decode_ed25519_private(text: str) -> bytes:
    """The 32-byte seed of a Multikey ``secretKeyMultibase`` (as in the W3C test vectors)."""
    data = decode(text)
    if not data.startswith(ED25519_PRIV_PREFIX) or len(data) != 34:
        raise MultibaseError("Not a Multikey Ed25519 secret key.")
    return data[2:]
