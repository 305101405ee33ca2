"""A real S3-compatible server (moto in server mode) on 127.0.0.1, for tests of the S3 file store.

``running_s3()`` starts one on a free port and stops it at the end; ``RunningS3`` makes private
buckets in it and gives the ``STORAGES["default"]`` that points the portal at one, built by the
same code that reads ``STORAGE_URL`` in production (cil/filestore.py).

The fixtures: ``s3_server`` (one server for the session) and ``s3_storage`` (a new private
bucket for the test, the portal's default storage for as long as the test runs).

moto keeps its buckets in the memory of the process that runs it. For a server that other
processes use (several gunicorns behind nginx), run it on its own: scripts/s3-server.sh.
"""

from __future__ import annotations

import logging
import socket
import subprocess  # nosec B404 - starts moto's server for the tests
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError
from django.conf import settings as django_settings
from moto.server import ThreadedMotoServer

from cil.filestore import default_storage_config

REGION = "us-east-1"
# moto takes any key; these are not secrets of anything.
ACCESS_KEY = "cil-test-access-key"
SECRET_KEY = "cil-test-secret-key"  # nosec B105 - a made-up key for the local test server


@dataclass(frozen=True)
class RunningS3:
    endpoint_url: str

    def client(self) -> Any:
        """A boto3 S3 client with the keys every request of the portal signs with."""
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def create_private_bucket(self) -> str:
        bucket = f"cil-{uuid.uuid4().hex[:20]}"
        self.client().create_bucket(Bucket=bucket, ACL="private")
        return bucket

    def storage_url(self, bucket: str) -> str:
        return f"s3://{bucket}?endpoint_url={self.endpoint_url}&region_name={REGION}"

    def storage_config(self, bucket: str) -> dict[str, Any]:
        """``STORAGES["default"]`` for the bucket, as ``STORAGE_URL`` would configure it."""
        config = default_storage_config(
            {"STORAGE_URL": self.storage_url(bucket)},
            spool_bytes=django_settings.CIL_STORAGE_SPOOL_BYTES,
        )
        # In production boto3 reads the keys from the environment; the suite leaves the
        # environment alone and hands them to the storage directly.
        config["OPTIONS"] |= {"access_key": ACCESS_KEY, "secret_key": SECRET_KEY}
        return config


@contextmanager
def running_s3() -> Iterator[RunningS3]:
    # moto's server logs every request through werkzeug; the suite's output stays readable.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield RunningS3(endpoint_url=f"http://{host}:{port}")
    finally:
        server.stop()


@contextmanager
def running_s3_process() -> Iterator[RunningS3]:
    """The same server in a process of its own: what it holds of the files is not counted in
    this process's memory."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(  # noqa: S603 - moto's own module, by this interpreter
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    running = RunningS3(endpoint_url=f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                running.client().list_buckets()
                break
            except EndpointConnectionError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.1)
        yield running
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="session")
def s3_server() -> Iterator[RunningS3]:
    with running_s3() as running:
        yield running


@dataclass(frozen=True)
class S3Store:
    server: RunningS3
    bucket: str

    def object_url(self, key: str) -> str:
        """The object's plain address on the server (path style), as anyone could ask for it."""
        return f"{self.server.endpoint_url}/{self.bucket}/{key}"

    def object_keys(self) -> list[str]:
        listed = self.server.client().list_objects_v2(Bucket=self.bucket)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def read(self, key: str | None) -> bytes:
        assert key, "a stored file has a name"
        body: bytes = self.server.client().get_object(Bucket=self.bucket, Key=key)["Body"].read()
        return body


@pytest.fixture
def s3_storage(s3_server: RunningS3, settings: Any) -> S3Store:
    """The portal's files go to a new private bucket on the test S3 server for this test."""
    bucket = s3_server.create_private_bucket()
    settings.STORAGES = {**settings.STORAGES, "default": s3_server.storage_config(bucket)}
    return S3Store(server=s3_server, bucket=bucket)
