"""Give diplomas issued before verifiable credentials existed their status list entry and their
signed credential, once (a second run finds nothing to do). Run after upgrading."""

from __future__ import annotations

from typing import Any

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q

from certificates import credential, status_list
from certificates.models import Diploma


class Command(BaseCommand):
    help = (
        "Give older diplomas their place in the revocation status list and their signed Open "
        "Badges credential (revoked ones are marked revoked in the list)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        missing = Diploma.objects.filter(Q(status_list__isnull=True) | Q(credential=""))
        done = 0
        for pk in missing.order_by("pk").values_list("pk", flat=True).iterator():
            stored = ""
            try:
                with transaction.atomic():
                    diploma = Diploma.objects.select_for_update().get(pk=pk)
                    if diploma.status_list_id is None:
                        status_list.allocate(diploma)
                        if diploma.revoked_at is not None:
                            status_list.revoke(diploma)
                    if not diploma.credential:
                        stored = credential.issue(diploma)
            except BaseException:
                if stored:
                    default_storage.delete(stored)
                raise
            done += 1
        self.stdout.write(f"{done} diplomas given a status entry and a credential.")
