"""Read queries for plans, scoped to what the user may see."""

from functools import cache

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.permissions import sees_all_units, visible_units_sql
from core.rows import Columns, fetch, placeholders
from organisation.models import Unit, UnitPath
from plans.models import Period, Plan, PlanUnit


def plans_for(user) -> QuerySet[Plan]:
    """Plans issued by a unit above (or equal to) one the user may see."""
    if not user.is_authenticated:
        return Plan.objects.none()
    if sees_all_units(user):
        return Plan.objects.select_related("issuing_unit")
    issuers = UnitPath.objects.filter(descendant_id=user.unit_id).values("ancestor_id")
    return Plan.objects.filter(issuing_unit_id__in=issuers).select_related("issuing_unit")


def get_plan_for(user, pk: int) -> Plan:
    return get_object_or_404(plans_for(user), pk=pk)


@cache
def _plan_columns() -> tuple[Columns, Columns, Columns]:
    return Columns(Plan, "p"), Columns(Unit, "u"), Columns(Period, "pe")


def plan_with_periods(user, pk: int) -> tuple[Plan, list[Period]]:
    """``get_plan_for`` (404 for a plan the user may not see) with its issuing unit and its
    periods in their order (``plan.periods.all()``), in one hand-written query (core.rows)."""
    if not user.is_authenticated:
        raise Http404
    plan_cols, unit_cols, period_cols = _plan_columns()
    sql = f"""
        SELECT {plan_cols.sql}, {unit_cols.sql}, {period_cols.sql}
        FROM {Plan._meta.db_table} p
        JOIN {Unit._meta.db_table} u ON u.id = p.issuing_unit_id
        LEFT JOIN {Period._meta.db_table} pe ON pe.plan_id = p.id
        WHERE p.id = %s
    """
    params = [int(pk)]
    if not sees_all_units(user):  # plans_for: issued by a unit above (or equal to) the user's
        sql += f" AND p.issuing_unit_id IN (SELECT ancestor_id FROM {UnitPath._meta.db_table}"
        sql += " WHERE descendant_id = %s)"
        params.append(user.unit_id)
    rows = fetch(sql + " ORDER BY pe.sort_order, pe.start, pe.id", params)
    if not rows:
        raise Http404
    plan = plan_cols.load(rows[0])
    plan.issuing_unit = unit_cols.load(rows[0], plan_cols.width)
    periods = []
    start = plan_cols.width + unit_cols.width
    for row in rows:
        if row[start] is not None:  # the plan has no period: one row, its columns NULL
            period = period_cols.load(row, start)
            period.plan = plan
            periods.append(period)
    return plan, periods


def get_plan_by_number(number: str) -> Plan | None:
    from core.text import clean

    return Plan.objects.filter(number=clean(number)).first()


def get_period(plan: Plan, code: str | None) -> Period:
    periods = plan.periods.all()
    if code:
        return get_object_or_404(periods, code=code)
    return periods.order_by("sort_order", "start").first()


def visible_plan_unit_ids(user, plan: Plan) -> set[int] | None:
    """None means every row; otherwise the plan rows the user may read."""
    if sees_all_units(user):
        return None
    # restrict(PlanUnit.objects.filter(plan=plan), user, "view"), hand-written (core.rows).
    units, params = visible_units_sql(user)
    rows = fetch(
        f"SELECT unit_id FROM {PlanUnit._meta.db_table} WHERE plan_id = %s AND unit_id IN ({units})",
        [plan.pk, *params],
    )
    return {unit_id for (unit_id,) in rows}


def find_period(plan: Plan, text: str) -> Period | None:
    """A period of plan by its code or its name (case, spacing and Unicode form ignored)."""
    from core.text import clean, name_key

    wanted = name_key(text)
    for period in plan.periods.all():
        if clean(text) == period.code or wanted in {name_key(period.code), name_key(period.name)}:
            return period
    return None


def targets_in_force(period: Period, on_date, unit_ids=None) -> dict[tuple[int, int], int | None]:
    """(unit_id, indicator_id) -> the target in force on on_date.

    Today's value, except where an amendment effective after on_date changed it: then the value
    before the earliest such amendment. Figures and reports dated before an amendment therefore
    keep the target they were measured against. One query.
    """
    from plans.models import Amendment, AmendmentChange, Target

    units, unit_params = "", []
    if unit_ids is not None:
        unit_params = list(unit_ids)
        if not unit_params:
            return {}
        units = f" AND t.unit_id IN ({placeholders(unit_params)})"
    # One hand-written query (core.rows): the targets, then the later amendments' old values in
    # the order they take effect.
    rows = fetch(
        f"""
        SELECT 0, t.unit_id, t.indicator_id, t.value, CAST(NULL AS DATE), 0
        FROM {Target._meta.db_table} t WHERE t.period_id = %s{units}
        UNION ALL
        SELECT 1, t.unit_id, t.indicator_id, c.old_value, a.effective_on, c.id
        FROM {AmendmentChange._meta.db_table} c
        JOIN {Amendment._meta.db_table} a ON a.id = c.amendment_id
        JOIN {Target._meta.db_table} t ON t.id = c.target_id
        WHERE t.period_id = %s AND a.effective_on > %s{units}
        ORDER BY 1, 5, 6
        """,
        [period.pk, *unit_params, period.pk, on_date, *unit_params],
    )
    values = {}
    seen = set()
    for later, unit_id, indicator_id, value, _effective, _id in rows:
        key = (unit_id, indicator_id)
        if not later:
            values[key] = value
        elif key not in seen:
            seen.add(key)
            values[key] = value
    return values


def amendments_of(plan: Plan):
    from plans.models import Amendment

    return (
        Amendment.objects.filter(plan=plan)
        .select_related("period", "created_by")
        .prefetch_related("changes__target__unit", "changes__target__indicator")
        .order_by("-effective_on", "-id")
    )
