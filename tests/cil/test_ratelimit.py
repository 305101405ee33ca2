"""The public pages' rate limit holds under simultaneous requests, with the database cache that
production uses by default (the suite's own cache is in memory)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client, override_settings
from django.urls import reverse

from certificates.upcoming import upcoming
from cil import ratelimit
from tests.cil.test_settings import production_setting
from tests.factories import ProgrammeFactory

TABLE = "cil_test_concurrent_cache"
DATABASE_CACHE = {"default": {"BACKEND": "cil.cache.DatabaseCache", "LOCATION": TABLE}}


@contextmanager
def _cache_in_own_table(config: Mapping[str, object]) -> Iterator[None]:
    with override_settings(CACHES={"default": {**config, "LOCATION": TABLE}}):
        call_command("createcachetable", verbosity=0)
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


@pytest.fixture
def database_cache(transactional_db: None) -> Iterator[None]:
    with _cache_in_own_table(DATABASE_CACHE["default"]):
        yield


def test_sixty_simultaneous_lookups_get_exactly_the_limit(
    database_cache: None, settings, monkeypatch
) -> None:
    settings.CIL_VERIFY_RATE_PER_MINUTE = 30
    monkeypatch.setattr(ratelimit, "_now", lambda: 1_800_000_010.0)  # one and the same minute
    start = threading.Barrier(60)
    statuses: list[int] = []
    lock = threading.Lock()

    def look_up(i: int) -> None:
        try:
            client = Client()
            start.wait(timeout=30)
            status = client.get(reverse("certificates:verify", args=[f"code{i}"])).status_code
            with lock:
                statuses.append(status)
        finally:
            connections.close_all()  # each thread had its own database connection

    threads = [threading.Thread(target=look_up, args=(i,)) for i in range(60)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert Counter(statuses) == {404: 30, 429: 30}


def test_the_database_cache_counts_up_from_what_add_left(database_cache: None) -> None:
    assert cache.add("counter", 0, timeout=90)
    assert not cache.add("counter", 5, timeout=90)
    assert [cache.incr("counter") for _ in range(3)] == [1, 2, 3]
    assert cache.incr("counter", 10) == 13
    with pytest.raises(ValueError):
        cache.incr("missing-counter")


def test_a_database_cache_url_gives_the_counting_database_cache() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.CACHES)"],
        env={**os.environ, "CACHE_URL": "dbcache://cil_cache"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert "'BACKEND': 'cil.cache.DatabaseCache'" in result.stdout


def test_the_database_cache_counts_a_window_in_one_locked_read_and_one_write(
    database_cache: None, django_assert_max_num_queries
) -> None:
    assert cache.count_up("window", timeout=90) == 1  # type: ignore[attr-defined]
    with django_assert_max_num_queries(4):  # savepoint, select for update, update, release
        assert cache.count_up("window", timeout=90) == 2  # type: ignore[attr-defined]
    assert cache.get("window") == 2
    assert cache.incr("window") == 3  # the same format as add and incr
    assert cache.count_up("window", timeout=90) == 4  # type: ignore[attr-defined]


def test_an_expired_window_counts_from_one_again(database_cache: None) -> None:
    assert cache.add("old-window", 7, timeout=90)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET expires = '2000-01-01T00:00Z'")  # noqa: S608
    assert cache.count_up("old-window", timeout=90) == 1  # type: ignore[attr-defined]
    assert cache.get("old-window") == 1  # alive again, with the new lifetime


def test_starting_a_new_window_clears_expired_entries(database_cache: None) -> None:
    """Each window is a new key, so counting must not leave the old ones behind for ever:
    the table would grow with every client and minute (Django's own culling runs only on
    set and add)."""
    for n in range(5):
        assert cache.add(f"gone-{n}", n, timeout=90)
    assert cache.add("alive", 1, timeout=900)
    with connection.cursor() as cursor:
        past = f"UPDATE {TABLE} SET expires = '2000-01-01T00:00Z' WHERE cache_key LIKE %s"  # noqa: S608
        cursor.execute(past, ["%gone-%"])
    assert cache.count_up("new-window", timeout=90) == 1  # type: ignore[attr-defined]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key FROM {TABLE}")  # noqa: S608
        keys = sorted(row[0] for row in cursor.fetchall())
    assert [k.rsplit(":", 1)[-1] for k in keys] == ["alive", "new-window"]


@pytest.fixture
def production_database_cache(transactional_db: None) -> Iterator[None]:
    """The default cache as the settings make it from the default CACHE_URL (the suite's own
    environment names a cache in memory), in a table of the test's own."""
    config = production_setting("settings.CACHES['default']", CACHE_URL="dbcache://cil_cache")
    assert config["BACKEND"] == "cil.cache.DatabaseCache"
    with _cache_in_own_table(config):
        yield


def test_a_counter_outlasts_every_programme_s_session_list(
    production_database_cache: None, monkeypatch
) -> None:
    """At national scale the shared cache holds a list of upcoming sessions for each of 400
    programmes. Django's database cache keeps 300 entries unless told otherwise, and past that
    it drops a third of them, the lowest keys first: the rate limit's counters (``rl:…``)
    would go, and a client's count start again within its minute."""
    monkeypatch.setattr(ratelimit, "_now", lambda: 1_800_000_010.0)  # one and the same minute
    assert ratelimit.count("verify", "192.0.2.1") == 1
    for programme in ProgrammeFactory.create_batch(400):
        upcoming(programme.pk)
    assert ratelimit.count("verify", "192.0.2.1") == 2
