"""Read queries for progress: figures aggregated in the database, never by loading records.

The core is one SQL statement: records in a date range joined to the closure table on
``descendant = record.union`` with the path valid on the record's date, grouped by
(ancestor, sector, kind). Every indicator is then a signed sum over those few grouped rows:
its measure says which kinds count and with which sign, its ``sectors`` which sectors.
"""

import datetime
from collections import defaultdict

from django.db import connection
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When

from organisation.models import Unit, UnitPath
from plans.models import Indicator, Measure, Period, PlanUnit
from progress.models import Member, Record, RecordKind

# Which record kinds a measure counts, and with which sign.
MEASURE_KINDS: dict[str, dict[str, int]] = {
    Measure.NET_MEMBERS: {
        RecordKind.ADMITTED: 1,
        RecordKind.TRANSFER_IN: 1,
        RecordKind.LEFT: -1,
        RecordKind.TRANSFER_OUT: -1,
    },
    Measure.ADMITTED_MEMBERS: {RecordKind.ADMITTED: 1},
    Measure.NEW_UNIONS: {RecordKind.UNION_FOUNDED: 1},
    Measure.PARTY_INTRODUCTIONS: {RecordKind.PARTY_INTRODUCED: 1},
}

Grouped = dict[int, dict[tuple[str, str], int]]  # ancestor -> (sector, kind) -> sum


def _placeholders(values) -> str:
    return ", ".join(["%s"] * len(values))


def grouped_sums(start: datetime.date, end: datetime.date, unit_ids) -> Grouped:
    """SUM(count) per (ancestor, sector, kind) over records dated start..end.

    Read from the per-day rollup for units above grassroots level while it is current
    (``progress.rollup``), else (and for grassroots unions) straight from the records.
    """
    from progress import rollup

    unit_ids = list(unit_ids)
    kinds = dict(Unit.objects.filter(pk__in=unit_ids).values_list("id", "kind"))
    upper = [u for u in unit_ids if kinds.get(u) not in rollup.GRASSROOTS]
    if upper and rollup.is_fresh():
        result = rollup.grouped_sums(start, end, upper)
        rest = [u for u in unit_ids if u not in result]
        result.update(direct_sums(start, end, rest))
        return result
    return direct_sums(start, end, unit_ids)


def direct_sums(start: datetime.date, end: datetime.date, unit_ids) -> Grouped:
    """One query: SUM(count) per (ancestor, sector, kind) over records dated start..end."""
    unit_ids = list(unit_ids)
    result: Grouped = {uid: {} for uid in unit_ids}
    if not unit_ids:
        return result
    sql = f"""
        SELECT p.ancestor_id, r.sector, r.kind, SUM(r.count)
        FROM {Record._meta.db_table} r
        JOIN {UnitPath._meta.db_table} p
          ON p.descendant_id = r.union_id AND p.valid_from <= r.date AND p.valid_to >= r.date
        WHERE r.date >= %s AND r.date <= %s AND p.ancestor_id IN ({_placeholders(unit_ids)})
        GROUP BY p.ancestor_id, r.sector, r.kind
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [start, end, *unit_ids])
        for ancestor_id, sector, kind, total in cursor.fetchall():
            result[ancestor_id][(sector, kind)] = int(total)
    return result


def daily_sums(start: datetime.date, end: datetime.date, unit_id: int) -> dict:
    """One query: date -> (sector, kind) -> SUM(count) for one subtree (for the chart)."""
    sql = f"""
        SELECT r.date, r.sector, r.kind, SUM(r.count)
        FROM {Record._meta.db_table} r
        JOIN {UnitPath._meta.db_table} p
          ON p.descendant_id = r.union_id AND p.valid_from <= r.date AND p.valid_to >= r.date
        WHERE r.date >= %s AND r.date <= %s AND p.ancestor_id = %s
        GROUP BY r.date, r.sector, r.kind
    """
    days: dict = defaultdict(dict)
    with connection.cursor() as cursor:
        cursor.execute(sql, [start, end, unit_id])
        for day, sector, kind, total in cursor.fetchall():
            if isinstance(day, str):  # SQLite returns text dates from raw SQL
                day = datetime.date.fromisoformat(day)
            days[day][(sector, kind)] = int(total)
    return dict(days)


def indicator_value(indicator: Indicator, sums: dict[tuple[str, str], int]) -> int:
    """Signed sum of the grouped rows the indicator counts."""
    weights = MEASURE_KINDS[indicator.measure]
    sectors = set(indicator.sector_list)
    return sum(
        weights[kind] * total
        for (sector, kind), total in sums.items()
        if kind in weights and (not sectors or sector in sectors)
    )


def default_unit_ids(period: Period) -> list[int]:
    plan = period.plan
    ids = list(PlanUnit.objects.filter(plan=plan).values_list("unit_id", flat=True))
    return [plan.issuing_unit_id, *[i for i in ids if i != plan.issuing_unit_id]]


def achieved(
    period: Period, unit_ids=None, *, end: datetime.date | None = None, indicators=None
) -> dict[tuple[int, int], int]:
    """(unit_id, indicator_id) -> achieved figure for the SUBTREE of each unit over the period.

    Computed in the database from the records (one aggregate query), for every indicator of the
    period's plan. unit_ids None = every PlanUnit of the plan plus the plan's issuing unit.
    ``end`` cuts the range short (e.g. "as of today").
    """
    if unit_ids is None:
        unit_ids = default_unit_ids(period)
    if indicators is None:
        indicators = list(Indicator.objects.filter(plan_id=period.plan_id))
    last = min(period.end, end) if end else period.end
    sums = grouped_sums(period.start, last, unit_ids)
    return {
        (unit_id, indicator.pk): indicator_value(indicator, sums[unit_id])
        for unit_id in sums
        for indicator in indicators
    }


def records_behind(period: Period, unit: Unit, indicator: Indicator) -> QuerySet[Record]:
    """The records an achieved figure is summed from, each annotated with its signed ``share``.

    SUM(share * count) over this queryset equals ``achieved(period, [unit])[unit, indicator]``.
    """
    weights = MEASURE_KINDS[indicator.measure]
    queryset = Record.objects.filter(
        date__gte=period.start,
        date__lte=period.end,
        kind__in=list(weights),
        union__ancestor_paths__ancestor=unit,
        union__ancestor_paths__valid_from__lte=F("date"),
        union__ancestor_paths__valid_to__gte=F("date"),
    )
    if indicator.sector_list:
        queryset = queryset.filter(sector__in=indicator.sector_list)
    share = Case(
        *[When(kind=kind, then=Value(weight)) for kind, weight in weights.items()],
        output_field=IntegerField(),
    )
    return (
        queryset.annotate(share=share)
        .select_related("union", "member", "other_union", "entered_by")
        .order_by("date", "id")
    )


def current_member_by_cccd(cccds) -> dict[str, Member]:
    return {
        m.cccd: m
        for m in Member.objects.filter(cccd__in=list(cccds), left_on__isnull=True).select_related(
            "union"
        )
    }


def open_party_introductions(unit: Unit) -> QuerySet[Record]:
    """Party introductions in unit's subtree still waiting for an outcome (the unit's to-do)."""
    return Record.objects.filter(
        kind=RecordKind.PARTY_INTRODUCED,
        union__ancestor_paths__ancestor=unit,
    ).filter(Q(party_outcome="") | Q(party_outcome="pending"))
