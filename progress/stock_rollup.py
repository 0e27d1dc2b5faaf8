"""Members now (``progress.stock``) read from a rollup: the national page's "số đoàn viên hiện có"
without joining 135 000 CĐCS to their paths and summing their records since their baselines.

The stock of a CĐCS c is a step function of the day: from each baseline on, its members and
workers, plus the signed records after it (``progress.stock``). The stock of an ancestor A on day
D is the sum over the CĐCS under A on D. ``StockChange`` stores that sum's *changes*: the row
(A, day, since) holds what A's figures gain on ``day`` (a negative number: lose) from CĐCS whose
latest baseline is dated ``since``, so

    stock(A, D) = SUM of A's rows with day <= D            (grouped by since)

and a page reads about one row per ancestor and day with a change, never a record or a path.

Why ``since`` is a column: the page shows the oldest baseline date used ("từ ngày …"), a MIN,
which no sum of changes can give; kept apart per baseline date it is the least ``since`` whose
``based`` count is above 0. ``since`` = ``PRESENCE`` holds the number of CĐCS under A
(``units``), for "N CĐCS chưa có số liệu gốc".

Every change is computed by one function, ``_spread``, from *intervals* of a CĐCS (a value
that holds from a day up to, not including, another) over its paths (``RollupPath``, the same
closure rows the figures' rollup is built on):

- a record (signed by ``STOCK_SIGNS``) holds from its day to the CĐCS' next baseline, if there is
  a baseline before it with members (``record_changes``, called from ``rollup._spread`` in the
  record write's own transaction, so it is written by the same upsert, after the day and month
  rows);
- a baseline holds from its day to the next baseline (``baselines_changed``: the intervals of the
  CĐCS before and after, the difference spread);
- a path interval changed by a reorganisation: the whole stock of the CĐCS over the changed days
  moves from the old ancestors to the new ones (``path_changes``, from ``rollup.reorganised``).

``rebuild`` computes every row from the records, baselines and paths in one snapshot and adds the
difference to what is stored (writers committing meanwhile keep their own changes: each is an
exact difference of the true figures, whatever the table held), in short transactions, so it
never blocks writers; ``differences`` is the check.
"""

import bisect
import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction

from core.rows import as_date as _date
from core.rows import chunks as _chunks
from core.rows import placeholders as _marks
from core.rows import table as _table
from organisation.models import Baseline, Unit, UnitKind
from progress.models import Record, RollupPath, RollupState, StockChange

GRASSROOTS = tuple(UnitKind.grassroots_level())
PRESENCE = datetime.date(1, 1, 1)  # the "since" of the rows that count CĐCS (no baseline)
OPEN = datetime.date.max  # an interval or a path with no end
COLUMNS = ("members", "workers", "workers_known", "counted", "based", "units")
WIDTH = len(COLUMNS)
BATCH = 400  # rows per upsert statement (9 parameters each)
IDS_PER_QUERY = 5000

Vector = tuple[int, int, int, int, int, int]
Interval = tuple[datetime.date, datetime.date, datetime.date, Vector]  # start, end, since, v
ChangeKey = tuple[int, datetime.date, datetime.date]  # ancestor, day, since
Changes = dict[ChangeKey, list[int]]

_PRESENT: Vector = (0, 0, 0, 0, 0, 1)


def _signs():
    from progress.stock import STOCK_SIGNS

    return STOCK_SIGNS


# The intervals of one CĐCS ----------------------------------------------------------------------

Baselines = list[tuple[datetime.date, int | None, int | None]]  # on_date, members, workers


def _baseline_intervals(baselines: Baselines) -> list[Interval]:
    """Each baseline from its day to the next one (sorted by day)."""
    out = []
    for i, (day, members, workers) in enumerate(baselines):
        end = baselines[i + 1][0] if i + 1 < len(baselines) else OPEN
        vector = (
            members or 0,
            workers or 0,
            int(workers is not None),
            int(members is not None),
            1,
            0,
        )
        out.append((day, end, day, vector))
    return out


def _record_interval(baselines: Baselines, day: datetime.date, signed: int) -> Interval | None:
    """A record's part of the stock: from its day to the next baseline, counted under the latest
    baseline before its day, if that one states members (a record dated on a baseline's day is
    in that baseline)."""
    days = [b[0] for b in baselines]
    i = bisect.bisect_left(days, day) - 1
    if i < 0 or baselines[i][1] is None or not signed:
        return None
    end = days[i + 1] if i + 1 < len(days) else OPEN
    if day >= end:
        return None
    return (day, end, days[i], (signed, 0, 0, 0, 0, 0))


def intervals(baselines: Baselines, signed_days: dict[datetime.date, int]) -> list[Interval]:
    """The whole stock of one CĐCS as intervals: its presence, baselines and records."""
    out: list[Interval] = [(datetime.date.min, OPEN, PRESENCE, _PRESENT)]
    out += _baseline_intervals(baselines)
    for day, signed in signed_days.items():
        piece = _record_interval(baselines, day, signed)
        if piece:
            out.append(piece)
    return out


Path = tuple[int, datetime.date, datetime.date, int]  # ancestor, valid_from, valid_to, weight


def _spread(changes: Changes, pieces: Iterable[Interval], paths: Iterable[Path], sign=1) -> None:
    """Add each interval, clipped to each path's days, as a change at its start and the opposite
    change at its end (none for an open end), weighted."""
    paths = list(paths)
    for start, end, since, vector in pieces:
        for ancestor_id, valid_from, valid_to, weight in paths:
            weight *= sign
            upto = OPEN if valid_to == OPEN else valid_to + datetime.timedelta(days=1)
            low, high = max(start, valid_from), min(end, upto)
            if low >= high:
                continue
            row = changes.setdefault((ancestor_id, low, since), [0] * WIDTH)
            for i, value in enumerate(vector):
                row[i] += weight * value
            if high != OPEN:
                row = changes.setdefault((ancestor_id, high, since), [0] * WIDTH)
                for i, value in enumerate(vector):
                    row[i] -= weight * value


# Reading the sources ----------------------------------------------------------------------------


def _baselines_of(unit_ids: list[int] | None) -> dict[int, Baselines]:
    """The baselines of the CĐCS among unit_ids (None: all), sorted by day."""
    out: dict[int, Baselines] = defaultdict(list)
    sql = (
        f"SELECT b.unit_id, b.on_date, b.members, b.workers FROM {_table(Baseline)} b "
        f"JOIN {_table(Unit)} u ON u.id = b.unit_id WHERE u.kind IN ({_marks(GRASSROOTS)})"
    )
    with connection.cursor() as cursor:
        for chunk in [None] if unit_ids is None else _chunks(sorted(set(unit_ids)), IDS_PER_QUERY):
            if chunk is None:
                cursor.execute(sql + " ORDER BY b.unit_id, b.on_date", list(GRASSROOTS))
            else:
                cursor.execute(
                    f"{sql} AND b.unit_id IN ({_marks(chunk)}) ORDER BY b.unit_id, b.on_date",
                    [*GRASSROOTS, *chunk],
                )
            for unit_id, day, members, workers in cursor.fetchall():
                out[unit_id].append((_date(day), members, workers))
    return dict(out)


def _signed_records(unit_ids: list[int] | None) -> dict[int, dict[datetime.date, int]]:
    """union -> day -> signed SUM(count) of its stock records (only unions with a baseline)."""
    signs = _signs()
    cases = " ".join("WHEN %s THEN %s" for _ in signs)
    case_params = [x for kind, sign in signs.items() for x in (str(kind), sign)]
    sql = (
        f"SELECT r.union_id, r.date, SUM(r.count * CASE r.kind {cases} ELSE 0 END) "
        f"FROM {_table(Record)} r WHERE r.kind IN ({_marks(signs)}) "
        f"AND r.union_id IN (SELECT unit_id FROM {_table(Baseline)})"
    )
    out: dict[int, dict] = defaultdict(dict)
    with connection.cursor() as cursor:
        for chunk in [None] if unit_ids is None else _chunks(sorted(set(unit_ids)), IDS_PER_QUERY):
            params = [*case_params, *(str(k) for k in signs)]
            where = ""
            if chunk is not None:
                where, params = f" AND r.union_id IN ({_marks(chunk)})", [*params, *chunk]
            cursor.execute(f"{sql}{where} GROUP BY r.union_id, r.date", params)
            for union_id, day, signed in cursor.fetchall():
                if signed:
                    out[union_id][_date(day)] = int(signed)
    return dict(out)


def _paths_of(unit_ids: list[int] | None) -> dict[int, list[Path]]:
    """The rollup's paths of the CĐCS among unit_ids (None: all)."""
    out: dict[int, list[Path]] = defaultdict(list)
    sql = (
        f"SELECT p.descendant_id, p.ancestor_id, p.valid_from, p.valid_to "
        f"FROM {_table(RollupPath)} p JOIN {_table(Unit)} u ON u.id = p.descendant_id "
        f"WHERE u.kind IN ({_marks(GRASSROOTS)})"
    )
    with connection.cursor() as cursor:
        for chunk in [None] if unit_ids is None else _chunks(sorted(set(unit_ids)), IDS_PER_QUERY):
            if chunk is None:
                cursor.execute(sql, list(GRASSROOTS))
            else:
                cursor.execute(
                    f"{sql} AND p.descendant_id IN ({_marks(chunk)})", [*GRASSROOTS, *chunk]
                )
            for descendant_id, ancestor_id, start, end in cursor.fetchall():
                out[descendant_id].append((ancestor_id, _date(start), _date(end), 1))
    return dict(out)


# Changes from writes ----------------------------------------------------------------------------


def record_changes(totals: dict[tuple, int], paths: dict[int, list]) -> Changes:
    """The stock changes of record writes: totals is (union, day, sector, kind) -> signed count,
    paths the rollup's paths of those unions (union -> [(ancestor, from, to)]), as
    ``rollup._spread`` has them."""
    signs = _signs()
    signed: dict[tuple[int, datetime.date], int] = defaultdict(int)
    for (union_id, day, _sector, kind), count in totals.items():
        if kind in signs:
            signed[union_id, day] += signs[kind] * count
    signed = {key: value for key, value in signed.items() if value}
    changes: Changes = {}
    if not signed:
        return changes
    baselines = _baselines_of(sorted({union_id for union_id, _day in signed}))
    for (union_id, day), value in signed.items():
        piece = _record_interval(baselines.get(union_id, []), day, value)
        if piece:
            unit_paths = [(a, start, end, 1) for a, start, end in paths.get(union_id, ())]
            _spread(changes, [piece], unit_paths)
    return changes


def path_changes(coverage: list[tuple[int, int, datetime.date, datetime.date, int]]) -> Changes:
    """The stock changes of a reorganisation: coverage is ``rollup._coverage_changes`` (ancestor,
    descendant, from, to, weight: where the paths covering a day changed). The whole stock of
    each CĐCS concerned moves with it over those days."""
    by_unit: dict[int, list[Path]] = defaultdict(list)
    for ancestor_id, descendant_id, start, end, weight in coverage:
        by_unit[descendant_id].append((ancestor_id, _date(start), _date(end), weight))
    changes: Changes = {}
    if not by_unit:
        return changes
    grassroots = set(
        Unit.objects.filter(pk__in=list(by_unit), kind__in=GRASSROOTS).values_list("id", flat=True)
    )
    ids = sorted(grassroots)
    baselines, records = _baselines_of(ids), _signed_records(ids)
    for unit_id in ids:
        pieces = intervals(baselines.get(unit_id, []), records.get(unit_id, {}))
        _spread(changes, pieces, by_unit[unit_id])
    return changes


def baselines_changed(sender=None, before: dict[int, Baselines] | None = None, **kwargs) -> int:
    """``organisation.services.baselines_changed``'s receiver, in the writer's transaction (which
    holds the units' row locks): the stock of each CĐCS before and after, the difference spread
    over its paths. before is unit -> its baselines before the write. Returns rows written."""
    ids = sorted(before or {})
    if not ids:
        return 0
    after = _baselines_of(ids)
    records, paths = _signed_records(ids), _paths_of(ids)
    changes: Changes = {}
    for unit_id in ids:
        if unit_id not in paths:
            continue
        old = intervals(sorted(before[unit_id]), records.get(unit_id, {}))
        new = intervals(after.get(unit_id, []), records.get(unit_id, {}))
        _spread(changes, new, paths[unit_id])
        _spread(changes, old, paths[unit_id], sign=-1)
    from progress import rollup

    rollup.upsert({}, changes)  # collected with the rest inside a rollup.batched() block
    return len(changes)


def upsert(changes: Changes) -> int:
    """Add each change to its row (created if missing), rows in (ancestor, day, since) order."""
    keys = sorted(key for key, row in changes.items() if any(row))
    table = _table(StockChange)
    columns = ", ".join(COLUMNS)
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in COLUMNS)
    with connection.cursor() as cursor:
        for chunk in _chunks(keys, BATCH):
            values = ", ".join([f"({_marks(range(3 + WIDTH))})"] * len(chunk))
            params = [p for key in chunk for p in (*key, *changes[key])]
            cursor.execute(
                f"INSERT INTO {table} (ancestor_id, day, since, {columns}) VALUES {values} "
                f"ON CONFLICT (ancestor_id, day, since) DO UPDATE SET {updates}",
                params,
            )
    return len(keys)


# Reading ----------------------------------------------------------------------------------------


def read(unit_ids: list[int], on_date: datetime.date) -> dict[int, tuple] | None:
    """ancestor -> (members, workers, counted, missing, since) on on_date, for units above
    grassroots level; None when the rollup is not built (the caller reads the records). One
    statement (one snapshot with the built flag)."""
    unit_ids = list(unit_ids)
    if not unit_ids:
        return {}
    table = _table(StockChange)
    sums = ", ".join(f"SUM({c})" for c in COLUMNS)
    built = f"EXISTS (SELECT 1 FROM {_table(RollupState)} WHERE id = 1 AND built_at IS NOT NULL)"
    nulls = ", ".join(["NULL"] * (2 + WIDTH))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT ancestor_id, since, {sums} FROM {table} "
            f"WHERE ancestor_id IN ({_marks(unit_ids)}) AND day <= %s AND {built} "
            f"GROUP BY ancestor_id, since "
            f"UNION ALL SELECT {nulls} WHERE NOT {built}",
            [*unit_ids, on_date],
        )
        rows = cursor.fetchall()
    if any(row[0] is None for row in rows):
        return None
    totals = {uid: [0] * WIDTH for uid in unit_ids}
    oldest: dict[int, datetime.date] = {}
    for ancestor_id, since, *values in rows:
        total = totals[ancestor_id]
        for i, value in enumerate(values):
            total[i] += int(value or 0)
        since = _date(since)
        if since != PRESENCE and int(values[4] or 0) > 0:
            oldest[ancestor_id] = min(since, oldest.get(ancestor_id, since))
    out = {}
    for uid, (members, workers, known, counted, _based, units) in totals.items():
        if counted:
            out[uid] = (members, workers if known else None, counted, units - counted, oldest[uid])
        else:
            out[uid] = (None, None, 0, units, None)
    return out


# Rebuilding and checking ------------------------------------------------------------------------


def expected() -> Changes:
    """Every row, computed from the records, baselines and paths (call inside ``snapshot``)."""
    baselines, records, paths = _baselines_of(None), _signed_records(None), _paths_of(None)
    changes: Changes = {}
    for unit_id, unit_paths in paths.items():
        _spread(
            changes, intervals(baselines.get(unit_id, []), records.get(unit_id, {})), unit_paths
        )
    return {key: row for key, row in changes.items() if any(row)}


def stored() -> Changes:
    columns = ", ".join(COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ancestor_id, day, since, {columns} FROM {_table(StockChange)}")
        return {
            (a, _date(day), _date(since)): [int(v) for v in values]
            for a, day, since, *values in cursor.fetchall()
            if any(values)
        }


class snapshot:
    """Reads of the block see one committed state, and take no write lock: PostgreSQL's
    REPEATABLE READ; on SQLite a deferred transaction (the project's transactions begin
    IMMEDIATE, which would hold the file's write lock while the rebuild computes). Inside an
    outer transaction (the tests) the block just joins it."""

    def __enter__(self):
        self.own = None
        if connection.in_atomic_block:
            return self
        if connection.vendor == "postgresql":
            self.own = transaction.atomic()
            self.own.__enter__()
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        else:
            connection.ensure_connection()
            self.own = "sqlite"
            with connection.cursor() as cursor:
                cursor.execute("BEGIN DEFERRED")
        return self

    def __exit__(self, *exc):
        if self.own == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("ROLLBACK")
        elif self.own is not None:
            self.own.__exit__(*exc)
        return False


def _difference(want: Changes, have: Changes) -> Changes:
    out = {}
    for key in want.keys() | have.keys():
        a, b = want.get(key, [0] * WIDTH), have.get(key, [0] * WIDTH)
        row = [x - y for x, y in zip(a, b, strict=True)]
        if any(row):
            out[key] = row
    return out


def differences() -> list[tuple]:
    """(key, stored, expected) for every row that differs: key is (ancestor, day, '', "đoàn viên
    hiện có (số liệu gốc dd/mm/yyyy)"), the figures as "members/workers/…" strings."""
    with snapshot():
        want, have = expected(), stored()
    found = []
    for key in sorted(_difference(want, have)):
        ancestor_id, day, since = key
        label = "số CĐCS" if since == PRESENCE else f"số liệu gốc {since:%d/%m/%Y}"
        found.append(
            (
                (ancestor_id, day, "", f"đoàn viên hiện có ({label})"),
                _describe(have.get(key)),
                _describe(want.get(key)),
            )
        )
    return found


LABELS = ("đoàn viên", "lao động", "CĐCS có số lao động", "CĐCS có số đoàn viên",
          "CĐCS có số liệu gốc", "CĐCS")  # fmt: skip


def _describe(row) -> str:
    """A change row in words ("đoàn viên +12; CĐCS có số liệu gốc +1"), "0" for none."""
    parts = [
        f"{label} {value:+d}" for label, value in zip(LABELS, row or (), strict=False) if value
    ]
    return "; ".join(parts) or "0"


def rebuild() -> int:
    """Make the table equal the sources again while writers keep writing. Returns rows fixed.

    The sources and the table are read in one snapshot; the difference (the table's error at
    that moment) is then added in short transactions, in key order. A writer that committed after
    the snapshot added an exact change of its own, so adding the error leaves the table exact.
    Rows brought back to zero are dropped (those a writer holds are skipped, never waited for).
    """
    with snapshot():
        fix = _difference(expected(), stored())
    keys = sorted(fix)
    for chunk in _chunks(keys, BATCH * 5):
        with transaction.atomic():
            upsert({key: fix[key] for key in chunk})
    _drop_zero_rows()
    return len(keys)


def _drop_zero_rows() -> None:
    table = _table(StockChange)
    zero = " AND ".join(f"{c} = 0" for c in COLUMNS)
    skip = " FOR UPDATE SKIP LOCKED" if connection.vendor == "postgresql" else ""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE id IN (SELECT id FROM {table} WHERE {zero}{skip})"
        )
