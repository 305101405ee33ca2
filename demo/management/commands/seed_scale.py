from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo import scale


class Command(BaseCommand):
    help = "Generate a large, reproducible data set for the benchmark (never on a real database)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--students", type=int, default=20000)
        parser.add_argument(
            "--programmes",
            type=int,
            default=None,
            help="Default: one per 500 students, at least 40.",
        )
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_scale only runs with DJANGO_DEBUG=true: it fills the database."
            )
        started = time.monotonic()
        verbose = options["verbosity"] > 1
        result = scale.seed(
            students=options["students"],
            programmes=options["programmes"],
            seed=options["seed"],
            log=(lambda message: self.stderr.write(message)) if verbose else None,
        )
        took = time.monotonic() - started
        self.stdout.write(
            f"{result.programmes} programmes, {result.students} students, "
            f"{result.entries} entries, {result.diplomas} diplomas, "
            f"{result.share_links} share links, {result.confirmations} confirmations, "
            f"{result.staff_accesses} staff accesses, {result.sessions} sessions, "
            f"{result.session_signups} session sign-ups, {result.audit_events} audit events "
            f"in {took:.1f} s"
        )
