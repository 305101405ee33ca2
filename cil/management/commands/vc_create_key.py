"""Create the issuer's Ed25519 key for verifiable credentials (in CIL_VC_KEYS_DIR)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cil.vc import keys


class Command(BaseCommand):
    help = "Create the credential signing key in CIL_VC_KEYS_DIR (refuses if one exists)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Do nothing if a key exists (for `make run`).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_missing"] and (keys.keys_dir() / keys.CURRENT).exists():
            return
        try:
            multikey = keys.create_key()
        except keys.KeyConfigurationError as error:
            raise CommandError(str(error)) from error
        # The public key only: the private key never leaves its file.
        self.stdout.write(f"Created {keys.verification_method(multikey)}")
