"""The database connection as the portal sets it up on PostgreSQL (cil/settings.py)."""

from __future__ import annotations

import pytest
from django.db import connection

from cil.models import User
from tests.cil.test_settings import production_setting


@pytest.mark.django_db
def test_a_statement_sent_often_is_prepared_and_its_plan_kept() -> None:
    # The values go apart from the statement (server-side binding), so each look-up sends the
    # same text; psycopg prepares it on its fifth use and PostgreSQL keeps its plan.
    users = [User.objects.create(email=f"person{n}@uni.example") for n in range(6)]
    for user in users:
        assert User.objects.filter(pk=user.pk).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "cil_user"' in statement for statement in prepared), prepared


def _database_options(**env: str) -> dict[str, object]:
    """The database options the settings make with the production environment and ``env``."""
    options: dict[str, object] = production_setting(
        "settings.DATABASES['default'].get('OPTIONS', {})",
        **{"DATABASE_URL": "postgres://cil@db.uni.example/cil", **env},
    )
    return options


def test_prepared_statements_are_on_by_default_and_can_be_turned_off() -> None:
    assert _database_options() == {"server_side_binding": True, "prepare_threshold": 5}
    # Behind a pooler in transaction mode that cannot keep them.
    assert _database_options(DATABASE_PREPARED_STATEMENTS="false") == {}
