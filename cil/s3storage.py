"""django-storages' S3 storage, sending a file Django spooled to disk straight from the disk.

Given an open file, boto3 (s3transfer) reads each part of a multipart upload into memory before
sending it, and the HTTP layer copies it again for its checksum and signature. Given the
file's name it reads each part from the disk as it sends it. An upload above
``FILE_UPLOAD_MAX_MEMORY_SIZE`` is already a file on disk (``temporary_file_path()``), so it is
sent by name: a 100 MB upload grew the worker by 8-10 MB rather than 14-32 MB
(docs/performance.md, *Uploads to S3 (round 7)*). Everything else (a small upload kept in
memory, a cleaned photo, a diploma made in memory) goes through django-storages as before.

Imported only when STORAGE_URL names a bucket (cil/filestore.py), so that a portal on the local
folder needs no boto3 to start.
"""

from __future__ import annotations

from typing import Any

from storages.backends import s3
from storages.utils import clean_name


class S3Storage(s3.S3Storage):  # type: ignore[misc]  # django-storages has no type hints
    def _save(self, name: str, content: Any) -> str:
        spooled = getattr(content, "temporary_file_path", None)
        if spooled is None or self.gzip:
            return str(super()._save(name, content))
        cleaned = clean_name(name)
        key = self._normalize_name(cleaned)
        # The same object parameters django-storages sends (content type, no ACL).
        params = self._get_write_parameters(key, content)
        self.bucket.Object(key).upload_file(
            spooled(), ExtraArgs=params, Config=self.transfer_config
        )
        return str(cleaned)
