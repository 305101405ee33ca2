"""The multi-server test: the portal as deployed (deploy/), two app servers and two workers
behind nginx on this machine, started by scripts/cluster-test.sh (`make cluster-test`).

The tests speak to the cluster through nginx only (CIL_CLUSTER_URL) and use its database
directly for their set-up and checks: what they create is committed, so the servers see it.
Without CIL_CLUSTER_URL they are skipped.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import httpx
import pytest

CLUSTER_URL = os.environ.get("CIL_CLUSTER_URL", "").rstrip("/")
INSTANCE = "x-cil-instance"  # the header naming the app server that answered (cil/instance.py)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CLUSTER_URL:
        return
    skip = pytest.mark.skip(reason="needs the cluster of `make cluster-test` (CIL_CLUSTER_URL)")
    for item in items:
        if item.get_closest_marker("cluster"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def django_db_setup() -> None:
    """The cluster's own database (DATABASE_URL), not a test database made for the session."""


@pytest.fixture(autouse=True)
def _cluster_database(django_db_blocker) -> Iterator[None]:
    """Every query commits at once, as the app servers must see the test's data."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture(autouse=True)
def _fast_password_hashing() -> None:
    """Passwords are hashed as the app servers check them (the suite's fast hasher is not
    among theirs)."""


@pytest.fixture
def cluster_url() -> str:
    return CLUSTER_URL


def client_from(address: str) -> httpx.Client:
    """An HTTP client to the cluster whose requests come from ``address`` (any 127.x.y.z on
    Linux), so that nginx, and the portal's limits after it, see different clients."""
    return httpx.Client(
        base_url=CLUSTER_URL,
        transport=httpx.HTTPTransport(local_address=address),
        timeout=60,
    )


def sign_in(client: httpx.Client, email: str, password: str, *, shift: int = 0) -> httpx.Response:
    """A password sign-in. nginx hands requests to the app servers in turn: ``shift`` extra
    requests before the sign-in move it on to the other server."""
    client.get("/accounts/login/").raise_for_status()
    for _ in range(shift):
        client.get("/healthz")
    return client.post(
        "/accounts/login/",
        data={
            "login": email,
            "password": password,
            "csrfmiddlewaretoken": client.cookies["csrftoken"],
        },
    )
