"""Create the demo seal certificate that `make run` signs demo diplomas with (demo/seal.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from demo.seal import create_demo_seal


class Command(BaseCommand):
    help = "Create a demo CA and seal certificate in DIRECTORY, unless one is already there."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["directory"]
        if (directory / "seal.p12").exists():
            self.stdout.write(f"The demo seal in {directory} is kept.")
            return
        demo = create_demo_seal(directory, settings.CIL_INSTITUTION_NAME)
        self.stdout.write(
            f"Demo seal certificate written to {demo.p12} (trust root: {demo.ca_pem})."
        )
