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

from core.history import history_model


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
    # The sequence looked up once (a materialised CTE), not once per key: with
    # pg_get_serial_sequence inside nextval's argument, 1 800 keys took 4.5 ms instead of 0.6.
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence(%s, %s)::regclass AS seq) "
            "SELECT nextval(s.seq) FROM s, generate_series(1, %s)",
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
        # COPY into a temporary table, then one UPDATE … FROM it: the values travel as COPY
        # data (formatted in C), not as thousands of literals rendered into the statement.
        temp = quote(f"bulk_update_{meta.db_table}")
        columns = [*chosen, pk]
        names = ", ".join(quote(f.column) for f in columns)
        typed = ", ".join(f"{quote(f.column)} {f.db_type(connection)}" for f in columns)
        sets = ", ".join(f"{quote(f.column)} = u.{quote(f.column)}" for f in chosen)
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE {temp} ({typed}) ON COMMIT DROP")
            with cursor.cursor.copy(f"COPY {temp} ({names}) FROM STDIN") as copy:
                write = copy.write_row
                for row in values:
                    write(row)
            cursor.execute(
                f"UPDATE {table} AS t SET {sets} FROM {temp} AS u "
                f"WHERE t.{quote(pk.column)} = u.{quote(pk.column)}"
            )
            cursor.execute(f"DROP TABLE {temp}")
        return
    sets = ", ".join(f"{quote(f.column)} = %s" for f in chosen)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {sets} WHERE {quote(pk.column)} = %s", values)


def history_user_and_reason(model):
    """(user id or None, change reason or None) simple-history would give a save just now."""
    from simple_history.models import HistoricalRecords

    history = history_model(model)
    user = history.get_default_history_user(object())
    command = getattr(HistoricalRecords.context, "system_command", None)
    return (getattr(user, "pk", None), f"lệnh {command}"[:100] if command else None)


def insert_history(model, rows: list[dict], ids: list[int], history_type: str = "+") -> None:
    """The history row of each new ("+") or changed ("~") row: simple-history's fields and
    attribution. rows: the rows' values by attname (as written); the rows are copied from
    the table when their keys are in order, so ``insert_from``'s need none."""
    if not ids:
        return
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError("core.bulk.insert needs an atomic block")
    history = history_model(model)
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
    if len(rows) != len(ids):
        raise ValueError("core.bulk.insert_history: the rows of keys out of order are needed")
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


SQLITE_MAX_KEYS = 30_000  # below SQLite's 32 766 parameters a statement


def _keys(column: str, ids: list[int]) -> tuple[str, list] | None:
    """A WHERE condition for these keys (ascending): one range, else one array (PostgreSQL)
    or a list of them (SQLite, whose keys from ``insert`` are always one range); None when
    SQLite could not take the list."""
    first, last = ids[0], ids[-1]
    if last - first + 1 == len(ids) and ids == list(range(first, last + 1)):
        return f"{column} BETWEEN %s AND %s", [first, last]
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(ids)]
    if len(ids) > SQLITE_MAX_KEYS:
        return None
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


def _ascending(ids: list[int]) -> bool:
    return all(a < b for a, b in zip(ids, ids[1:], strict=False))


def _param(field, value, params: list) -> str:
    """A placeholder for value as field's column takes it (PostgreSQL types a parameter
    from the target column only with a cast)."""
    params.append(_adapted([field], [(value,)])[0][0])
    return f"CAST(%s AS {field.db_type(connection)})" if connection.vendor == "postgresql" else "%s"


def _copy_history(model, history, ids: list[int], extra: dict, fields) -> bool:
    """The history rows of rows just written (keys ascending), copied from the table by the
    database itself (``INSERT … SELECT``: no values through Python); False when the keys are
    not in order or the history model has fields of its own beyond simple-history's."""
    if not _ascending(ids):
        return False
    meta, history_meta = model._meta, history._meta
    pairs = [(history_meta.get_field(f.name), f) for f in history.tracked_fields]
    covered = {h.attname for h, _f in pairs} | set(extra)
    if any(f.attname not in covered for f in fields):
        return False
    quote = connection.ops.quote_name
    params: list = []
    marks = [_param(history_meta.get_field(name), value, params) for name, value in extra.items()]
    columns = ", ".join([quote(h.column) for h, _f in pairs] + [quote(n) for n in extra])
    sources = ", ".join([quote(f.column) for _h, f in pairs] + marks)
    pk = quote(meta.pk.column)
    found = _keys(pk, ids)
    if found is None:
        return False
    where, keys = found
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(history_meta.db_table)} ({columns}) "
            f"SELECT {sources} FROM {quote(meta.db_table)} WHERE {where} ORDER BY {pk}",
            [*params, *keys],
        )
        if cursor.rowcount != len(ids):
            raise RuntimeError(f"core.bulk.insert_history: {meta.db_table} rows not all found")
    return True


class From:
    """``insert_from``: this field's value is the source row's ``attname``."""

    def __init__(self, attname: str):
        self.attname = attname


class Mapped:
    """``insert_from``: this field's value is ``mapping[the source row's attname]`` (every
    value the source rows hold must be a key)."""

    def __init__(self, attname: str, mapping: dict):
        self.attname, self.mapping = attname, mapping


def insert_from(model, source, ids: list[int], values: dict, *, not_null=()) -> list[int]:
    """Rows of model written by the database from rows of source (``INSERT … SELECT``), one
    per source row whose key is in ids (ascending), in key order, skipping those with a NULL
    in any field of ``not_null``. ``values``: attname -> ``From(attname)``, ``Mapped(…)`` or one
    value for every row; the other fields take their default (auto_now: now). Returns the new
    rows' keys, ascending. For rows derived from rows just written (an admission record per
    new member): no values through Python."""
    if not ids:
        return []
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError("core.bulk.insert_from needs an atomic block")
    if not _ascending(ids):
        raise ValueError("core.bulk.insert_from: keys must be ascending")
    meta, source_meta = model._meta, source._meta
    quote = connection.ops.quote_name
    now = timezone.now()
    columns, expressions, params = [], [], []

    def source_column(attname):
        return quote(source_meta.get_field(attname).column)

    for field in _columns(model, with_pk=False):
        given = values.get(field.attname, values)  # values itself: not given
        if isinstance(given, From):
            expression = source_column(given.attname)
        elif isinstance(given, Mapped):
            key_field = source_meta.get_field(given.attname)
            cases = [
                f"WHEN {_param(key_field, key, params)} THEN {_param(field, value, params)}"
                for key, value in given.mapping.items()
            ]
            expression = f"CASE {source_column(given.attname)} {' '.join(cases)} END"
        else:
            if given is values:
                if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
                    given = now
                elif field.has_default() and callable(field.default):
                    raise ValueError(f"core.bulk.insert_from: give {field.attname} (per row)")
                else:
                    given = field.get_default()
            expression = _param(field, given, params)
        columns.append(quote(field.column))
        expressions.append(expression)
    source_pk = quote(source_meta.pk.column)
    found = _keys(source_pk, ids)
    if found is None:
        raise ValueError(f"core.bulk.insert_from: more than {SQLITE_MAX_KEYS} scattered keys")
    where, keys = found
    for attname in not_null:
        where += f" AND {source_column(attname)} IS NOT NULL"
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(expressions)} "
        f"FROM {quote(source_meta.db_table)} WHERE {where} ORDER BY {source_pk}"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"{sql} RETURNING {pk}", [*params, *keys])
            return sorted(row[0] for row in cursor.fetchall())
        cursor.execute(sql, [*params, *keys])
        count, last = cursor.rowcount, cursor.lastrowid
        if count <= 0:
            return []
        first = last - count + 1
        # One writer at a time in SQLite: the new rows hold the keys right below the last.
        cursor.execute(f"SELECT COUNT(*), MAX({pk}) FROM {table} WHERE {pk} >= %s", [first])
        if tuple(cursor.fetchone()) != (count, last):
            raise RuntimeError(f"core.bulk.insert_from: keys of {meta.db_table} not consecutive")
    return list(range(first, last + 1))
