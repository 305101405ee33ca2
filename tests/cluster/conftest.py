"""The multi-server test: the portal as deployed (deploy/), two app servers and two workers
behind nginx on this machine, their files in a private bucket of a local S3 server, started
by scripts/cluster-test.sh (`make cluster-test`).

The tests speak to the cluster through nginx only (CIL_CLUSTER_URL) and use its database and
bucket directly for their set-up and checks (the script gives them the cluster's environment
file): what they create is committed, so the servers see it. Without CIL_CLUSTER_URL they are
skipped.
"""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from django.conf import settings

from cil.filestore import S3_BACKEND

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


@dataclass(frozen=True)
class Bucket:
    """The cluster's bucket, as its STORAGE_URL and AWS_* keys (the environment) name it."""

    endpoint_url: str
    name: str

    def client(self) -> Any:
        return boto3.client("s3", endpoint_url=self.endpoint_url, region_name="us-east-1")

    def object_keys(self) -> set[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return {item["Key"] for page in pages for item in page.get("Contents", [])}

    def read(self, key: str | None) -> bytes:
        assert key, "a stored file has a name"
        body: bytes = self.client().get_object(Bucket=self.name, Key=key)["Body"].read()
        return body

    def anonymous_get(self, key: str | None) -> int:
        """The status an unsigned GET of the object's address gets: what anyone who learnt
        the address (path style, as the S3 server serves it) gets."""
        assert key, "a stored file has a name"
        url = f"{self.endpoint_url}/{self.name}/{key}"
        try:
            with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - 127.0.0.1
                return int(response.status)
        except urllib.error.HTTPError as refused:
            return refused.code


@pytest.fixture
def bucket() -> Bucket:
    storage = settings.STORAGES["default"]
    assert storage["BACKEND"] == S3_BACKEND, "the cluster keeps its files in the S3 bucket"
    options = storage["OPTIONS"]
    return Bucket(endpoint_url=options["endpoint_url"], name=options["bucket_name"])


@pytest.fixture
def cluster_media_root() -> Path:
    """The app servers' MEDIA_ROOT (this process's own is a temporary folder per test)."""
    return Path(os.environ["MEDIA_ROOT"])
