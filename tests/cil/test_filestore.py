"""Choosing the file store from the environment: a private S3 bucket or the local folder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from cil.filestore import LOCAL_BACKEND, S3_BACKEND, default_storage_config, describe

SPOOL = 2 * 1024 * 1024


def config(**environ: str):
    return default_storage_config(environ, spool_bytes=SPOOL)


def test_without_a_bucket_files_stay_in_the_local_folder() -> None:
    assert config() == {"BACKEND": LOCAL_BACKEND}
    assert config(STORAGE_URL="file://") == {"BACKEND": LOCAL_BACKEND}


def test_a_storage_url_names_bucket_endpoint_region_and_prefix() -> None:
    chosen = config(
        STORAGE_URL="s3://cil-files?endpoint_url=http://127.0.0.1:9000&region=eu-north-1"
        "&location=prod&addressing_style=path"
    )
    assert chosen["BACKEND"] == S3_BACKEND
    options = chosen["OPTIONS"]
    assert {k: options[k] for k in ("bucket_name", "endpoint_url", "region_name", "location")} == {
        "bucket_name": "cil-files",
        "endpoint_url": "http://127.0.0.1:9000",
        "region_name": "eu-north-1",
        "location": "prod",
    }
    assert describe(chosen) == "S3 bucket 'cil-files' at http://127.0.0.1:9000"


def test_the_aws_variables_give_the_same_store() -> None:
    from_url = config(STORAGE_URL="s3://cil-files?endpoint_url=http://s3.local&region=eu-north-1")
    from_aws = config(
        AWS_STORAGE_BUCKET_NAME="cil-files",
        AWS_S3_ENDPOINT_URL="http://s3.local",
        AWS_S3_REGION_NAME="eu-north-1",
    )
    for chosen in (from_url, from_aws):
        chosen["OPTIONS"].pop("transfer_config")
    assert from_url == from_aws


def test_every_bucket_is_used_privately_and_never_overwritten() -> None:
    options = config(STORAGE_URL="s3://cil-files")["OPTIONS"]
    assert options["default_acl"] is None
    assert options["querystring_auth"] is True
    assert options["file_overwrite"] is False
    assert options["max_memory_size"] == SPOOL
    # Uploads go in 5 MB parts, one at a time: a bounded amount in memory per upload.
    transfer = options["transfer_config"]
    assert (transfer.multipart_chunksize, transfer.max_concurrency) == (5 * 1024 * 1024, 1)
    assert transfer.max_in_memory_upload_chunks == 1


@pytest.mark.parametrize(
    ("environ", "says"),
    [
        ({"STORAGE_URL": "s3://a-bucket", "AWS_STORAGE_BUCKET_NAME": "a-bucket"}, "not both"),
        ({"STORAGE_URL": "gs://a-bucket"}, "must start with s3://"),
        ({"STORAGE_URL": "s3://key:secret@a-bucket"}, "must not carry keys"),
        ({"STORAGE_URL": "s3://a-bucket/prefix"}, "location parameter"),
        ({"STORAGE_URL": "s3://a-bucket?acl=public-read"}, "unknown parameter 'acl'"),
        ({"STORAGE_URL": "s3://a-bucket?addressing_style=sideways"}, "addressing_style"),
        ({"STORAGE_URL": "s3://?region=eu-north-1"}, "bucket name is empty"),
    ],
)
def test_a_wrong_setting_fails_at_start_and_says_why(environ: dict[str, str], says: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=says):
        config(**environ)


def test_a_key_in_the_url_is_not_repeated_in_the_error() -> None:
    with pytest.raises(ImproperlyConfigured) as refused:
        config(STORAGE_URL="s3://AKIAEXAMPLE:very-secret@a-bucket")
    assert "very-secret" not in str(refused.value) and "AKIAEXAMPLE" not in str(refused.value)


APP_PACKAGES = ("cil", "activities", "portfolio", "certificates", "demo")
# A file is reached by name through the storage (storage.open, .save, .delete), never by a
# path on this machine: an object store has none, and several servers share no folder.
BY_PATH = re.compile(r"\.path\(|\bMEDIA_ROOT\b|\.file\.path\b|\.(pdf|credential|thumbnail)\.path\b")


def test_no_app_code_reaches_a_stored_file_by_its_path() -> None:
    root = Path(__file__).resolve().parents[2]
    found = [
        f"{source.relative_to(root)}:{number}: {line.strip()}"
        for package in APP_PACKAGES
        for source in sorted((root / package).rglob("*.py"))
        if "migrations" not in source.parts and source.name not in {"settings.py", "filestore.py"}
        for number, line in enumerate(source.read_text().splitlines(), start=1)
        if BY_PATH.search(line)
    ]
    assert found == []
