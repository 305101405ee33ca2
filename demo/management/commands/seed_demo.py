from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo import seed


class Command(BaseCommand):
    help = "Create demo programmes and accounts for every role (development only; idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo only runs with DJANGO_DEBUG=true: it creates accounts with a "
                "published password."
            )
        accounts = seed.seed()
        self.stdout.write(self.style.SUCCESS("Demo data is in place. Log in with:"))
        width = max(len(a.email) for a in accounts)
        for account in accounts:
            self.stdout.write(f"  {account.email.ljust(width)}  {account.description}")
        self.stdout.write(f"Password for every demo account: {seed.DEMO_PASSWORD}")
        self.stdout.write(
            "Staff accounts also ask for a code from an authenticator app with the secret "
            f"{seed.DEMO_TOTP_SECRET} (e.g. `oathtool --totp -b {seed.DEMO_TOTP_SECRET}`)."
        )
