"""Members now (số đoàn viên hiện có): a unit's baseline plus the records since it.

A baseline (``organisation.Baseline``) is a unit's stock on a date, as the federation's own list
states it. The stock of a CĐCS on day D is its latest baseline on or before D plus the signed
records of that CĐCS after the baseline, up to D. The stock of an upper-level unit is the sum of
the stocks of the CĐCS under it on D (the tree valid on D: a moved CĐCS takes its members with
it); where none of them has a baseline but the unit itself has one (a federation that only knows
its district totals), its own baseline plus the records under it since. A unit with neither has
no stock: the pages say so rather than show 0.

Reads are a few grouped SQL statements for any number of units, never a loop over records.
"""

import datetime
from dataclasses import dataclass

from django.db import connection

from core.rows import as_date as _as_date
from core.rows import placeholders as _placeholders
from organisation.models import Baseline, Unit, UnitKind, UnitPath
from progress.models import Record, RecordKind

# Kinds that add to or take from a union's stock. Merges move the stock between unions but are
# not development: the plan's "thực tăng" (progress.selectors.MEASURE_KINDS) leaves them out.
STOCK_SIGNS: dict[str, int] = {
    RecordKind.ADMITTED: 1,
    RecordKind.TRANSFER_IN: 1,
    RecordKind.MERGED_IN: 1,
    RecordKind.LEFT: -1,
    RecordKind.TRANSFER_OUT: -1,
    RecordKind.MERGED_OUT: -1,
}
GRASSROOTS = tuple(UnitKind.grassroots_level())


@dataclass
class Stock:
    members: int | None = None  # None: no baseline under this unit
    workers: int | None = None
    counted: int = 0  # CĐCS (or the unit itself) with a baseline
    missing: int = 0  # CĐCS under the unit with none
    since: datetime.date | None = None  # the oldest baseline date used

    @property
    def share(self) -> float | None:
        """Members as a share of workers (tỷ lệ đoàn viên / lao động), in percent."""
        if self.members is None or not self.workers:
            return None
        return 100 * self.members / self.workers


def _signed_sum() -> tuple[str, list]:
    cases = " ".join("WHEN %s THEN %s" for _ in STOCK_SIGNS)
    params = [x for kind, sign in STOCK_SIGNS.items() for x in (str(kind), sign)]
    return f"SUM(r.count * CASE r.kind {cases} ELSE 0 END)", params


def _latest_baselines_sql(on_date) -> tuple[str, list]:
    """Each unit's latest baseline on or before on_date."""
    table = Baseline._meta.db_table
    sql = f"""
        SELECT b.unit_id, b.on_date, b.members, b.workers FROM {table} b
        WHERE b.on_date = (
            SELECT MAX(b2.on_date) FROM {table} b2
            WHERE b2.unit_id = b.unit_id AND b2.on_date <= %s
        )
    """
    return sql, [on_date]


def _grassroots_stocks(unit_ids: list[int], on_date) -> dict[int, Stock]:
    """Per ancestor: the sum of its CĐCS' baselines and of their records since, as of on_date."""
    latest, latest_params = _latest_baselines_sql(on_date)
    paths, units, records = UnitPath._meta.db_table, Unit._meta.db_table, Record._meta.db_table
    # The CĐCS under each ancestor on on_date (the tree valid that day).
    where = f"""
        WHERE p.ancestor_id IN ({_placeholders(unit_ids)})
          AND p.valid_from <= %s AND p.valid_to >= %s AND u.kind IN ({_placeholders(GRASSROOTS)})
    """
    where_params = [*unit_ids, on_date, on_date, *GRASSROOTS]
    baselines_sql = f"""
        SELECT p.ancestor_id, COUNT(*), COUNT(l.members), SUM(l.members), SUM(l.workers),
               MIN(l.on_date)
        FROM {paths} p
        JOIN {units} u ON u.id = p.descendant_id
        LEFT JOIN ({latest}) l ON l.unit_id = p.descendant_id
        {where}
        GROUP BY p.ancestor_id
    """
    signed, signed_params = _signed_sum()
    records_sql = f"""
        SELECT p.ancestor_id, {signed}
        FROM {paths} p
        JOIN {units} u ON u.id = p.descendant_id
        JOIN ({latest}) l ON l.unit_id = p.descendant_id AND l.members IS NOT NULL
        JOIN {records} r ON r.union_id = p.descendant_id AND r.date > l.on_date AND r.date <= %s
        {where}
        GROUP BY p.ancestor_id
    """
    result = {uid: Stock() for uid in unit_ids}
    with connection.cursor() as cursor:
        cursor.execute(baselines_sql, [*latest_params, *where_params])
        for ancestor, total, counted, members, workers, since in cursor.fetchall():
            stock = result[ancestor]
            stock.counted, stock.missing = counted, total - counted
            if counted:
                stock.members = int(members or 0)
                stock.workers = None if workers is None else int(workers)
                stock.since = _as_date(since)
        cursor.execute(records_sql, [*signed_params, *latest_params, on_date, *where_params])
        for ancestor, net in cursor.fetchall():
            if result[ancestor].members is not None:
                result[ancestor].members += int(net or 0)
    return result


def _own_baseline_stocks(units: list[Unit], on_date) -> dict[int, Stock]:
    """Upper-level units' own baselines plus the records under them since (for units whose CĐCS
    have no figures): one query for the baselines, one grouped sum per baseline date."""
    from progress.selectors import grouped_sums

    latest: dict[int, tuple] = {}  # unit -> (on_date, members, workers), the latest one
    ids = [u.pk for u in units]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT unit_id, on_date, members, workers FROM {Baseline._meta.db_table}
            WHERE unit_id IN ({_placeholders(ids)}) AND on_date <= %s AND members IS NOT NULL
            ORDER BY unit_id, on_date
            """,
            [*ids, on_date],
        )
        for unit_id, since, members, workers in cursor.fetchall():
            latest[unit_id] = (_as_date(since), members, workers)
    by_date: dict[datetime.date, list[int]] = {}
    for unit_id, (since, _members, _workers) in latest.items():
        by_date.setdefault(since, []).append(unit_id)
    kinds = {u.pk: u.kind for u in units}
    result = {}
    for since, unit_ids in by_date.items():
        sums = grouped_sums(since + datetime.timedelta(days=1), on_date, unit_ids, kinds=kinds)
        for unit_id in unit_ids:
            net = sum(
                total * STOCK_SIGNS.get(kind, 0) for (_sector, kind), total in sums[unit_id].items()
            )
            _since, members, workers = latest[unit_id]
            result[unit_id] = Stock(members=members + net, workers=workers, counted=1, since=since)
    return result


def stocks(units, on_date: datetime.date) -> dict[int, Stock]:
    """Members now for each unit on on_date (see the module's docstring)."""
    units = list(units)
    if not units:
        return {}
    result = _rolled_up([u for u in units if u.kind not in GRASSROOTS], on_date)
    if result is None:  # the rollup is not built: every unit from the records
        result = _grassroots_stocks([u.pk for u in units], on_date)
    else:
        rest = [u.pk for u in units if u.pk not in result]
        result.update(_grassroots_stocks(rest, on_date) if rest else {})
    bare = [u for u in units if result[u.pk].members is None and u.kind not in GRASSROOTS]
    for unit_id, own in _own_baseline_stocks(bare, on_date).items() if bare else ():
        own.missing = result[unit_id].missing
        result[unit_id] = own
    return result


def _rolled_up(units: list[Unit], on_date) -> dict[int, Stock] | None:
    """Units above grassroots level from the stock rollup (``progress.stock_rollup``), which
    gives what ``_grassroots_stocks`` would without reading a record or a path."""
    from progress import stock_rollup

    read = stock_rollup.read([u.pk for u in units], on_date)
    if read is None:
        return None
    return {
        uid: Stock(members=m, workers=w, counted=c, missing=missing, since=since)
        for uid, (m, w, c, missing, since) in read.items()
    }


def stock_of(unit: Unit, on_date: datetime.date) -> Stock:
    return stocks([unit], on_date)[unit.pk]
