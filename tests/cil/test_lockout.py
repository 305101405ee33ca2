"""The per-account lockout: failures from many addresses lock an account; its owner's mailed
link lifts the lock, once."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from tests.factories import PASSWORD, UserFactory

LOGIN = "/accounts/login/"


def fail_from(address: str, email: str) -> int:
    """One failed sign-in from ``address`` (each attempt from a new client, as a botnet does)."""
    response = Client(REMOTE_ADDR=address).post(LOGIN, {"login": email, "password": "wrong"})
    return response.status_code


def sign_in(client: Client, email: str) -> int:
    return client.post(LOGIN, {"login": email, "password": PASSWORD}).status_code


def lock(settings, email: str) -> None:
    """Fail from a new address each time until the account is refused."""
    for n in range(settings.CIL_ACCOUNT_FAILURE_LIMIT):
        assert fail_from(f"10.0.{n // 250}.{n % 250 + 1}", email) == 200
    assert fail_from("10.9.9.9", email) == 200  # refused with the lockout message


def unlock_path(message) -> str:
    found = re.search(r"https?://[^/\s]+(/accounts/unlock/\S+/)", str(message.body))
    assert found, message.body
    return found.group(1)


@pytest.mark.django_db
def test_failures_from_different_addresses_lock_the_account(settings, committed) -> None:
    user = UserFactory(email="target@uni.example")
    # Fewer failures per address than django-axes' pair limit: axes alone never locks.
    assert settings.AXES_FAILURE_LIMIT > 1
    with committed():
        lock(settings, user.email)

    # The owner, from an address never used by the attacker, is refused too, with the reason.
    owner = Client(REMOTE_ADDR="192.0.2.10")
    response = owner.post(LOGIN, {"login": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "locked after too many failed sign-ins" in response.content.decode()
    assert "_auth_user_id" not in owner.session
    # Another account is not affected.
    other = UserFactory(email="other@uni.example")
    assert sign_in(Client(REMOTE_ADDR="10.9.9.9"), other.email) == 302


@pytest.mark.django_db
def test_owner_is_mailed_one_link_that_lifts_the_lock(settings, committed) -> None:
    user = UserFactory(email="target@uni.example")
    with committed():
        lock(settings, user.email)
        fail_from("10.9.9.8", user.email)  # further refusals mail nothing more
    assert [m.to for m in mail.outbox] == [[user.email]]
    path = unlock_path(mail.outbox[0])

    owner = Client(REMOTE_ADDR="192.0.2.10")
    # Opening the link changes nothing (mail scanners open links); confirming does.
    assert owner.get(path).status_code == 200
    assert sign_in(owner, user.email) == 200
    response = owner.post(path)
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert sign_in(owner, user.email) == 302
    assert owner.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_unlocked_browser_gets_in_while_the_attack_goes_on(settings, committed) -> None:
    user = UserFactory(email="target@uni.example")
    with committed():
        lock(settings, user.email)
    owner = Client(REMOTE_ADDR="192.0.2.10")
    owner.post(unlock_path(mail.outbox[0]))
    with committed():
        lock(settings, user.email)  # the attacker locks the account again at once
    assert sign_in(owner, user.email) == 302
    # ... while a browser without the link is still refused.
    assert sign_in(Client(REMOTE_ADDR="192.0.2.11"), user.email) == 200


@pytest.mark.django_db
def test_a_used_link_does_not_work_twice(settings, committed) -> None:
    user = UserFactory(email="target@uni.example")
    with committed():
        lock(settings, user.email)
    path = unlock_path(mail.outbox[0])
    assert Client().post(path).status_code == 302
    assert Client().post(path).status_code == 400
    assert Client().get(path).status_code == 400


@pytest.mark.django_db
def test_a_forged_link_does_nothing(settings, committed) -> None:
    user = UserFactory(email="target@uni.example")
    with committed():
        lock(settings, user.email)
    path = unlock_path(mail.outbox[0])
    forged = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    assert Client().post(forged).status_code == 400
    assert sign_in(Client(), user.email) == 200  # still locked


@pytest.mark.django_db
def test_failures_through_different_host_names_count_together(settings, committed) -> None:
    # allauth counts per host name too, and a client picks the Host header among the allowed.
    settings.ALLOWED_HOSTS = ["portal.uni.example", "cil.uni.example", "testserver"]
    user = UserFactory(email="target@uni.example")
    hosts = ["portal.uni.example", "cil.uni.example"]
    with committed():
        for n in range(settings.CIL_ACCOUNT_FAILURE_LIMIT):
            attacker = Client(REMOTE_ADDR=f"10.1.0.{n + 1}", HTTP_HOST=hosts[n % 2])
            assert (
                attacker.post(LOGIN, {"login": user.email, "password": "wrong"}).status_code == 200
            )
    owner = Client(REMOTE_ADDR="192.0.2.10")
    response = owner.post(LOGIN, {"login": user.email, "password": PASSWORD})
    assert "locked after too many failed sign-ins" in response.content.decode()
    assert "_auth_user_id" not in owner.session
