"""Lean bulk inserts for imports: thousands of rows in a few statements, with their history.

Django's ``bulk_create`` (and simple-history's ``bulk_create_with_history`` over it) builds a
model instance per row and prepares every value through its field: about 70 µs a row, so a
20 000-member list (members, records and a history row for each: 80 000 rows) spends 6 s
there, five times the parse of the file. The rows an import writes are already checked and
clean, so here they are plain dicts of attribute values, adapted once per column type and sent
in bulk: COPY on PostgreSQL, ``executemany`` of one prepared INSERT on SQLite.

``insert(model, rows, returning=True)`` gives the new primary keys in the order of ``rows``:
PostgreSQL reserves them from the table's sequence first (one query); SQLite, which lets one
writer at a time into the file, numbers them on from the first row's key, and the count is
checked after. Must run inside ``transaction.atomic`` (all or nothing, and SQLite's write lock
held from the first row to the commit).

``insert_history(model, rows, ids)`` writes the "+" history rows simple-history would write
on save: same fields, same user (the request's or ``accounts.audit.acting_as``'s), the
command's name as the reason for a system actor (``accounts.audit.name_the_command``).

Nothing here checks rights or data: the write services do, before calling it.
"""

import datetime
import uuid
from operator import itemgetter

from django.db import connection, models, transaction
from django.utils import timezone


def _adapter(field):
    """(value -> database value, for a clean value of this field (None stays None); whether
    equal values adapt alike, so each distinct one is adapted once), or None when the value
    goes as it is (text, numbers, booleans, keys)."""
    ops, vendor = connection.ops, connection.vendor
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value, True
    if isinstance(field, models.DateField):
        return None if vendor == "postgresql" else (datetime.date.isoformat, True)
    if isinstance(field, models.UUIDField):
        return None if vendor == "postgresql" else ((lambda v: uuid.UUID(str(v)).hex), True)
    if isinstance(field, models.JSONField | models.DecimalField | models.TimeField):
        return (lambda v: field.get_db_prep_save(v, connection)), False
    return None


def _columns(model, *, with_pk: bool):
    fields = []
    for field in model._meta.concrete_fields:
        if field.primary_key and not with_pk:
            continue
        fields.append(field)
    return fields


def _complete(fields, rows: list[dict], now) -> None:
    """Fill in, in place, every field a row does not give: its default (auto_now: now)."""
    for field in fields:
        name = field.attname
        missing = [row for row in rows if name not in row]
        if not missing:
            continue
        if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
            default = now
        elif field.has_default() and callable(field.default):
            for row in missing:
                row[name] = field.get_default()
            continue
        else:
            default = field.get_default()  # "" for text, None for nullable fields
        for row in missing:
            row[name] = default


def _adapted(fields, values: list[tuple]) -> list[tuple]:
    """The rows' values as the database takes them: column by column, each distinct date or
    timestamp adapted once (an import's rows share a few)."""
    adapters = [(at, _adapter(field)) for at, field in enumerate(fields)]
    adapters = [(at, found) for at, found in adapters if found is not None]
    if not adapters or not values:
        return values
    columns = list(zip(*values, strict=True))
    for at, (adapt, by_value) in adapters:
        column = columns[at]
        if by_value:
            table = {value: adapt(value) for value in set(column) if value is not None}
            table[None] = None
            columns[at] = list(map(table.__getitem__, column))
        else:
            columns[at] = [None if value is None else adapt(value) for value in column]
    return list(zip(*columns, strict=True))


def _tuples(fields, rows: list[dict]) -> list[tuple]:
    names = [field.attname for field in fields]
    if len(names) == 1:
        values = [(row[names[0]],) for row in rows]
    else:
        values = list(map(itemgetter(*names), rows))
    return _adapted(fields, values)


def _reserve_ids(table: str, pk_column: str, n: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk_column, n],
        )
        return [row[0] for row in cursor.fetchall()]


def insert(model, rows: list[dict], *, returning: bool = False) -> list[int] | None:
    """Insert rows (dicts of attname -> clean value) into model's table; their new keys in
    order with ``returning``. Each dict is completed in place with the defaults of the fields
    it does not give (what was written, for ``insert_history``). No model instances, no
    signals, no save()."""
    if not rows:
        return [] if returning else None
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError("core.bulk.insert needs an atomic block")
    fields = _columns(model, with_pk=False)
    _complete(fields, rows, timezone.now())
    return _write(model, fields, _tuples(fields, rows), returning=returning)


def _write(model, fields, values: list[tuple], *, returning: bool) -> list[int] | None:
    """values (adapted, in the order of fields, the primary key left out) into model's table."""
    meta = model._meta
    table, pk = meta.db_table, meta.pk
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        ids = _reserve_ids(table, pk.column, len(values)) if returning else None
        names = [f.column for f in fields]
        if returning:
            names.insert(0, pk.column)
            values = [(key, *row) for key, row in zip(ids, values, strict=True)]
        cols = ", ".join(quote(name) for name in names)
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {quote(table)} ({cols}) FROM STDIN") as copy:
                write = copy.write_row
                for row in values:
                    write(row)
        return ids
    cols = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(table)} ({cols}) VALUES ({marks})"
    with connection.cursor() as cursor:
        # The first row takes SQLite's write lock (held to the commit): the others follow it
        # in key order with no other writer in between.
        cursor.execute(sql, values[0])
        first = cursor.lastrowid
        if len(values) > 1:
            cursor.executemany(sql, values[1:])
        if not returning:
            return None
        cursor.execute(
            f"SELECT COUNT(*), MAX({quote(pk.column)}) FROM {quote(table)} "
            f"WHERE {quote(pk.column)} >= %s",
            [first],
        )
        count, last = cursor.fetchone()
    if count != len(values) or last != first + len(values) - 1:
        raise RuntimeError(f"core.bulk.insert: keys of {table} not consecutive")
    return list(range(first, first + len(values)))


def update(model, rows: list[dict], fields: list[str]) -> None:
    """Set these fields (attnames) of existing rows, given by their pk in each dict: one
    prepared UPDATE run over all of them (no CASE over every row, no model instances)."""
    if not rows:
        return
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError("core.bulk.update needs an atomic block")
    meta, quote = model._meta, connection.ops.quote_name
    chosen = [meta.get_field(name) for name in fields]
    pk = meta.pk
    values = _tuples([*chosen, pk], rows)
    table = quote(meta.db_table)
    if connection.vendor == "postgresql" and len({row[-1] for row in values}) == len(values):
        # One statement per thousand rows: UPDATE … FROM (VALUES …), each value typed by the
        # first row's casts (a column of NULLs would otherwise be text).
        sets = ", ".join(f"{quote(f.column)} = v.c{at}" for at, f in enumerate(chosen))
        names = ", ".join(f"c{at}" for at in range(len(chosen) + 1))
        typed = ", ".join(f"CAST(%s AS {f.db_type(connection)})" for f in [*chosen, pk])
        plain = ", ".join(["%s"] * (len(chosen) + 1))
        with connection.cursor() as cursor:
            for at in range(0, len(values), 1000):
                chunk = values[at : at + 1000]
                rows_sql = ", ".join([f"({typed})"] + [f"({plain})"] * (len(chunk) - 1))
                cursor.execute(
                    f"UPDATE {table} AS t SET {sets} FROM (VALUES {rows_sql}) AS v({names}) "
                    f"WHERE t.{quote(pk.column)} = v.c{len(chosen)}",
                    [value for row in chunk for value in row],
                )
        return
    sets = ", ".join(f"{quote(f.column)} = %s" for f in chosen)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {sets} WHERE {quote(pk.column)} = %s", values)


def history_user_and_reason(model):
    """(user id or None, change reason or None) simple-history would give a save just now."""
    from simple_history.models import HistoricalRecords

    history = getattr(model, model._meta.simple_history_manager_attribute).model
    user = history.get_default_history_user(object())
    command = getattr(HistoricalRecords.context, "system_command", None)
    return (getattr(user, "pk", None), f"lệnh {command}"[:100] if command else None)


def insert_history(model, rows: list[dict], ids: list[int], history_type: str = "+") -> None:
    """The history row of each new ("+") or changed ("~") row: simple-history's fields and
    attribution. rows: the rows' values by attname (as written)."""
    if not rows:
        return
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError("core.bulk.insert needs an atomic block")
    history = getattr(model, model._meta.simple_history_manager_attribute).model
    user_id, reason = history_user_and_reason(model)
    now = timezone.now()
    tracked = {f.attname for f in history.tracked_fields}
    pk = model._meta.pk.attname
    extra = {
        "history_date": now,
        "history_change_reason": reason,
        "history_type": history_type,
        "history_user_id": user_id,
    }
    fields = _columns(history, with_pk=False)
    if _copy_history(model, history, ids, extra, fields):
        return
    # Straight to tuples: each row's tracked values, its key, the same history fields.
    given = [f for f in fields if f.attname in tracked and f.attname != pk and f.attname in rows[0]]
    rest = [f for f in fields if f not in given and f.attname != pk and f.attname not in extra]
    if not rest:
        try:
            values = _tuples(given, rows) if given else [()] * len(rows)
        except KeyError:  # rows not alike: the general way below
            values = None
        if values is not None:
            tail = tuple(extra.values())
            pk_field = next(f for f in fields if f.attname == pk)
            extra_fields = [next(f for f in fields if f.attname == name) for name in extra]
            tail = _adapted(extra_fields, [tail])[0]
            (key_adapted,) = zip(*_adapted([pk_field], [(key,) for key in ids]), strict=True)
            values = [(*row, key, *tail) for row, key in zip(values, key_adapted, strict=True)]
            _write(history, [*given, pk_field, *extra_fields], values, returning=False)
            return
    insert(
        history,
        [
            {**{k: v for k, v in row.items() if k in tracked}, pk: key, **extra}
            for row, key in zip(rows, ids, strict=True)
        ],
    )


def _copy_history(model, history, ids: list[int], extra: dict, fields) -> bool:
    """The history rows of rows just inserted with consecutive keys, copied from the table by
    the database itself (``INSERT … SELECT``: no values through Python); False when the keys
    are not one range or the history model has fields of its own beyond simple-history's."""
    first, last = ids[0], ids[-1]
    if last - first + 1 != len(ids) or ids != list(range(first, last + 1)):
        return False
    meta, history_meta = model._meta, history._meta
    pairs = [(history_meta.get_field(f.name), f) for f in history.tracked_fields]
    covered = {h.attname for h, _f in pairs} | set(extra)
    if any(f.attname not in covered for f in fields):
        return False
    quote, postgres = connection.ops.quote_name, connection.vendor == "postgresql"
    extra_fields = [history_meta.get_field(name) for name in extra]
    params = list(_adapted(extra_fields, [tuple(extra.values())])[0])
    # PostgreSQL types the parameters from the target columns only with a cast.
    marks = [f"CAST(%s AS {f.db_type(connection)})" if postgres else "%s" for f in extra_fields]
    columns = ", ".join(quote(h.column) for h, _f in pairs)
    sources = ", ".join(quote(f.column) for _h, f in pairs)
    pk = quote(meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(history_meta.db_table)} "
            f"({columns}, {', '.join(quote(f.column) for f in extra_fields)}) "
            f"SELECT {sources}, {', '.join(marks)} FROM {quote(meta.db_table)} "
            f"WHERE {pk} BETWEEN %s AND %s ORDER BY {pk}",
            [*params, first, last],
        )
        if cursor.rowcount != len(ids):
            raise RuntimeError(f"core.bulk.insert_history: {meta.db_table} rows not all found")
    return True
