"""A per-day rollup of the figures, kept exact by the writes themselves, with no global lock.

``DayTotal`` holds SUM(count) per (ancestor, day, sector, kind) for every ancestor above the
grassroots level, so a national whole-year figure reads ~1 row per ancestor, day and category
instead of joining millions of records to their paths.

Invariant (in every committed state): ``DayTotal`` = the records spread over ``RollupPath`` (the
closure rows the rollup is built on, a copy of ``UnitPath`` above grassroots level). Each write
keeps it in its own transaction:

- record writes: the progress services (and bulk imports) call ``add_records`` /
  ``remove_records`` / ``replace`` once, at the end of the write. The changes are added up per
  (ancestor, day, sector, kind) in Python and written with ONE upsert per key
  (``INSERT … ON CONFLICT DO UPDATE SET total = total + excluded.total``, PostgreSQL and SQLite).
  Writers lock only the rollup rows they touch (and share-lock their unions), never a row common
  to every write. ``Record``'s queryset refuses bulk ``update()``/``delete()`` that would bypass
  this (``update_with_rollup`` / ``delete_with_rollup`` are the sanctioned ways);
- hierarchy changes: ``organisation.services.rebuild_paths`` (create, move, merge, end, the
  unit import) calls ``reorganised`` at its end. It compares the new ``UnitPath`` rows of the
  changed subtree with ``RollupPath`` interval by interval, moves exactly the records of the
  changed date ranges from the old ancestors to the new ones, and copies the new rows. Idempotent:
  a second call finds nothing to do;
- ``rebuild`` (command ``refresh_progress_rollup``) repairs the rollup after writes that
  bypassed the services (raw SQL, ``bulk_create`` without ``add_records``, a restore). It never
  empties the table: see ``rebuild`` for why writers are not blocked and it cannot deadlock.

``MonthTotal`` holds the same sums by calendar month, written by the same upserts (and
corrected by the same refresh steps), so a year reads 12 rows per ancestor and category; the
days at the edges of a range come from ``DayTotal`` (``grouped_sums``).

Lock order (why nothing here can deadlock with itself): a transaction takes unit row locks
(ascending id) before rollup row locks, then day rows in ascending ``lock_key`` order, then
month rows in the same order — every upsert sorts its rows, and a service writes the rollup once
(a service made of several writes, like a new union with its founding members, collects them in
``batched()`` and writes once at its end).

Figures (``progress.selectors``) read the rollup once ``RollupState`` says it was built; before
the first build they aggregate the records directly.
"""

import contextlib
import contextvars
import datetime
import time
from collections import defaultdict
from collections.abc import Iterable

from django.db import OperationalError, connection, transaction
from django.utils import timezone

from core.rows import as_date as _date
from core.rows import chunks as _chunks
from core.rows import table as _table
from organisation.models import Unit, UnitKind, UnitPath
from progress import stock_rollup
from progress.models import DayTotal, MonthTotal, Record, RecordKind, RollupPath, RollupState

GRASSROOTS = tuple(UnitKind.grassroots_level())
BATCH = 500  # rows per upsert statement (5 parameters each)
SQLITE_STEP_SECONDS = 0.05  # the longest a refresh step should hold SQLite's write lock
IDS_PER_QUERY = 5000

# Rollup rows are locked in this order by every writer, reorganisation and rebuild.
KIND_RANK = {
    kind: rank
    for rank, kind in enumerate(
        [
            RecordKind.UNION_FOUNDED,
            RecordKind.ADMITTED,
            RecordKind.LEFT,
            RecordKind.TRANSFER_IN,
            RecordKind.TRANSFER_OUT,
            RecordKind.PARTY_INTRODUCED,
        ]
    )
}

State = tuple[int, datetime.date, str, str, int]  # union_id, date, sector, kind, count
Key = tuple[int, datetime.date, str, str]  # ancestor_id, date, sector, kind


def lock_key(key: Key):
    ancestor_id, day, sector, kind = key
    return (KIND_RANK.get(kind, len(KIND_RANK)), ancestor_id, day, sector, kind)


def _lock_units(ids: Iterable[int], *, share: bool) -> None:
    """Row locks on units in ascending id (PostgreSQL; SQLite serialises writers anyway)."""
    if connection.vendor != "postgresql":
        return
    ids = sorted(set(ids))
    mode = "FOR SHARE" if share else "FOR UPDATE"
    with connection.cursor() as cursor:
        for chunk in _chunks(ids, IDS_PER_QUERY):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT id FROM {_table(Unit)} WHERE id IN ({marks}) ORDER BY id {mode}", chunk
            )


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _month_deltas(deltas: dict[Key, int]) -> dict[Key, int]:
    months: dict[Key, int] = defaultdict(int)
    for (ancestor_id, day, sector, kind), value in deltas.items():
        months[ancestor_id, month_of(day), sector, kind] += value
    return months


def _write_rows(cursor, model, date_column: str, keys: list[Key], deltas: dict[Key, int]) -> None:
    table = _table(model)
    for chunk in _chunks(keys, BATCH):
        values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))
        params = [p for key in chunk for p in (*key, deltas[key])]
        cursor.execute(
            f"INSERT INTO {table} (ancestor_id, {date_column}, sector, kind, total) "
            f"VALUES {values} ON CONFLICT (ancestor_id, {date_column}, sector, kind) "
            f"DO UPDATE SET total = {table}.total + excluded.total",
            params,
        )


def upsert(deltas: dict[Key, int], stock: stock_rollup.Changes | None = None) -> int:
    """Add each delta to its day row and to its month row (created if missing), and each stock
    change to its ``StockChange`` row: one upsert per key. Returns the number of day keys written.

    Lock order: every day row (in ``lock_key`` order), then every month row (same order), then
    every stock row (``stock_rollup.upsert``: ancestor, day, since). Inside
    ``batched()`` the deltas are only collected, and written once when the outermost block ends,
    so a service made of several writes (a new union and its founding members) still takes the
    rows of both tables in one ascending sequence.
    """
    pending = _batch.get()
    if pending is not None:
        pending_days, pending_stock = pending
        for key, value in deltas.items():
            pending_days[key] += value
        for key, row in (stock or {}).items():
            total = pending_stock.setdefault(key, [0] * stock_rollup.WIDTH)
            for i, value in enumerate(row):
                total[i] += value
        return len(deltas)
    days = {k: v for k, v in deltas.items() if v}
    months = {k: v for k, v in _month_deltas(days).items() if v}
    with connection.cursor() as cursor:
        _write_rows(cursor, DayTotal, "date", sorted(days, key=lock_key), days)
        _write_rows(cursor, MonthTotal, "month", sorted(months, key=lock_key), months)
    if stock:
        stock_rollup.upsert(stock)
    return len(days)


_batch: contextvars.ContextVar[dict | None] = contextvars.ContextVar("rollup_batch", default=None)


@contextlib.contextmanager
def batched():
    """Collect the rollup writes of the block and write them once at its end (same transaction:
    call it inside ``transaction.atomic``). Nested blocks join the outermost one."""
    if _batch.get() is not None:
        yield
        return
    token = _batch.set((defaultdict(int), {}))
    try:
        yield
        deltas, stock = _batch.get()
    finally:
        _batch.reset(token)
    upsert(deltas, stock)


def write_scope(sender=None, **kwargs):
    """``organisation.services.write_scopes``' receiver: a merge runs inside ``batched()``."""
    return batched()


def states(records: Iterable[Record]) -> list[State]:
    return [(r.union_id, r.date, r.sector, r.kind, r.count) for r in records]


def _spread(plus: list[State], minus: list[State]) -> tuple[dict[Key, int], dict]:
    """(ancestor, day, sector, kind) -> signed total of the states, over the rollup's paths; and
    the changes of members now (``stock_rollup.record_changes``) they make."""
    deltas: dict[Key, int] = defaultdict(int)
    # Added up per (union, day, sector, kind) first: an import's 20 000 records are a few
    # hundred keys, each spread once.
    totals: dict[tuple, int] = defaultdict(int)
    for union_id, day, sector, kind, count in plus:
        totals[union_id, day, sector, kind] += count
    for union_id, day, sector, kind, count in minus:
        totals[union_id, day, sector, kind] -= count
    if not totals:
        return deltas, {}
    unions = sorted({key[0] for key in totals})
    _lock_units(unions, share=True)  # waits for a reorganisation of these unions to commit
    first = min(key[1] for key in totals)
    paths = defaultdict(list)
    for chunk in _chunks(unions, IDS_PER_QUERY):
        # From the first day on: a record changes members now until the next baseline.
        rows = RollupPath.objects.filter(descendant_id__in=chunk, valid_to__gte=first).values_list(
            "descendant_id", "ancestor_id", "valid_from", "valid_to"
        )
        for descendant_id, ancestor_id, start, end in rows:
            paths[descendant_id].append((ancestor_id, start, end))
    for (union_id, day, sector, kind), count in totals.items():
        for ancestor_id, start, end in paths.get(union_id, ()):
            if start <= day <= end:
                deltas[ancestor_id, day, sector, kind] += count
    return deltas, stock_rollup.record_changes(totals, paths)


def add_records(records: Iterable[Record]) -> int:
    """New records (already saved) into the rollup: one upsert per key touched. Returns keys."""
    return upsert(*_spread(states(records), []))


def add_states(new: Iterable[State]) -> int:
    """``add_records`` for records written in bulk, given as their states (union_id, date,
    sector, kind, count)."""
    return upsert(*_spread(list(new), []))


def remove_records(records: Iterable[Record]) -> int:
    """Records deleted (or voided: no longer counted) out of the rollup."""
    return upsert(*_spread([], states(records)))


def replace(before: list[State], after: list[State]) -> int:
    """Records whose counted fields changed from ``before`` to ``after`` (one rollup write)."""
    return upsert(*_spread(after, before))


# Reorganisations ------------------------------------------------------------------------------


def _scope(unit_ids) -> list[int] | None:
    """The units whose upward paths may have changed: unit_ids and everything ever below them."""
    if unit_ids is None:
        return None
    ids = set(unit_ids)
    for chunk in _chunks(sorted(ids), IDS_PER_QUERY):
        ids.update(
            UnitPath.objects.filter(ancestor_id__in=chunk).values_list("descendant_id", flat=True)
        )
        ids.update(
            RollupPath.objects.filter(ancestor_id__in=chunk).values_list("descendant_id", flat=True)
        )
    return sorted(ids)


def _rows(queryset, scope):
    if scope is None:
        yield from queryset
        return
    for chunk in _chunks(scope, IDS_PER_QUERY):
        yield from queryset.filter(descendant_id__in=chunk)


def _coverage_changes(old, new) -> list[tuple[int, int, datetime.date, datetime.date, int]]:
    """(ancestor, descendant, from, to, weight): where the number of path rows covering a day
    differs between old and new (weight = new − old). A move on D gives [D, end] −1 for the old
    ancestors and +1 for the new ones; unchanged ranges give nothing."""
    events: dict[tuple[int, int], dict[datetime.date, int]] = defaultdict(lambda: defaultdict(int))
    for rows, sign in ((new, 1), (old, -1)):
        for ancestor_id, descendant_id, start, end in rows:
            points = events[ancestor_id, descendant_id]
            points[_date(start)] += sign
            end = _date(end)
            if end < datetime.date.max:
                points[end + datetime.timedelta(days=1)] -= sign
    changes = []
    for (ancestor_id, descendant_id), points in events.items():
        level, since = 0, None
        for day in sorted(points):
            if level and since is not None:
                changes.append(
                    (ancestor_id, descendant_id, since, day - datetime.timedelta(days=1), level)
                )
            level += points[day]
            since = day
        if level and since is not None:
            changes.append((ancestor_id, descendant_id, since, datetime.date.max, level))
    return changes


def _records_over(changes) -> dict[Key, int]:
    """SUM(weight × count) of the records in each changed (descendant, date range)."""
    deltas: dict[Key, int] = defaultdict(int)
    table = _table(Record)
    with connection.cursor() as cursor:
        for chunk in _chunks(changes, BATCH):
            values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))
            if connection.vendor == "postgresql":
                values = ", ".join(
                    ["(%s::bigint, %s::bigint, %s::date, %s::date, %s::int)"] * len(chunk)
                )
            cursor.execute(
                f"""
                WITH c (ancestor_id, descendant_id, valid_from, valid_to, weight) AS (
                    VALUES {values}
                )
                SELECT c.ancestor_id, r.date, r.sector, r.kind, SUM(c.weight * r.count)
                FROM c JOIN {table} r
                  ON r.union_id = c.descendant_id
                 AND r.date >= c.valid_from AND r.date <= c.valid_to
                GROUP BY c.ancestor_id, r.date, r.sector, r.kind
                """,
                [p for change in chunk for p in change],
            )
            for ancestor_id, day, sector, kind, total in cursor.fetchall():
                deltas[ancestor_id, _date(day), sector, kind] += int(total)
    return deltas


def _copy_paths(scope) -> None:
    """RollupPath := UnitPath (ancestor above grassroots level) for the units in scope."""
    grassroots = ", ".join(["%s"] * len(GRASSROOTS))
    select = f"""
        INSERT INTO {_table(RollupPath)} (ancestor_id, descendant_id, valid_from, valid_to)
        SELECT p.ancestor_id, p.descendant_id, p.valid_from, p.valid_to
        FROM {_table(UnitPath)} p JOIN {_table(Unit)} a ON a.id = p.ancestor_id
        WHERE a.kind NOT IN ({grassroots})
    """
    with connection.cursor() as cursor:
        if scope is None:
            cursor.execute(f"DELETE FROM {_table(RollupPath)}")
            cursor.execute(select, list(GRASSROOTS))
            return
        for chunk in _chunks(scope, IDS_PER_QUERY):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"DELETE FROM {_table(RollupPath)} WHERE descendant_id IN ({marks})", chunk
            )
            cursor.execute(f"{select} AND p.descendant_id IN ({marks})", [*GRASSROOTS, *chunk])


def _path_rows(scope):
    new = list(
        _rows(
            UnitPath.objects.exclude(ancestor__kind__in=GRASSROOTS).values_list(
                "ancestor_id", "descendant_id", "valid_from", "valid_to"
            ),
            scope,
        )
    )
    old = list(
        _rows(
            RollupPath.objects.values_list(
                "ancestor_id", "descendant_id", "valid_from", "valid_to"
            ),
            scope,
        )
    )
    return old, new


@transaction.atomic
def reorganised_receiver(sender, unit_ids=None, **kwargs) -> int:
    """organisation.services.paths_rebuilt's receiver (see ProgressConfig.ready)."""
    return reorganised(unit_ids)


def reorganised(unit_ids=None, from_date: datetime.date | None = None) -> int:
    """After the paths of unit_ids' subtrees changed (None = anywhere), in the same transaction:
    move the affected records between ancestors so the rollup stays exact. Returns rows touched.

    ``from_date`` is accepted from callers that know it; it is not needed, since the comparison
    of old and new paths finds the changed date ranges itself (and cannot be wrong about them).
    """
    scope = _scope(unit_ids)
    _lock_units(
        scope if scope is not None else Unit.objects.values_list("id", flat=True), share=False
    )
    old, new = _path_rows(scope)
    if sorted(old) == sorted(new):
        return 0
    changes = _coverage_changes(old, new)
    touched = upsert(_records_over(changes), stock_rollup.path_changes(changes)) if changes else 0
    _copy_paths(scope)
    return touched


# Rebuild --------------------------------------------------------------------------------------


def is_built() -> bool:
    return RollupState.objects.filter(pk=1, built_at__isnull=False).exists()


def _paths_differ() -> list[int]:
    """Descendants whose RollupPath rows differ from UnitPath (above grassroots level)."""
    grassroots = ", ".join(["%s"] * len(GRASSROOTS))
    expected = f"""
        SELECT p.ancestor_id, p.descendant_id, p.valid_from, p.valid_to
        FROM {_table(UnitPath)} p JOIN {_table(Unit)} a ON a.id = p.ancestor_id
        WHERE a.kind NOT IN ({grassroots})
    """
    mirror = f"SELECT ancestor_id, descendant_id, valid_from, valid_to FROM {_table(RollupPath)}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT descendant_id FROM ({expected} EXCEPT {mirror}) x "
            f"UNION SELECT DISTINCT descendant_id FROM ({mirror} EXCEPT {expected}) y",
            [*GRASSROOTS, *GRASSROOTS],
        )
        return sorted(row[0] for row in cursor.fetchall())


def _correct(start: datetime.date, end: datetime.date) -> int:
    """One statement: add (records over RollupPath − DayTotal) to every rollup row of the days.

    Records, paths and rollup are read from one snapshot, and the difference is added (not
    written over), so a writer committing meanwhile keeps its own addition. Rows are written in
    lock order.
    """
    table = _table(DayTotal)
    rank = " ".join(f"WHEN '{kind}' THEN {r}" for kind, r in KIND_RANK.items())
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (ancestor_id, date, sector, kind, total)
            SELECT ancestor_id, date, sector, kind, SUM(t) FROM (
                SELECT p.ancestor_id, r.date, r.sector, r.kind, r.count AS t
                FROM {_table(Record)} r JOIN {_table(RollupPath)} p
                  ON p.descendant_id = r.union_id AND p.valid_from <= r.date
                 AND p.valid_to >= r.date
                WHERE r.date >= %s AND r.date <= %s
                UNION ALL
                SELECT ancestor_id, date, sector, kind, -total
                FROM {table} WHERE date >= %s AND date <= %s
            ) x
            WHERE 1 = 1
            GROUP BY ancestor_id, date, sector, kind
            HAVING SUM(t) <> 0
            ORDER BY CASE kind {rank} ELSE {len(KIND_RANK)} END, ancestor_id, date, sector, kind
            ON CONFLICT (ancestor_id, date, sector, kind)
            DO UPDATE SET total = {table}.total + excluded.total
            """,
            [start, end, start, end],
        )
        fixed = cursor.rowcount
    for month in _months(start, end):
        _correct_month(month)
    return fixed


def _months(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    months, month = [], month_of(start)
    while month <= end:
        months.append(month)
        month = _next_month(month)
    return months


def _next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _correct_month(month: datetime.date) -> int:
    """One statement: add (SUM of the month's day rows − its month row) to every month row.

    Run in the same transaction as the day statement before it (``_correct``), so the month
    rows equal their days again when it commits. Same reasoning as ``_correct`` for writers
    committing meanwhile; month rows are taken after day rows, in lock order, as writers do.
    """
    table = _table(MonthTotal)
    rank = " ".join(f"WHEN '{kind}' THEN {r}" for kind, r in KIND_RANK.items())
    as_date = "%s::date" if connection.vendor == "postgresql" else "%s"
    last = _next_month(month) - datetime.timedelta(days=1)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (ancestor_id, month, sector, kind, total)
            SELECT ancestor_id, {as_date}, sector, kind, SUM(t) FROM (
                SELECT ancestor_id, sector, kind, total AS t
                FROM {_table(DayTotal)} WHERE date >= %s AND date <= %s
                UNION ALL
                SELECT ancestor_id, sector, kind, -total FROM {table} WHERE month = %s
            ) x
            WHERE 1 = 1
            GROUP BY ancestor_id, sector, kind
            HAVING SUM(t) <> 0
            ORDER BY CASE kind {rank} ELSE {len(KIND_RANK)} END, ancestor_id, sector, kind
            ON CONFLICT (ancestor_id, month, sector, kind)
            DO UPDATE SET total = {table}.total + excluded.total
            """,
            [month, month, last, month],
        )
        return cursor.rowcount


def _drop_zero_rows(start: datetime.date, end: datetime.date) -> None:
    """Rows brought back to 0; rows a writer holds are skipped (never waited for)."""
    table = _table(DayTotal)
    skip = " FOR UPDATE SKIP LOCKED" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE id IN (SELECT id FROM {table} "
            f"WHERE total = 0 AND date >= %s AND date <= %s{skip})",
            [start, end],
        )
        months = _months(start, end)
        month_table = _table(MonthTotal)
        cursor.execute(
            f"DELETE FROM {month_table} WHERE id IN (SELECT id FROM {month_table} "
            f"WHERE total = 0 AND month >= %s AND month <= %s{skip})",
            [months[0], months[-1]],
        )


def _retrying(fn, *args):
    """Run fn in its own short transaction; retried if the database picked it as a victim
    (only possible against a writer that broke the lock order)."""
    for attempt in range(5):
        try:
            with transaction.atomic():
                return fn(*args)
        except OperationalError:
            if attempt == 4:
                raise


def _timed(fn, *args):
    """(fn(*args), seconds it took)."""
    began = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - began


def _date_range() -> tuple[datetime.date, datetime.date] | None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MIN(date), MAX(date) FROM {_table(Record)} "
            f"UNION ALL SELECT MIN(date), MAX(date) FROM {_table(DayTotal)}"
        )
        days = [_date(d) for row in cursor.fetchall() for d in row if d is not None]
    return (min(days), max(days)) if days else None


def rebuild(*, days_per_step: int = 7, progress=None) -> int:
    """Make the rollup equal the records again, while writers keep writing. Returns rows fixed.

    1. If RollupPath differs from UnitPath (first build, or a hierarchy change that bypassed
       ``reorganised``), copy the paths of the differing units (a short transaction holding
       their unit locks, which writers of those units wait for) and mark the rollup unbuilt, so
       figures aggregate the records directly until step 2 ends.
    2. Day range by day range, one statement each in its own transaction, add the difference
       between the records and the rollup (``_correct``). On SQLite, where a step holds the
       file's one write lock, the range shrinks (to one day at least) while a step takes over
       ``SQLITE_STEP_SECONDS``, so saves queued behind it wait little.

    Not blocking: step 2 takes no table lock and no lock on a shared row; it locks only the rollup
    rows it changes (none when the rollup is already exact), for one short statement.
    Cannot deadlock: every transaction of step 2 holds rollup row locks only, taken in
    ``lock_key`` order within a single statement, and writers and reorganisations take rollup
    rows in the same order (and any unit locks before them), so no cycle of waits can include it.
    Step 1 takes unit locks in ascending id then RollupPath rows, as reorganisations do.
    """
    differing = _paths_differ()
    if differing:

        def sync():
            _lock_units(differing, share=False)
            _copy_paths(differing)
            RollupState.objects.update_or_create(pk=1, defaults={"built_at": None})

        _retrying(sync)
    span = _date_range()
    fixed = 0
    # On SQLite a step holds the one write lock of the file, so the officers saving meanwhile
    # wait for it (their turn, config.sqlite3): its day range shrinks while a step takes longer
    # than SQLITE_STEP_SECONDS (down to one day) and grows back while steps are quick.
    sqlite = connection.vendor == "sqlite"
    days = days_per_step
    if span is not None:
        start, last = span
        while start <= last:
            end = min(start + datetime.timedelta(days=days - 1), last)
            rows, took = _retrying(_timed, _correct, start, end)  # inside the transaction
            fixed += rows or 0
            _retrying(_drop_zero_rows, start, end)
            if progress:
                progress(start, end)
            start = end + datetime.timedelta(days=1)
            if sqlite and took > SQLITE_STEP_SECONDS:
                days = max(1, days // 2)
            elif sqlite and took < SQLITE_STEP_SECONDS / 4:
                days = min(days_per_step, days * 2)
    fixed += stock_rollup.rebuild()
    RollupState.objects.update_or_create(pk=1, defaults={"built_at": timezone.now()})
    return fixed


# Reading and checking -------------------------------------------------------------------------


def _split(start: datetime.date, end: datetime.date):
    """start..end as (whole months first..last, or None) and the day ranges at its edges."""
    if end.year >= 9999 or start > end:  # open-ended ranges: days only (no month arithmetic)
        return None, [(start, end)]
    first = start if start.day == 1 else _next_month(month_of(start))
    ends_a_month = (end + datetime.timedelta(days=1)).day == 1
    last = month_of(end) if ends_a_month else month_of(month_of(end) - datetime.timedelta(days=1))
    if first > last:
        return None, [(start, end)]
    edges = []
    if start < first:
        edges.append((start, first - datetime.timedelta(days=1)))
    tail = _next_month(last)
    if tail <= end:
        edges.append((tail, end))
    return (first, last), edges


def _sums_sql(start: datetime.date, end: datetime.date, unit_ids: list[int]):
    """SELECT ancestor_id, sector, kind, SUM(total) over start..end: the whole months of the
    range from ``MonthTotal``, the days at its edges from ``DayTotal``; (sql, params)."""
    months, edges = _split(start, end)
    marks = ", ".join(["%s"] * len(unit_ids))
    parts, params = [], []
    if edges:
        ranges = " OR ".join(["(date >= %s AND date <= %s)"] * len(edges))
        parts.append(
            f"SELECT ancestor_id, sector, kind, total FROM {_table(DayTotal)} "
            f"WHERE ancestor_id IN ({marks}) AND ({ranges})"
        )
        params += [*unit_ids, *(day for edge in edges for day in edge)]
    if months:
        parts.append(
            f"SELECT ancestor_id, sector, kind, total FROM {_table(MonthTotal)} "
            f"WHERE ancestor_id IN ({marks}) AND month >= %s AND month <= %s"
        )
        params += [*unit_ids, *months]
    sql = (
        "SELECT ancestor_id, sector, kind, SUM(total) FROM ("
        + " UNION ALL ".join(parts)
        + ") x GROUP BY ancestor_id, sector, kind"
    )
    return sql, params


def _collect(rows, unit_ids) -> dict:
    result: dict = {uid: {} for uid in unit_ids}
    for ancestor_id, sector, kind, total in rows:
        if total:  # rows brought back to 0 by a deletion are left in place
            result[ancestor_id][(sector, kind)] = int(total)
    return result


def grouped_sums(start: datetime.date, end: datetime.date, unit_ids) -> dict:
    """ancestor -> (sector, kind) -> SUM(total), from the rollup (units above grassroots only).

    One query: the whole months of the range from ``MonthTotal``, the days at its edges from
    ``DayTotal`` (a year reads 12 rows per ancestor and category, not 366).
    """
    unit_ids = list(unit_ids)
    if not unit_ids or start > end:
        return {uid: {} for uid in unit_ids}
    sql, params = _sums_sql(start, end, unit_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return _collect(cursor.fetchall(), unit_ids)


def grouped_sums_if_built(start: datetime.date, end: datetime.date, unit_ids) -> dict | None:
    """``grouped_sums`` and whether the rollup is built, read in one statement (one snapshot):
    None when it is not built (the figures then aggregate the records). For the dashboard."""
    unit_ids = list(unit_ids)
    if not unit_ids or start > end:
        return {uid: {} for uid in unit_ids}
    built = f"EXISTS (SELECT 1 FROM {_table(RollupState)} WHERE id = 1 AND built_at IS NOT NULL)"
    sums, params = _sums_sql(start, end, unit_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT * FROM ({sums}) s WHERE {built} "
            f"UNION ALL SELECT NULL, NULL, NULL, NULL WHERE NOT {built}",
            params,
        )
        rows = cursor.fetchall()
    if any(row[0] is None for row in rows):
        return None
    return _collect(rows, unit_ids)


def daily_sums(start: datetime.date, end: datetime.date, unit_id: int) -> dict:
    """date -> (sector, kind) -> SUM(total) for one unit above grassroots level (the chart)."""
    days: dict = defaultdict(dict)
    rows = DayTotal.objects.filter(ancestor_id=unit_id, date__gte=start, date__lte=end).values_list(
        "date", "sector", "kind", "total"
    )
    for day, sector, kind, total in rows:
        if total:
            days[day][(sector, kind)] = days[day].get((sector, kind), 0) + int(total)
    return dict(days)


def differences() -> list[tuple[Key, int, int]]:
    """(key, rollup, records) wherever the rollup and the direct aggregate over UnitPath differ."""
    grassroots = ", ".join(["%s"] * len(GRASSROOTS))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT ancestor_id, date, sector, kind, SUM(rolled), SUM(direct) FROM (
                SELECT ancestor_id, date, sector, kind, total AS rolled, 0 AS direct
                FROM {_table(DayTotal)}
                UNION ALL
                SELECT p.ancestor_id, r.date, r.sector, r.kind, 0, r.count
                FROM {_table(Record)} r JOIN {_table(UnitPath)} p
                  ON p.descendant_id = r.union_id AND p.valid_from <= r.date
                 AND p.valid_to >= r.date
                JOIN {_table(Unit)} a ON a.id = p.ancestor_id
                WHERE a.kind NOT IN ({grassroots})
            ) x
            GROUP BY ancestor_id, date, sector, kind
            HAVING SUM(rolled) <> SUM(direct)
            ORDER BY ancestor_id, date, sector, kind
            """,
            list(GRASSROOTS),
        )
        found = [
            ((a, _date(d), s, k), int(rolled), int(direct))
            for a, d, s, k, rolled, direct in cursor.fetchall()
        ]
    return found + month_differences() + stock_rollup.differences()


def month_differences() -> list[tuple[Key, int, int]]:
    """Month rows that differ from the sum of their day rows (key: the month's first day, the
    kind marked "(tháng)")."""
    if connection.vendor == "postgresql":
        month = "CAST(date_trunc('month', date) AS date)"
    else:
        month = "date(date, 'start of month')"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT ancestor_id, month, sector, kind, SUM(monthly), SUM(daily) FROM (
                SELECT ancestor_id, month, sector, kind, total AS monthly, 0 AS daily
                FROM {_table(MonthTotal)}
                UNION ALL
                SELECT ancestor_id, {month}, sector, kind, 0, total FROM {_table(DayTotal)}
            ) x
            GROUP BY ancestor_id, month, sector, kind
            HAVING SUM(monthly) <> SUM(daily)
            ORDER BY ancestor_id, month, sector, kind
            """
        )
        return [
            ((a, _date(m), s, f"{k} (tháng)"), int(monthly), int(daily))
            for a, m, s, k, monthly, daily in cursor.fetchall()
        ]
