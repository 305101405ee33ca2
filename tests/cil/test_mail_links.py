"""Every link in mail is built from SITE_URL, whatever Host header the request came with."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SITE = "https://cil.uni.example"
SIGNUP = {
    "full_name": "Ingrid Kristiansen",
    "email": "ingrid@uni.example",
    "password1": "a-long-and-unusual-passphrase",
    "password2": "a-long-and-unusual-passphrase",
}


@pytest.fixture(autouse=True)
def _public_address(settings) -> None:
    settings.SITE_URL = SITE


def links(body: str) -> list[str]:
    return re.findall(r"https?://[^\s]+", body)


def test_a_reset_link_ignores_the_port_in_the_host_header(client) -> None:
    user = UserFactory()
    client.post("/accounts/password/reset/", {"email": user.email}, HTTP_HOST="127.0.0.1:6666")
    assert len(mail.outbox) == 1
    body = str(mail.outbox[0].body)
    assert "6666" not in body
    assert any(link.startswith(f"{SITE}/accounts/password/reset/key/") for link in links(body))
    assert all(link.startswith(SITE) for link in links(body)), body


def test_a_confirmation_link_ignores_the_host_header(client) -> None:
    client.post("/accounts/signup/", SIGNUP, HTTP_HOST="localhost:6666")
    body = str(mail.outbox[0].body)
    assert "6666" not in body
    assert any(link.startswith(f"{SITE}/accounts/confirm-email/") for link in links(body))
    assert all(link.startswith(SITE) for link in links(body)), body


def test_the_unknown_account_mail_links_to_the_site(client) -> None:
    client.post(
        "/accounts/password/reset/", {"email": "nobody@uni.example"}, HTTP_HOST="localhost:6666"
    )
    body = str(mail.outbox[0].body)
    assert "6666" not in body
    assert links(body)
    assert all(link.startswith(SITE) for link in links(body)), body
