"""Checksums of stored files, read in chunks through the storage API (never whole, never by
path: the store may be a folder or S3)."""

from __future__ import annotations

import hashlib

from django.core.files import File
from django.core.files.storage import Storage, default_storage

CHUNK = 64 * 1024


def sha256_of(content: File[bytes]) -> str:
    """SHA-256 of a file about to be stored (an upload, a cleaned photo), left at its start."""
    digest = hashlib.sha256()
    for chunk in content.chunks(CHUNK):  # chunks() starts from the beginning
        digest.update(chunk)
    content.seek(0)
    return digest.hexdigest()


def sha256_of_stored(name: str, storage: Storage | None = None) -> str:
    """SHA-256 of a stored file. Raises FileNotFoundError (or the backend's error) when the
    store does not have it."""
    digest = hashlib.sha256()
    with (storage or default_storage).open(name, "rb") as stored:
        while chunk := stored.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
