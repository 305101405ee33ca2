"""The tests' own authenticator-app codes (tests/mfa.py) are RFC 6238's."""

from __future__ import annotations

import base64

import pytest

from tests.mfa import totp

SECRET = base64.b32encode(b"12345678901234567890").decode()  # RFC 6238's SHA-1 key


@pytest.mark.parametrize(
    ("at", "code"),
    [(59, "287082"), (1111111109, "081804"), (1234567890, "005924"), (2000000000, "279037")],
)
def test_codes_match_the_rfc_6238_test_vectors(at: int, code: str) -> None:
    assert totp(SECRET, at=at) == code  # the RFC lists 8 digits; apps show the last 6
