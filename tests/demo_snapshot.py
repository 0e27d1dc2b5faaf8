"""The demo data set for tests, loaded once per session and replayed as rows afterwards.

``load_demo()`` goes through every service (validation, history, rollup) and takes seconds; most
tests only need its rows. The first test that asks for the demo runs the real loader and records
the rows it inserted, table by table; later tests insert those same rows (same ids, one
``executemany`` per table) and reset the sequences. The replay is only used when it is exact:

- at recording, every row that existed before the loader is unchanged after it (the loader
  only inserted) — otherwise every test runs the real loader;
- at replay, the tables hold exactly the rows they held before the recorded load (no fixture
  created rows first) — otherwise that test runs the real loader.
"""

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction

from core.demo import load_demo

_state = {"recorded": None, "disabled": False}


def _tables():
    """(model, table, pk column) for every concrete model with a table, history included."""
    existing = set(connection.introspection.table_names())
    seen = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table not in existing:
            continue
        seen.setdefault(meta.db_table, (model, meta.db_table, meta.pk.column))
    return list(seen.values())


def _rows(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
        columns = [c[0] for c in cursor.description]
        return columns, cursor.fetchall()


def _keyed(table, pk):
    columns, rows = _rows(table)
    at = columns.index(pk)
    return columns, {row[at]: row for row in rows}


def _snapshot():
    return {table: _keyed(table, pk) for _, table, pk in _tables()}


def _adapt(value):
    if connection.vendor == "postgresql" and isinstance(value, dict | list):
        from psycopg.types.json import Jsonb

        return Jsonb(value)
    return value


def _record():
    before = _snapshot()
    load_demo(reorganise=False)
    after = _snapshot()
    inserted = []
    for table, (_columns, old) in before.items():
        new_columns, new = after[table]
        if any(new.get(pk) != row for pk, row in old.items()):
            return None, None  # the loader changed or deleted a row it found: no replay
        added = [row for pk, row in new.items() if pk not in old]
        if added:
            inserted.append((table, new_columns, added))
    baseline = {table: set(old) for table, (_, old) in before.items()}
    return baseline, inserted


def _replay(baseline, inserted) -> bool:
    pk_of = {table: pk for _, table, pk in _tables()}
    touched = {table for table, _, _ in inserted}
    for table in touched:
        if set(_keyed(table, pk_of[table])[1]) != baseline[table]:
            return False  # rows were created before the demo: the recorded ids may collide
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for table, columns, rows in inserted:
            marks = ", ".join(["%s"] * len(columns))
            names = ", ".join(quote(c) for c in columns)
            cursor.executemany(
                f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})",
                [[_adapt(v) for v in row] for row in rows],
            )
        models = [m for m, t, _ in _tables() if t in touched]
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
    return True


def load_demo_for_test() -> None:
    """Put the demo data set into the test database: recorded rows when exact, else the loader."""
    if _state["disabled"]:
        load_demo(reorganise=False)
        return
    if _state["recorded"] is None:
        baseline, inserted = _record()
        if baseline is None:
            _state["disabled"] = True
        else:
            _state["recorded"] = (baseline, inserted)
        return
    if not _replay(*_state["recorded"]):
        load_demo(reorganise=False)
