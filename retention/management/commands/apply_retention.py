"""Remove what the retention periods say is due (run daily; see docs/privacy.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from retention.services import apply_retention


class Command(BaseCommand):
    help = "Remove personal data whose retention period is over, and warn students a month ahead."

    def handle(self, *args: Any, **options: Any) -> None:
        for name, number in apply_retention().items():
            self.stdout.write(f"{name}: {number}")
