"""The portal's database cache (cil/cache.py) on PostgreSQL: a write is one statement, with
Django's meaning of set and add, and the table is kept to its size every few seconds rather
than counted before every write."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from cil import cache as cil_cache
from tests.cil.test_ratelimit import DATABASE_CACHE, TABLE, _cache_in_own_table


class Clock:
    """The clock of cil.cache's checks, moved by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    moved = Clock()
    monkeypatch.setattr(cil_cache, "_clock", moved, raising=False)
    return moved


@pytest.fixture
def small_cache(transactional_db: None, clock: Clock) -> Iterator[None]:
    """The database cache in a table of the test's own, keeping at most 10 entries."""
    with _cache_in_own_table({**DATABASE_CACHE["default"], "OPTIONS": {"MAX_ENTRIES": 10}}):
        yield


def _keys() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key FROM {TABLE} ORDER BY cache_key")  # noqa: S608
        return [row[0].rsplit(":", 1)[-1] for row in cursor.fetchall()]


def _expire(pattern: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET expires = '2000-01-01T00:00Z' WHERE cache_key LIKE %s",  # noqa: S608
            [f"%:{pattern}"],
        )


def test_a_write_is_one_statement_and_does_not_count_the_table(small_cache: None) -> None:
    """Django's database cache counts the whole table before every set and add (four
    statements and a transaction around the write); at 90,000 entries the count alone made a
    write cost 4.2 ms."""
    cache.set("first", 1)  # this thread's first write clears and counts the table
    with CaptureQueriesContext(connection) as writes:
        cache.set("home", {"entries": [1, 2, 3]}, 600)
        cache.set("home", {"entries": [1, 2]}, 600)
        assert cache.add("lock", True, 60)
        assert not cache.add("lock", False, 60)
    statements = [query["sql"] for query in writes.captured_queries]
    assert len(statements) == 4, statements
    assert not [sql for sql in statements if "COUNT(" in sql.upper()]


def test_set_and_add_mean_what_they_mean_in_django(small_cache: None) -> None:
    value = {"name": "Kari Nordmann", "when": datetime.date(2026, 12, 1), "bytes": b"\x00\xff"}
    cache.set("page", value, 600)
    assert cache.get("page") == value
    cache.set("page", "again", 600)  # set replaces
    assert cache.get("page") == "again"

    assert cache.add("token", "first", 600)  # add stores what is not there
    assert not cache.add("token", "second", 600)  # and leaves what is
    assert cache.get("token") == "first"
    _expire("token")
    assert cache.add("token", "third", 600)  # an expired entry counts as not there
    assert cache.get("token") == "third"

    cache.set("for-ever", 1, None)
    cache.set("gone-at-once", 1, 0)
    assert cache.get("for-ever") == 1
    assert cache.get("gone-at-once") is None
    assert cache.touch("for-ever", 60)  # Django's own touch, unchanged
    assert cache.get("for-ever") == 1


def test_expired_entries_go_and_the_table_is_culled_every_few_seconds(
    small_cache: None, clock: Clock
) -> None:
    cache.set("first", 0)
    for n in range(20):  # within one check's interval the table may pass its 10
        cache.set(f"key-{n:02d}", n, 600)
    _expire("key-1%")  # key-10 … key-19
    assert len(_keys()) == 21

    clock.now += cil_cache.DatabaseCache.CULL_CHECK_SECONDS - 1
    cache.set("still-within", 1, 600)
    assert len(_keys()) == 22  # not yet

    clock.now += 1
    cache.set("after", 1, 600)
    keys = _keys()
    assert not [key for key in keys if key.startswith("key-1")]  # the expired entries went
    # 12 were left, over 10: Django's cull drops a third of them (4), the lowest keys first
    # (first, key-00, key-01, key-02), and the write is stored after it.
    assert keys == ["after", *(f"key-{n:02d}" for n in range(3, 10)), "still-within"]


def test_the_check_waits_for_a_write_outside_a_transaction(small_cache: None, clock: Clock) -> None:
    """Rows deleted inside a transaction stay locked until it ends, and another thread's
    check would wait for them."""
    cache.set("first", 0)
    cache.set("old", 1, 600)
    _expire("old")
    clock.now += cil_cache.DatabaseCache.CULL_CHECK_SECONDS
    with transaction.atomic(), CaptureQueriesContext(connection) as inside:
        cache.set("inside", 1, 600)
    assert not [q for q in inside.captured_queries if "DELETE" in q["sql"]]
    assert "old" in _keys()
    cache.set("outside", 1, 600)
    assert "old" not in _keys()
