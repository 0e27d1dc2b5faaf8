"""Read queries for progress: figures aggregated in the database, never by loading records.

The core is one SQL statement: records in a date range joined to the closure table on
``descendant = record.union`` with the path valid on the record's date, grouped by
(ancestor, sector, kind). Every indicator is then a signed sum over those few grouped rows:
its measure says which kinds count and with which sign, its ``sectors`` which sectors.
"""

import datetime
from collections import defaultdict

from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When

from core.rows import fetch
from organisation.models import Unit, UnitPath
from plans.models import Indicator, Measure, Period, PlanUnit
from progress.models import DayTotal, Member, Record, RecordKind, RollupState

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


def grouped_sums(start: datetime.date, end: datetime.date, unit_ids, *, kinds=None) -> Grouped:
    """SUM(count) per (ancestor, sector, kind) over records dated start..end.

    Read from the per-day rollup (``progress.rollup``, exact on every write) for units above
    grassroots level once it has been built; straight from the records for grassroots unions
    (a few rows each) and before the first build. ``kinds`` (unit id -> kind) spares reading
    the units' kinds when the caller holds the units.
    """
    from progress import rollup

    unit_ids = list(unit_ids)
    kinds = kinds or {}
    if not kinds and unit_ids:
        table = Unit._meta.db_table
        sql = f"SELECT id, kind FROM {table} WHERE id IN ({_placeholders(unit_ids)})"
        kinds = dict(fetch(sql, unit_ids))
    upper = {u for u in unit_ids if kinds.get(u, rollup.GRASSROOTS[0]) not in rollup.GRASSROOTS}
    result = {}
    if upper:
        result = rollup.grouped_sums_if_built(start, end, [u for u in unit_ids if u in upper])
    if result is None:  # not built: every unit from the records
        result, upper = {}, set()
    result.update(direct_sums(start, end, [u for u in unit_ids if u not in upper]))
    return result


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
    """One query: date -> (sector, kind) -> SUM(count) for one subtree (for the chart).

    From the rollup for a unit above grassroots level once it is built, else from the records:
    both branches are in the one statement, each behind a one-time condition.
    """
    from progress import rollup

    grassroots = _placeholders(rollup.GRASSROOTS)
    applies = f"""(EXISTS (SELECT 1 FROM {RollupState._meta.db_table}
                           WHERE id = 1 AND built_at IS NOT NULL)
                   AND EXISTS (SELECT 1 FROM {Unit._meta.db_table}
                               WHERE id = %s AND kind NOT IN ({grassroots})))"""
    sql = f"""
        SELECT d.date, d.sector, d.kind, SUM(d.total)
        FROM {DayTotal._meta.db_table} d
        WHERE d.ancestor_id = %s AND d.date >= %s AND d.date <= %s AND {applies}
        GROUP BY d.date, d.sector, d.kind
        UNION ALL
        SELECT r.date, r.sector, r.kind, SUM(r.count)
        FROM {Record._meta.db_table} r
        JOIN {UnitPath._meta.db_table} p
          ON p.descendant_id = r.union_id AND p.valid_from <= r.date AND p.valid_to >= r.date
        WHERE r.date >= %s AND r.date <= %s AND p.ancestor_id = %s AND NOT {applies}
        GROUP BY r.date, r.sector, r.kind
    """
    condition = [unit_id, *rollup.GRASSROOTS]
    params = [unit_id, start, end, *condition, start, end, unit_id, *condition]
    days: dict = defaultdict(dict)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for day, sector, kind, total in cursor.fetchall():
            if isinstance(day, str):  # SQLite returns text dates from raw SQL
                day = datetime.date.fromisoformat(day)
            if total:
                days[day][(sector, kind)] = int(total)
    return dict(days)


def daily_indicator_sums(
    indicator: Indicator, start: datetime.date, end: datetime.date, unit_id: int
) -> dict[datetime.date, int]:
    """date -> ``indicator_value(indicator, daily_sums(start, end, unit_id)[date])`` for the
    days where it is not 0, for a measure in MEASURE_KINDS (the cumulative chart's moves).

    The same statement as ``daily_sums`` with the indicator's weights and sectors applied in
    the database: one row a day rather than one per (day, sector, kind) (a year of the demo:
    31 rows instead of 212), and no per-row sums in Python (~0.2 ms a dashboard)."""
    from progress import rollup

    weights = MEASURE_KINDS[indicator.measure]
    sectors = indicator.sector_list
    grassroots = _placeholders(rollup.GRASSROOTS)
    applies = f"""(EXISTS (SELECT 1 FROM {RollupState._meta.db_table}
                           WHERE id = 1 AND built_at IS NOT NULL)
                   AND EXISTS (SELECT 1 FROM {Unit._meta.db_table}
                               WHERE id = %s AND kind NOT IN ({grassroots})))"""
    cases = " ".join(["WHEN %s THEN %s"] * len(weights))
    case_params = [item for pair in weights.items() for item in pair]
    kinds = _placeholders(weights)
    sector_sql = {"d": "", "r": ""}
    if sectors:
        for alias in sector_sql:
            sector_sql[alias] = f" AND {alias}.sector IN ({_placeholders(sectors)})"
    sql = f"""
        SELECT d.date, CAST(SUM(CASE d.kind {cases} ELSE 0 END * d.total) AS BIGINT)
        FROM {DayTotal._meta.db_table} d
        WHERE d.ancestor_id = %s AND d.date >= %s AND d.date <= %s
          AND d.kind IN ({kinds}){sector_sql["d"]} AND {applies}
        GROUP BY d.date
        UNION ALL
        SELECT r.date, CAST(SUM(CASE r.kind {cases} ELSE 0 END * r.count) AS BIGINT)
        FROM {Record._meta.db_table} r
        JOIN {UnitPath._meta.db_table} p
          ON p.descendant_id = r.union_id AND p.valid_from <= r.date AND p.valid_to >= r.date
        WHERE r.date >= %s AND r.date <= %s AND p.ancestor_id = %s
          AND r.kind IN ({kinds}){sector_sql["r"]} AND NOT {applies}
        GROUP BY r.date
    """
    condition = [unit_id, *rollup.GRASSROOTS]
    filters = [*weights, *(sectors or [])]
    params = [
        *case_params, unit_id, start, end, *filters, *condition,
        *case_params, start, end, unit_id, *filters, *condition,
    ]  # fmt: skip
    days = {}
    for day, value in fetch(sql, params):
        if value:
            if isinstance(day, str):  # SQLite returns text dates from raw SQL
                day = datetime.date.fromisoformat(day)
            days[day] = int(value)
    return days


def indicator_value(indicator: Indicator, sums: dict[tuple[str, str], int]) -> int:
    """Signed sum of the grouped rows the indicator counts (0 for measures computed apart,
    see ``special_values``)."""
    return indicator_counter(indicator)(sums)


def indicator_counter(indicator: Indicator):
    """``indicator_value`` for one indicator, its weights and sectors read once: a
    dashboard applies it to every unit's sums and to every day of the chart (~500 times)."""
    weights = MEASURE_KINDS.get(indicator.measure, {})
    sectors = set(indicator.sector_list)
    # (sector, kind) -> weight, filled as keys are met: the same few keys recur in every sums.
    known: dict = {}

    def weight(key) -> int:
        sector, kind = key
        found = known[key] = (
            weights[kind] if kind in weights and (not sectors or sector in sectors) else 0
        )
        return found

    def value(sums: dict[tuple[str, str], int]) -> int:
        total = 0
        for key, count in sums.items():
            factor = known.get(key)
            if factor is None:
                factor = weight(key)
            if factor:
                total += factor * count
        return total

    return value


def default_unit_ids(period: Period) -> list[int]:
    plan = period.plan
    ids = list(PlanUnit.objects.filter(plan=plan).values_list("unit_id", flat=True))
    return [plan.issuing_unit_id, *[i for i in ids if i != plan.issuing_unit_id]]


def achieved(
    period: Period,
    unit_ids=None,
    *,
    end: datetime.date | None = None,
    indicators=None,
    kinds=None,
) -> dict[tuple[int, int], int]:
    """(unit_id, indicator_id) -> achieved figure for the SUBTREE of each unit over the period.

    Computed in the database from the records (one aggregate query), for every indicator of the
    period's plan. unit_ids None = every PlanUnit of the plan plus the plan's issuing unit.
    ``end`` cuts the range short (e.g. "as of today"); ``kinds`` see ``grouped_sums``.
    """
    if unit_ids is None:
        unit_ids = default_unit_ids(period)
    if indicators is None:
        indicators = list(Indicator.objects.filter(plan_id=period.plan_id).select_related("plan"))
    last = min(period.end, end) if end else period.end
    unit_ids = list(unit_ids)
    sums = grouped_sums(period.start, last, unit_ids, kinds=kinds)
    counters = [
        (indicator.pk, indicator_counter(indicator))
        for indicator in indicators
        if indicator.measure in MEASURE_KINDS
    ]
    result = {
        (unit_id, pk): count(unit_sums)
        for unit_id, unit_sums in sums.items()
        for pk, count in counters
    }
    for indicator in indicators:
        if indicator.measure not in MEASURE_KINDS:
            values = special_values(indicator, period.start, last, unit_ids)
            result.update({(unit_id, indicator.pk): values[unit_id] for unit_id in unit_ids})
    return result


# Measures beyond the record kinds ----------------------------------------------------------
# Each is still one aggregate query over the records (or the enterprise register) joined to the
# closure table, kept apart from ``grouped_sums`` because it needs a column the per-kind rollup
# does not carry (the member's gender, the Party outcome, the enterprise's workforce).


def _special_records(indicator: Indicator, start: datetime.date, end: datetime.date):
    """(records counted by a record-based special measure, the date field they are dated by)."""
    from enterprises.models import Enterprise
    from progress.models import Gender, PartyOutcome

    measure = indicator.measure
    date_field = "date"
    if measure == Measure.WOMEN_ADMITTED:
        condition = Q(kind=RecordKind.ADMITTED, member__gender=Gender.FEMALE)
    elif measure == Measure.PARTY_ADMISSIONS:
        # Counted on the day the Party admitted the member, not the day of the introduction.
        condition = Q(kind=RecordKind.PARTY_INTRODUCED, party_outcome=PartyOutcome.ADMITTED)
        date_field = "party_outcome_on"
    elif measure == Measure.NEW_UNIONS_SIZED:
        sized = Enterprise.objects.filter(
            workers__gte=indicator.threshold, grassroots_union__isnull=False
        ).values("grassroots_union_id")
        condition = Q(kind=RecordKind.UNION_FOUNDED, union_id__in=sized)
    elif measure == Measure.PARTY_INTRODUCTIONS_PER_UNION:
        condition = Q(kind=RecordKind.PARTY_INTRODUCED)
    else:
        return None, date_field
    queryset = Record.objects.filter(
        condition, **{f"{date_field}__gte": start, f"{date_field}__lte": end}
    )
    if indicator.sector_list:
        queryset = queryset.filter(sector__in=indicator.sector_list)
    return queryset, date_field


def _sum_by_ancestor(queryset, unit_ids, date_field="date") -> dict[int, int]:
    """SUM(count) per ancestor in unit_ids, over the path valid on each record's date."""
    rows = (
        queryset.filter(
            union__ancestor_paths__ancestor_id__in=list(unit_ids),
            union__ancestor_paths__valid_from__lte=F(date_field),
            union__ancestor_paths__valid_to__gte=F(date_field),
        )
        .order_by()
        .values("union__ancestor_paths__ancestor_id")
        .annotate(total=Sum("count"))
    )
    totals = {unit_id: 0 for unit_id in unit_ids}
    for row in rows:
        totals[row["union__ancestor_paths__ancestor_id"]] = int(row["total"] or 0)
    return totals


def grassroots_counts(unit_ids, on_date: datetime.date) -> dict[int, int]:
    """Number of grassroots unions (CĐCS, nghiệp đoàn) alive in each unit's subtree on a date."""
    from organisation.models import UnitKind

    rows = (
        UnitPath.objects.filter(
            ancestor_id__in=list(unit_ids),
            valid_from__lte=on_date,
            valid_to__gte=on_date,
            descendant__kind__in=UnitKind.grassroots_level(),
            descendant__founded_on__lte=on_date,
        )
        .filter(Q(descendant__dissolved_on__isnull=True) | Q(descendant__dissolved_on__gt=on_date))
        .order_by()
        .values("ancestor_id")
        .annotate(n=Count("descendant_id", distinct=True))
    )
    counts = {unit_id: 0 for unit_id in unit_ids}
    for row in rows:
        counts[row["ancestor_id"]] = row["n"]
    return counts


def sized_enterprise_counts(unit_ids, min_workers: int, on_date: datetime.date) -> dict:
    """unit -> (enterprises with ≥ min_workers workers in its subtree, those with a union)."""
    from enterprises.models import Enterprise

    rows = (
        Enterprise.objects.filter(
            workers__gte=min_workers,
            unit__ancestor_paths__ancestor_id__in=list(unit_ids),
            unit__ancestor_paths__valid_from__lte=on_date,
            unit__ancestor_paths__valid_to__gte=on_date,
        )
        .order_by()
        .values("unit__ancestor_paths__ancestor_id")
        .annotate(
            total=Count("id", distinct=True),
            covered=Count("id", distinct=True, filter=Q(grassroots_union__isnull=False)),
        )
    )
    counts = {unit_id: (0, 0) for unit_id in unit_ids}
    for row in rows:
        counts[row["unit__ancestor_paths__ancestor_id"]] = (row["total"], row["covered"])
    return counts


def special_values(
    indicator: Indicator, start: datetime.date, end: datetime.date, unit_ids
) -> dict[int, int | float]:
    """unit -> figure for a measure outside ``MEASURE_KINDS`` over start..end.

    - women admitted, Party admissions, CĐCS founded in enterprises of ≥ N workers: counts;
    - Party introductions per CĐCS: introductions ÷ grassroots unions alive on ``end`` (2 d.p.;
      0 for a subtree without any CĐCS);
    - share of enterprises with ≥ N workers that have a union: a percentage (1 d.p.) of the
      register as it stands (the register keeps no dated history of union coverage).
    """
    unit_ids = list(unit_ids)
    measure = indicator.measure
    if measure == Measure.SIZED_ENTERPRISES_UNIONISED:
        counts = sized_enterprise_counts(unit_ids, indicator.threshold, end)
        return {
            unit_id: round(100 * covered / total, 1) if total else 0.0
            for unit_id, (total, covered) in counts.items()
        }
    queryset, date_field = _special_records(indicator, start, end)
    if queryset is None:
        raise ValueError(f"Unknown measure {measure!r}")
    totals = _sum_by_ancestor(queryset, unit_ids, date_field)
    if measure == Measure.PARTY_INTRODUCTIONS_PER_UNION:
        unions = grassroots_counts(unit_ids, end)
        return {
            unit_id: round(totals[unit_id] / unions[unit_id], 2) if unions[unit_id] else 0.0
            for unit_id in unit_ids
        }
    return totals


def daily_values(
    indicator: Indicator, start: datetime.date, end: datetime.date, unit_id: int
) -> dict[datetime.date, int | float]:
    """date -> the day's contribution to a special measure's figure (for the cumulative chart).

    The contributions add up to ``special_values(...)[unit_id]``; a share of enterprises is a
    state, not a flow, so it is one step on ``start``.
    """
    measure = indicator.measure
    if measure == Measure.SIZED_ENTERPRISES_UNIONISED:
        return {start: special_values(indicator, start, end, [unit_id])[unit_id]}
    queryset, date_field = _special_records(indicator, start, end)
    rows = (
        queryset.filter(
            union__ancestor_paths__ancestor_id=unit_id,
            union__ancestor_paths__valid_from__lte=F(date_field),
            union__ancestor_paths__valid_to__gte=F(date_field),
        )
        .order_by()
        .values(date_field)
        .annotate(total=Sum("count"))
    )
    days = {row[date_field]: int(row["total"]) for row in rows}
    if measure == Measure.PARTY_INTRODUCTIONS_PER_UNION:
        unions = grassroots_counts([unit_id], end)[unit_id]
        return {day: (total / unions if unions else 0.0) for day, total in days.items()}
    return days


def records_behind(period: Period, unit: Unit, indicator: Indicator) -> QuerySet[Record]:
    """The records an achieved figure is summed from, each annotated with its signed ``share``.

    SUM(share * count) over this queryset equals ``achieved(period, [unit])[unit, indicator]``
    for the count measures; for Party introductions per CĐCS it is the numerator (the
    introductions), and a share of enterprises has no records (see ``enterprises_behind``).
    """
    if indicator.measure not in MEASURE_KINDS:
        return _special_records_behind(period, unit, indicator)
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


def _special_records_behind(period: Period, unit: Unit, indicator: Indicator):
    queryset, date_field = _special_records(indicator, period.start, period.end)
    if queryset is None:
        return Record.objects.none().annotate(share=Value(1, output_field=IntegerField()))
    ids = queryset.filter(
        union__ancestor_paths__ancestor=unit,
        union__ancestor_paths__valid_from__lte=F(date_field),
        union__ancestor_paths__valid_to__gte=F(date_field),
    ).values("id")
    return (
        Record.objects.filter(id__in=ids)
        .annotate(share=Value(1, output_field=IntegerField()))
        .select_related("union", "member", "other_union", "entered_by")
        .order_by("date", "id")
    )


def enterprises_behind(unit: Unit, indicator: Indicator, on_date: datetime.date):
    """The enterprises with ≥ N workers under unit counted by a share-of-enterprises figure."""
    from enterprises.models import Enterprise

    return (
        Enterprise.objects.filter(
            workers__gte=indicator.threshold,
            unit__ancestor_paths__ancestor=unit,
            unit__ancestor_paths__valid_from__lte=on_date,
            unit__ancestor_paths__valid_to__gte=on_date,
        )
        .select_related("unit", "grassroots_union")
        .distinct()
        .order_by("name")
    )


# CCCDs per query of a register look-up: far more than any list and far below the bound
# parameters the databases take in one statement (SQLite 32 766, PostgreSQL 65 535).
CCCD_CHUNK = 10_000


def current_member_by_cccd(cccds, *, first: bool = False):
    """{cccd: current member} for these CCCDs, one query per 10 000 (a whole list at once).
    With ``first``, the first current member found (the register's order), or None.

    The look-up is plain SQL over the CCCD index (the ORM prepares each of 20 000 parameters
    one by one); the members found, usually none, are then read with their union."""
    wanted = sorted(set(cccds))
    table = connection.ops.quote_name(Member._meta.db_table)
    ids = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # one array: not 20 000 literals to render
            cursor.execute(
                f"SELECT id FROM {table} WHERE left_on IS NULL AND cccd = ANY(%s)", [wanted]
            )
            ids += [row[0] for row in cursor.fetchall()]
            wanted = []
        for at in range(0, len(wanted), CCCD_CHUNK):
            chunk = wanted[at : at + CCCD_CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT id FROM {table} WHERE left_on IS NULL AND cccd IN ({marks})", chunk
            )
            ids += [row[0] for row in cursor.fetchall()]
    if not ids:
        return None if first else {}
    members = Member.objects.filter(pk__in=ids).select_related("union")
    if first:
        return members.first()
    return {m.cccd: m for m in members}


def open_party_introductions(unit: Unit) -> QuerySet[Record]:
    """Party introductions in unit's subtree still waiting for an outcome (the unit's to-do)."""
    return Record.objects.filter(
        kind=RecordKind.PARTY_INTRODUCED,
        union__ancestor_paths__ancestor=unit,
    ).filter(Q(party_outcome="") | Q(party_outcome="pending"))


def waiting_party_outcomes(user, limit: int = 200) -> list[dict]:
    """The member register's to-do: Party introductions the user may see still waiting for an
    outcome, oldest first, as plain rows (date, member_name, union_name, pk) — a district's
    dozens of rows as models (record, member, union each) cost a millisecond or more."""
    from accounts.permissions import restrict

    return list(
        restrict(Record.objects.all(), user, "view")
        .filter(kind=RecordKind.PARTY_INTRODUCED, party_outcome__in=["", "pending"])
        .order_by("date", "pk")
        .values("pk", "date", member_name=F("member__full_name"), union_name=F("union__name"))[
            :limit
        ]
    )


# Long lists: the member register and the records behind a figure -----------------------------


def person_search(query: str, allowed: set[int] | None, *, prefix: str = "", union_field: str):
    """The Q of a search box over people: a 12-digit text is a CCCD, matched exactly and only
    among the rows whose CCCD the user sees unmasked (``allowed``: the units of
    ``accounts.permissions.personal_data_unit_ids``; ``union_field`` says which union the
    masking rule of the page looks at), so a search never confirms a masked number; any other
    text is a part of the name. ``prefix`` reaches the member from the queried model."""
    from core.text import clean

    text = clean(query)
    digits = text.replace(" ", "").replace(".", "")
    if len(digits) == 12 and digits.isascii() and digits.isdigit():
        found = Q(**{f"{prefix}cccd": digits})
        if allowed is not None:
            found &= Q(**{f"{union_field}__in": allowed})
        return found
    return Q(**{f"{prefix}full_name__icontains": text})


def member_register(
    user,
    *,
    union: Unit | None = None,
    under: Unit | None = None,
    query: str = "",
    admitted_from: datetime.date | None = None,
    admitted_to: datetime.date | None = None,
) -> QuerySet[Member]:
    """The current members the user may see (``restrict``), filtered, in register order."""
    from accounts.permissions import personal_data_unit_ids, restrict
    from organisation.selectors import subtree

    members = restrict(Member.objects.filter(left_on__isnull=True), user, "view")
    if union is not None:
        members = members.filter(union=union)
    if under is not None:
        members = members.filter(union__in=subtree(under))
    if admitted_from is not None:
        members = members.filter(admitted_on__gte=admitted_from)
    if admitted_to is not None:
        members = members.filter(admitted_on__lte=admitted_to)
    if query.strip():
        allowed = personal_data_unit_ids(user)
        members = members.filter(person_search(query, allowed, union_field="union_id"))
    return members.select_related("union").order_by("union__name", "full_name", "pk")


def records_list(
    user,
    period: Period,
    unit: Unit,
    indicator: Indicator,
    *,
    as_of: datetime.date,
    union_id: int | None = None,
    kind: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    query: str = "",
) -> QuerySet[Record]:
    """``records_behind`` up to as_of, scoped by ``restrict`` and filtered (CĐCS, kind, dates,
    a name or an exact CCCD the user sees unmasked), in date order."""
    from accounts.permissions import personal_data_unit_ids, restrict

    rows = restrict(records_behind(period, unit, indicator), user, "view").filter(date__lte=as_of)
    if union_id is not None:
        rows = rows.filter(union_id=union_id)
    if kind:
        rows = rows.filter(kind=kind)
    if date_from is not None:
        rows = rows.filter(date__gte=date_from)
    if date_to is not None:
        rows = rows.filter(date__lte=date_to)
    if query.strip():
        allowed = personal_data_unit_ids(user)
        rows = rows.filter(person_search(query, allowed, prefix="member__", union_field="union_id"))
    return rows


def contribution_total(rows: QuerySet[Record]) -> int:
    """SUM(share × count) of an annotated records queryset, in the database."""
    return rows.order_by().aggregate(total=Sum(F("share") * F("count")))["total"] or 0
