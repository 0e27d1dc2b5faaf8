"""SQLite writers take turns first come first served (config.sqlite3.base)."""

import threading
import time

import pytest
from django.db import OperationalError, connection

from config.sqlite3.base import DatabaseWrapper, _Turns


def test_turns_are_handed_over_in_arrival_order():
    turns = _Turns()
    assert turns.take(1)
    order, started = [], []

    def wait(name):
        started.append(name)
        assert turns.take(5)
        order.append(name)
        turns.give()

    threads = []
    for name in "abc":
        thread = threading.Thread(target=wait, args=(name,))
        thread.start()
        threads.append(thread)
        while len(started) < len(threads) or len(turns._waiting) < len(threads):
            time.sleep(0.001)  # each one queued before the next arrives
    turns.give()
    for thread in threads:
        thread.join(5)
    assert order == ["a", "b", "c"]
    assert turns.take(0.01)  # free again


def test_a_turn_not_given_in_time_is_refused():
    turns = _Turns()
    assert turns.take(1)
    assert not turns.take(0.05)
    assert not turns._waiting  # the refused one left the queue
    turns.give()
    assert turns.take(0.01)


def _wrapper(path, timeout):
    settings = {**connection.settings_dict, "NAME": str(path), "OPTIONS": {
        "timeout": timeout, "transaction_mode": "IMMEDIATE"}}  # fmt: skip
    settings.setdefault("TEST", {})
    return DatabaseWrapper(settings, alias=f"turns-{path.name}-{timeout}")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
def test_a_second_writer_waits_for_the_first_and_gives_up_after_the_timeout(
    tmp_path, django_db_blocker
):
    with django_db_blocker.unblock():
        _second_writer_waits(tmp_path)


def _second_writer_waits(tmp_path):
    first = _wrapper(tmp_path / "t.sqlite3", 5)
    try:
        with first.cursor() as cursor:
            cursor.execute("CREATE TABLE t (x integer)")
        assert (tmp_path / "t.sqlite3-turn").exists()
        first.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
        with first.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (1)")
        refused = []

        def write():
            second = _wrapper(tmp_path / "t.sqlite3", 0.2)  # its own thread's connection
            try:
                second.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
            except OperationalError as error:
                refused.append(str(error))
            finally:
                second.close()

        thread = threading.Thread(target=write)
        began = time.perf_counter()
        thread.start()
        thread.join(5)
        assert refused == ["database is locked"] and time.perf_counter() - began >= 0.2
        first.commit()
        first.set_autocommit(True)
        later = _wrapper(tmp_path / "t.sqlite3", 0.2)
        later.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
        with later.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM t")
            assert cursor.fetchone() == (1,)
        later.rollback()
        later.close()
    finally:
        first.close()
