"""Django's database cache with a counter that two processes cannot both miss.

Django's ``DatabaseCache`` inherits ``incr`` from the base class, which reads the value and
writes it back: two requests at the same moment both read 7 and both write 8, so a rate limit
kept in it lets through more than it should (sixty simultaneous look-ups got thirty-seven
answers for a limit of thirty). Here the row is locked for the read and the write, so each
``incr`` sees the one before. ``add`` needs no change: the table's primary key lets only one
of two simultaneous inserts succeed.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends import db
from django.db import connections, router, transaction


class DatabaseCache(db.DatabaseCache):
    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        stored_key = self.make_and_validate_key(key, version=version)
        alias = router.db_for_write(self.cache_model_class)
        connection = connections[alias]
        quote = connection.ops.quote_name
        table_name: str = self._table  # type: ignore[attr-defined]  # set by BaseDatabaseCache; not in django-stubs
        table, cache_key, expires = quote(table_name), quote("cache_key"), quote("expires")
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            # Only quoted identifiers are formatted in; the key goes as a parameter.
            cursor.execute(
                f"SELECT {expires} FROM {table} WHERE {cache_key} = %s{lock}",  # noqa: S608  # nosec B608
                [stored_key],
            )
            row = cursor.fetchone()
            value = super().incr(key, delta, version=version)  # raises ValueError if absent
            # The base class writes the new value with the default timeout; a counter keeps the
            # lifetime it was added with, as it does in Redis or Memcached.
            cursor.execute(
                f"UPDATE {table} SET {expires} = %s WHERE {cache_key} = %s",  # noqa: S608  # nosec B608
                [row[0], stored_key],
            )
        return value
