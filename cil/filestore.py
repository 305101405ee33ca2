"""Where private files (evidence, thumbnails, diplomas, credentials) are kept, from the environment.

Two ways to choose S3-compatible object storage; with neither, files go to the local folder
``MEDIA_ROOT`` as before:

- ``STORAGE_URL=s3://BUCKET?endpoint_url=http://127.0.0.1:9000&region_name=eu-north-1``;
  optional query parameters: ``endpoint_url`` (leave out for AWS itself), ``region_name``
  (``region`` is accepted too), ``location`` (a key prefix, e.g. ``cil/prod``) and
  ``addressing_style`` (``path`` or ``virtual``). ``STORAGE_URL=file://`` (or empty) means the
  local folder. Anything else fails at start.
- ``AWS_STORAGE_BUCKET_NAME`` with ``AWS_S3_ENDPOINT_URL`` and ``AWS_S3_REGION_NAME``
  (the names django-storages documents). Setting both this and ``STORAGE_URL`` is an error.

The keys are never part of either: boto3 reads ``AWS_ACCESS_KEY_ID`` and
``AWS_SECRET_ACCESS_KEY`` (or a role of the machine) from the environment itself, so no secret
ends up in Django's settings, a settings dump or a log line.

Whatever is configured, the bucket is used privately: every object is written without a
public ACL, no name is ever overwritten, and the storage would only hand out signed URLs (the
portal hands out none: views stream files after their own permission check). The module is read
by cil/settings.py and so imports nothing of Django's models.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ImproperlyConfigured

LOCAL_BACKEND = "django.core.files.storage.FileSystemStorage"
# django-storages' S3Storage, sending a spooled upload from the disk (cil/s3storage.py).
S3_BACKEND = "cil.s3storage.S3Storage"

# The query parameters STORAGE_URL may carry, by the name of the S3Storage option they set.
_URL_OPTIONS = {
    "endpoint_url": "endpoint_url",
    "region_name": "region_name",
    "region": "region_name",
    "location": "location",
    "addressing_style": "addressing_style",
}
_ADDRESSING_STYLES = ("path", "virtual")

# Uploads: boto3 sends a file above 5 MB in 5 MB parts (a multipart upload; 5 MB is the
# smallest part S3 takes), one at a time, in the calling thread. An upload Django spooled to a
# temporary file is sent from the disk by name (cil/s3storage.py). Measured on a 100 MB file,
# the worker grows by about 2 MB so, against about 110 MB with boto3's defaults (8 MB parts,
# ten at once) and 14 MB with the parts read into memory (docs/performance.md).
_PART_BYTES = 5 * 1024 * 1024
_PARTS_IN_FLIGHT = 1


def _transfer_config() -> Any:
    # Imported here: a portal on the local folder needs no boto3 to start.
    from boto3.s3.transfer import TransferConfig

    config = TransferConfig(
        multipart_threshold=_PART_BYTES,
        multipart_chunksize=_PART_BYTES,
        max_concurrency=_PARTS_IN_FLIGHT,
        use_threads=False,
    )
    # s3transfer's own bound on parts read into memory ahead of sending (default 10).
    config.max_in_memory_upload_chunks = _PARTS_IN_FLIGHT
    return config


def private_s3_options(*, bucket: str, spool_bytes: int, **location: str | None) -> dict[str, Any]:
    """The S3Storage options for a private bucket; ``location`` as in ``_URL_OPTIONS``."""
    if not bucket:
        raise ImproperlyConfigured("The S3 bucket name is empty.")
    options: dict[str, Any] = {
        "bucket_name": bucket,
        # No object is ever public: no ACL header is sent, so the bucket's own (private)
        # setting applies. An explicit "private" can be refused by buckets with ACLs disabled
        # (AWS's default for new buckets: AccessControlListNotSupported).
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": False,
        # A download (storage.open) is copied into a temporary file that stays in memory up to
        # this size and goes to disk above it, like an upload.
        "max_memory_size": spool_bytes,
        "transfer_config": _transfer_config(),
    }
    options.update({key: value for key, value in location.items() if value})
    style = options.get("addressing_style")
    if style is not None and style not in _ADDRESSING_STYLES:
        raise ImproperlyConfigured(
            f"S3 addressing_style must be one of {', '.join(_ADDRESSING_STYLES)}, not {style!r}."
        )
    return options


def parse_storage_url(url: str, *, spool_bytes: int) -> dict[str, Any] | None:
    """S3Storage options from ``STORAGE_URL``; None for the local folder (empty or file://)."""
    if not url or url == "file://":
        return None
    parts = urlsplit(url)
    if parts.scheme != "s3":
        raise ImproperlyConfigured("STORAGE_URL must start with s3:// (or be file:// or empty).")
    if parts.username or parts.password:
        raise ImproperlyConfigured(
            "STORAGE_URL must not carry keys: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY."
        )
    if parts.path.strip("/"):
        raise ImproperlyConfigured(
            "STORAGE_URL is s3://BUCKET?...; put a key prefix in the location parameter."
        )
    location: dict[str, str | None] = {}
    for name, values in parse_qs(parts.query, keep_blank_values=True, strict_parsing=False).items():
        if name not in _URL_OPTIONS:
            raise ImproperlyConfigured(
                f"STORAGE_URL has an unknown parameter {name!r}; known: "
                f"{', '.join(sorted(_URL_OPTIONS))}."
            )
        location[_URL_OPTIONS[name]] = values[-1]
    return private_s3_options(bucket=parts.hostname or "", spool_bytes=spool_bytes, **location)


def default_storage_config(environ: Mapping[str, str], *, spool_bytes: int) -> dict[str, Any]:
    """``STORAGES["default"]``: a private S3 bucket when configured, else the local folder."""
    url = environ.get("STORAGE_URL", "").strip()
    bucket = environ.get("AWS_STORAGE_BUCKET_NAME", "").strip()
    if url and bucket:
        raise ImproperlyConfigured(
            "Set either STORAGE_URL or AWS_STORAGE_BUCKET_NAME for the file store, not both."
        )
    options: dict[str, Any] | None
    if bucket:
        options = private_s3_options(
            bucket=bucket,
            spool_bytes=spool_bytes,
            endpoint_url=environ.get("AWS_S3_ENDPOINT_URL"),
            region_name=environ.get("AWS_S3_REGION_NAME"),
        )
    else:
        options = parse_storage_url(url, spool_bytes=spool_bytes)
    if options is None:
        # No location of its own: the storage follows MEDIA_ROOT (which the tests change).
        return {"BACKEND": LOCAL_BACKEND}
    return {"BACKEND": S3_BACKEND, "OPTIONS": options}


def describe(config: Mapping[str, Any]) -> str:
    """Where files go, in one line for health checks and messages; never a key."""
    options = config.get("OPTIONS", {})
    if config["BACKEND"] == S3_BACKEND:
        where = options.get("endpoint_url") or "AWS"
        return f"S3 bucket {options['bucket_name']!r} at {where}"
    return "local folder MEDIA_ROOT"
