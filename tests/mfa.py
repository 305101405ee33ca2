"""Codes from an authenticator app, computed as the app does (RFC 6238), so that tests do not
check allauth's codes with allauth's own code."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time


def totp(secret: str, at: float | None = None) -> str:
    """The code for ``secret`` (base32) at ``at`` (default now): HMAC-SHA-1, 30-second steps,
    6 digits."""
    counter = int((time.time() if at is None else at) // 30)
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def current_code(secret: str) -> str:
    """A code that stays valid for the next few seconds: near the end of a period, wait for
    the next one (allauth accepts only the current period's code)."""
    if time.time() % 30 > 27:
        time.sleep(30 - time.time() % 30 + 0.2)
    return totp(secret)
