"""Behind a proxy, every throttle keys on the client's address, as the trusted proxies saw it.

A proxy appends the address it saw to X-Forwarded-For; a client may send its own header first.
With N trusted proxies the N-th entry from the right is the last one a trusted proxy wrote.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from cil import ratelimit
from cil.adapters import AccountAdapter
from cil.ratelimit import client_ip
from tests.factories import PASSWORD, UserFactory

PROXY = "10.0.0.1"


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, "", PROXY),  # not behind a proxy: the peer is the client
        (0, "203.0.113.7", PROXY),  # and a header the client sent means nothing
        (1, "", PROXY),  # no header: nothing better to go by than the peer
        (1, "203.0.113.7", "203.0.113.7"),  # the proxy appended the client's address
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # the client's own entry is skipped
        (1, "6.6.6.6,203.0.113.7", "203.0.113.7"),
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.2", "203.0.113.7"),  # two proxies
        (2, "203.0.113.7", PROXY),  # shorter than the chain of proxies: not trusted
        (1, "6.6.6.6, not-an-address", PROXY),  # garbage from a misconfigured proxy
        (1, "2001:db8::7", "2001:db8::7"),
    ],
)
def test_client_ip_trusts_only_the_entries_its_proxies_wrote(
    settings, proxies: int, forwarded_for: str, expected: str
) -> None:
    settings.CIL_TRUSTED_PROXY_COUNT = proxies
    headers: dict[str, Any] = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, **headers)
    assert client_ip(request) == expected


def via_proxy(forwarded_for: str) -> Client:
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)


def test_verification_limit_is_per_client_behind_a_proxy(db, settings, monkeypatch) -> None:
    settings.CIL_TRUSTED_PROXY_COUNT = 1
    settings.CIL_VERIFY_RATE_PER_MINUTE = 2
    monkeypatch.setattr(ratelimit, "_now", lambda: 1_800_000_010.0)  # one and the same minute
    url = reverse("certificates:verify", args=["no-such-code"])
    greedy = [via_proxy("203.0.113.7").get(url).status_code for _ in range(3)]
    assert greedy == [404, 404, 429]
    # Sending a made-up address of its own first changes nothing for the greedy client ...
    assert via_proxy("6.6.6.6, 203.0.113.7").get(url).status_code == 429
    # ... and someone else behind the same proxy is not refused.
    assert via_proxy("198.51.100.2").get(url).status_code == 404


def test_lockout_is_per_client_behind_a_proxy(db, settings) -> None:
    settings.CIL_TRUSTED_PROXY_COUNT = 1
    victim = UserFactory(email="victim@uni.example")
    for n in range(settings.AXES_FAILURE_LIMIT):
        # The attacker makes up a new address for every attempt; only the proxy's entry counts.
        response = via_proxy(f"6.6.6.{n}, 203.0.113.7").post(
            "/accounts/login/", {"login": victim.email, "password": "wrong"}
        )
    assert response.status_code == 429
    response = via_proxy("6.6.6.99, 203.0.113.7").post(
        "/accounts/login/", {"login": victim.email, "password": PASSWORD}
    )
    assert response.status_code == 429
    # The victim, elsewhere behind the same proxy, still signs in.
    response = via_proxy("198.51.100.2").post(
        "/accounts/login/", {"login": victim.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/home/"


def test_allauth_limits_are_per_client_behind_a_proxy(db, settings) -> None:
    settings.CIL_TRUSTED_PROXY_COUNT = 1
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "reset_password": "2/m/ip"}
    request = RequestFactory().get(
        "/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )
    assert AccountAdapter(request).get_client_ip(request) == "203.0.113.7"

    greedy = via_proxy("203.0.113.7")
    statuses = [
        greedy.post("/accounts/password/reset/", {"email": f"x{i}@uni.example"}).status_code
        for i in range(3)
    ]
    assert statuses == [302, 302, 429]
    other = via_proxy("198.51.100.2")
    assert other.post("/accounts/password/reset/", {"email": "y@uni.example"}).status_code == 302
