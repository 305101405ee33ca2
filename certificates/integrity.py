"""Every stored file the portal keeps a record of, compared with the record.

Walks evidence files and their thumbnails, diploma PDFs and credentials, row by row
(``.iterator()``), reading each file in chunks through the storage API. A file whose SHA-256
was recorded is read and compared; one without a recorded checksum is only looked for.
Problems are reported by model, row id and field: never a name, an address or a file name a
student chose.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.files.storage import Storage, default_storage

from certificates.models import Diploma
from cil.files import sha256_of_stored
from portfolio.models import Evidence

BATCH = 500


@dataclass(frozen=True)
class StoredFile:
    model: str  # "evidence", "diploma"
    pk: int
    field: str  # "file", "thumbnail", "pdf", "credential"
    name: str
    sha256: str  # "" when none was recorded

    @property
    def label(self) -> str:
        return f"{self.model} {self.pk} {self.field}"


@dataclass
class IntegrityReport:
    checked: int = 0
    verified: int = 0  # of those checked, compared with a recorded SHA-256
    missing: list[StoredFile] = field(default_factory=list)
    changed: list[StoredFile] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing and not self.changed


def stored_files() -> Iterator[StoredFile]:
    evidence = Evidence.objects.only("pk", "file", "thumbnail", "sha256", "thumbnail_sha256")
    for item in evidence.order_by("pk").iterator(chunk_size=BATCH):
        yield StoredFile("evidence", item.pk, "file", item.file.name or "", item.sha256)
        if item.thumbnail:
            yield StoredFile(
                "evidence",
                item.pk,
                "thumbnail",
                item.thumbnail.name or "",
                item.thumbnail_sha256,
            )
    diplomas = Diploma.objects.only("pk", "pdf", "sha256", "credential", "credential_sha256")
    for diploma in diplomas.order_by("pk").iterator(chunk_size=BATCH):
        yield StoredFile("diploma", diploma.pk, "pdf", diploma.pdf.name or "", diploma.sha256)
        if diploma.credential:
            yield StoredFile(
                "diploma",
                diploma.pk,
                "credential",
                diploma.credential.name or "",
                diploma.credential_sha256,
            )


def _is_missing(storage: Storage, name: str) -> bool:
    return not name or not storage.exists(name)


def check_integrity(storage: Storage | None = None) -> IntegrityReport:
    store = storage or default_storage
    report = IntegrityReport()
    for stored in stored_files():
        report.checked += 1
        if not stored.sha256:
            if _is_missing(store, stored.name):
                report.missing.append(stored)
            continue
        try:
            actual = sha256_of_stored(stored.name, store)
        except Exception:
            # Backends differ in what a missing object raises (FileNotFoundError, botocore's
            # ClientError ...): ask the store. Anything else is an outage, not a finding.
            if _is_missing(store, stored.name):
                report.missing.append(stored)
                continue
            raise
        report.verified += 1
        if actual != stored.sha256:
            report.changed.append(stored)
    return report
