"""A lockout holds on every app server: the counts live in the shared database, not in one
server's memory."""

from __future__ import annotations

import uuid

import pytest
from django.conf import settings

from tests.cluster.conftest import INSTANCE, client_from, sign_in
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.cluster


def new_account() -> str:
    return UserFactory(email=f"target-{uuid.uuid4().hex[:8]}@uni.example").email


def fail(address: str, email: str, shift: int) -> str:
    """One failed sign-in from ``address``; the app server that refused it."""
    with client_from(address) as client:
        response = sign_in(client, email, "wrong-password", shift=shift)
    assert response.status_code in (200, 429), response.status_code
    return response.headers[INSTANCE]


def refused_on_both(address: str, email: str) -> list[str]:
    """The right password from ``address``, until both app servers have refused it; what each
    said."""
    answers: dict[str, str] = {}
    for shift in (0, 1, 0, 1):
        with client_from(address) as client:
            response = sign_in(client, email, PASSWORD, shift=shift)
            assert response.status_code != 302, f"signed in on {response.headers[INSTANCE]}"
        answers[response.headers[INSTANCE]] = response.text
        if len(answers) == 2:
            break
    assert set(answers) == {"web1", "web2"}
    return list(answers.values())


def test_django_axes_locks_an_account_and_address_on_both_servers() -> None:
    email = new_account()
    failed_on = {fail("127.0.0.2", email, n % 2) for n in range(settings.AXES_FAILURE_LIMIT)}
    assert failed_on == {"web1", "web2"}  # the failures were counted on both

    for page in refused_on_both("127.0.0.2", email):
        assert "Too many failed log-in attempts" in page
    # The lock is the pair's (AXES_LOCKOUT_PARAMETERS): the owner elsewhere still gets in.
    with client_from("127.0.0.3") as client:
        assert sign_in(client, email, PASSWORD).status_code == 302


def test_the_per_account_limit_holds_on_both_servers() -> None:
    email = new_account()
    # Failures from several addresses, fewer from each than django-axes' limit.
    per_address = settings.AXES_FAILURE_LIMIT - 1
    addresses = [f"127.0.1.{n}" for n in range(1, 20)]
    failed_on = {
        fail(addresses[n // per_address], email, n % 2)
        for n in range(settings.CIL_ACCOUNT_FAILURE_LIMIT)
    }
    assert failed_on == {"web1", "web2"}

    for page in refused_on_both("127.0.2.1", email):
        assert "locked after too many failed sign-ins" in page
