"""Rotate the issuer's credential key: the old one is retired, not deleted."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cil.vc import keys


class Command(BaseCommand):
    help = (
        "Retire the current credential signing key (its public key stays in the DID document, "
        "so credentials it signed still verify) and create a new one."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            old, new = keys.rotate_key()
        except keys.KeyConfigurationError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Retired {keys.verification_method(old)}")
        self.stdout.write(f"Created {keys.verification_method(new)}")
