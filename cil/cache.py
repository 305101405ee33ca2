"""Django's database cache with a counter that two processes cannot both miss.

Django's ``DatabaseCache`` inherits ``incr`` from the base class, which reads the value and
writes it back: two requests at the same moment both read 7 and both write 8, so a rate limit
kept in it lets through more than it should (sixty simultaneous look-ups got thirty-seven
answers for a limit of thirty). Here the row is locked for the read and the write, so each
``incr`` sees the one before. ``add`` needs no change: the table's primary key lets only one
of two simultaneous inserts succeed.

``count_up`` is the rate limit's "add 0, then add 1" in one locked read and one write, rather
than the dozen statements (two of them counting the whole table) that ``add`` and ``incr`` take.
Starting a new window also clears the expired entries, as Django's culling would.

On PostgreSQL a ``set`` or ``add`` is one upsert. Django counts the whole table before each of
them, to cull it past ``MAX_ENTRIES``: at national scale the table holds tens of thousands of
entries (a student's home is two of them), and at 90,000 rows that count made every write cost
3.4-4.2 ms instead of about 0.1 (``tests/cil/test_cache.py`` holds the number of statements). Here a
thread clears the expired entries and counts the table at most every
``CULL_CHECK_SECONDS``, and culls it as Django does when it is over ``MAX_ENTRIES``.
"""

from __future__ import annotations

import base64
import pickle  # nosec B403 - the cache's own format, in its own table, as Django's backend
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache.backends import db
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.db import connections, router, transaction
from django.utils import timezone


def _clock() -> float:
    """The clock of the checks below (tests move it)."""
    return time.monotonic()


class DatabaseCache(db.DatabaseCache):
    # How often at most a thread clears the expired entries and counts the table (Django: at
    # every write). Between two counts the table may pass MAX_ENTRIES by that thread's writes.
    CULL_CHECK_SECONDS = 10.0

    def __init__(self, table: str, params: dict[str, Any]) -> None:
        super().__init__(table, params)
        # Each thread has its own instance of the backend (django.core.cache.caches).
        self._checked_at: float | None = None

    def _names(self, connection: Any) -> tuple[str, str, str, str]:
        """The table and its columns (key, value, expiry), quoted for ``connection``. Only these
        are formatted into the SQL below; keys and values go as parameters."""
        quote = connection.ops.quote_name
        table_name: str = self._table  # type: ignore[attr-defined]  # set by BaseDatabaseCache; not in django-stubs
        return quote(table_name), quote("cache_key"), quote("value"), quote("expires")

    def _clear_expired(self, connection: Any, cursor: Any, now: datetime) -> None:
        """Delete the expired entries (the expiry column's index finds them)."""
        table, _key, _value, expires = self._names(connection)
        cursor.execute(
            f"DELETE FROM {table} WHERE {expires} < %s",  # noqa: S608  # nosec B608
            [connection.ops.adapt_datetimefield_value(now)],
        )

    def _base_set(self, mode: str, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT) -> bool:
        alias = router.db_for_write(self.cache_model_class)
        connection = connections[alias]
        if mode == "touch" or connection.vendor != "postgresql":
            return bool(super()._base_set(mode, key, value, timeout))  # type: ignore[misc]  # not in django-stubs
        expiry = self.get_backend_timeout(timeout)
        # As Django's own _base_set: whole seconds; no timeout, the end of time.
        if expiry is None:
            until = datetime.max
        else:
            until = datetime.fromtimestamp(expiry, tz=UTC if settings.USE_TZ else None)
        until = until.replace(microsecond=0)
        now = timezone.now().replace(microsecond=0)
        table, cache_key, stored, expires = self._names(connection)
        adapt = connection.ops.adapt_datetimefield_value
        upsert = (
            f"INSERT INTO {table} ({cache_key}, {stored}, {expires}) VALUES (%s, %s, %s) "  # noqa: S608  # nosec B608
            f"ON CONFLICT ({cache_key}) DO UPDATE "
            f"SET {stored} = EXCLUDED.{stored}, {expires} = EXCLUDED.{expires}"
        )
        params = [key, self._encode(value), adapt(until)]
        if mode == "add":  # only over an entry that has expired
            upsert += f" WHERE {table}.{expires} < %s"
            params.append(adapt(now))
        with connection.cursor() as cursor:
            self._cull_now_and_then(alias, cursor, now)
            cursor.execute(upsert, params)
            return bool(cursor.rowcount == 1)

    def _cull_now_and_then(self, alias: str, cursor: Any, now: datetime) -> None:
        """Every CULL_CHECK_SECONDS: clear the expired entries, count the rest, and cull as
        Django does (the lowest keys first) if there are more than MAX_ENTRIES. Not inside a
        transaction (a write from a workflow's signal): the deleted rows would stay locked
        until it ends, and another thread's check would wait for it; the next write outside
        one checks."""
        clock = _clock()
        if self._checked_at is not None and clock - self._checked_at < self.CULL_CHECK_SECONDS:
            return
        connection = connections[alias]
        if connection.in_atomic_block:
            return
        self._checked_at = clock
        self._clear_expired(connection, cursor, now)
        table = self._names(connection)[0]
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608  # nosec B608
        (count,) = cursor.fetchone()
        if count > self._max_entries:
            self._cull(alias, cursor, now, count)  # type: ignore[attr-defined]

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        stored_key = self.make_and_validate_key(key, version=version)
        alias = router.db_for_write(self.cache_model_class)
        connection = connections[alias]
        table, cache_key, _value, expires = self._names(connection)
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

    def count_up(self, key: Any, timeout: int) -> int:
        """``add(key, 0, timeout)`` then ``incr(key)``, atomically: the count so far.

        A live counter keeps the lifetime it was added with; an absent or expired one starts
        at 1 with ``timeout``. Two processes at once: the row lock (or, for a new key, the
        primary key) makes one wait for the other, so each sees the count before it.
        """
        stored_key = self.make_and_validate_key(key)
        alias = router.db_for_write(self.cache_model_class)
        connection = connections[alias]
        table, cache_key, value, expires = self._names(connection)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        now = timezone.now().replace(microsecond=0)
        if not settings.USE_TZ:
            now = timezone.make_naive(now, UTC)
        until = now + timedelta(seconds=timeout)
        adapt = connection.ops.adapt_datetimefield_value
        select = f"SELECT {value}, {expires} < %s FROM {table} WHERE {cache_key} = %s{lock}"  # noqa: S608  # nosec B608
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            cursor.execute(select, [adapt(now), stored_key])
            row = cursor.fetchone()
            if row is None:
                cursor.execute(
                    f"INSERT INTO {table} ({cache_key}, {value}, {expires}) VALUES (%s, %s, %s) "  # noqa: S608  # nosec B608
                    "ON CONFLICT DO NOTHING",
                    [stored_key, self._encode(1), adapt(until)],
                )
                if cursor.rowcount == 1:
                    # A new window (a new key): clear the expired entries here, since
                    # Django's culling runs only on set and add and the windows would pile
                    # up.
                    self._clear_expired(connection, cursor, now)
                    return 1
                # Another process added it a moment ago: count on from its count.
                cursor.execute(select, [adapt(now), stored_key])
                row = cursor.fetchone()
            stored, expired = row
            if expired:
                count = 1
                cursor.execute(
                    f"UPDATE {table} SET {value} = %s, {expires} = %s WHERE {cache_key} = %s",  # noqa: S608  # nosec B608
                    [self._encode(count), adapt(until), stored_key],
                )
            else:
                count = int(pickle.loads(base64.b64decode(stored.encode()))) + 1  # noqa: S301  # nosec B301 - written by this cache
                cursor.execute(
                    f"UPDATE {table} SET {value} = %s WHERE {cache_key} = %s",  # noqa: S608  # nosec B608
                    [self._encode(count), stored_key],
                )
        return count

    def _encode(self, value: Any) -> str:
        """A value as Django's database cache stores it (pickled, then base64)."""
        return base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
