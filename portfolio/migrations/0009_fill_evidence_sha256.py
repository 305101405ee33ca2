"""Record the SHA-256 of every evidence file and thumbnail stored before checksums were kept.

Reads each file in chunks through the storage API, in batches of rows, so neither a large file
nor a large table is held in memory. A file already missing keeps an empty checksum:
`manage.py check_integrity` reports it as missing.
"""

import hashlib
from typing import Any

from django.core.files.storage import default_storage
from django.db import migrations

BATCH = 500
CHUNK = 64 * 1024


def _sha256(name: str) -> str:
    if not name:
        return ""
    digest = hashlib.sha256()
    try:
        with default_storage.open(name, "rb") as stored:
            while chunk := stored.read(CHUNK):
                digest.update(chunk)
    except FileNotFoundError:
        return ""
    return digest.hexdigest()


def fill(apps: Any, schema_editor: Any) -> None:
    Evidence = apps.get_model("portfolio", "Evidence")
    last = 0
    while True:
        batch = list(
            Evidence.objects.filter(pk__gt=last, sha256="")
            .order_by("pk")
            .only("pk", "file", "thumbnail")[:BATCH]
        )
        if not batch:
            return
        for evidence in batch:
            evidence.sha256 = _sha256(evidence.file.name)
            evidence.thumbnail_sha256 = _sha256(evidence.thumbnail.name)
        Evidence.objects.bulk_update(batch, ["sha256", "thumbnail_sha256"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("portfolio", "0008_evidence_sha256"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
