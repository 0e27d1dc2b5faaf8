"""Plans, their periods and indicators, and the targets in force (rows scoped to the user)."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Path, Query, Router, Schema

from accounts.permissions import unit_ids
from api.common import MAX_ID, MAX_LIMIT, Day, Page, date_text, page
from plans import selectors as plan_selectors
from plans.models import Indicator, PlanUnit

router = Router(tags=["plans"])


class PlanOut(Schema):
    id: int
    number: str
    issued_on: str
    issuing_unit_id: int
    issuing_unit: str
    title: str
    year: int
    status: str


class PeriodOut(Schema):
    code: str
    name: str
    start: str
    end: str


class IndicatorOut(Schema):
    id: int
    code: str
    name: str
    header: str
    group_header: str
    parent_id: int | None
    relation: str
    measure: str
    sectors: list[str]
    unit_of_measure: str
    is_minimum: bool
    threshold: int | None


class PlanUnitOut(Schema):
    row_number: int
    unit_id: int
    unit: str


class PlanDetail(PlanOut):
    periods: list[PeriodOut]
    indicators: list[IndicatorOut]
    units: list[PlanUnitOut]


class TargetOut(Schema):
    unit_id: int
    indicator_id: int
    value: int | None


class TargetsOut(Schema):
    plan_id: int
    period: str
    on: str
    targets: list[TargetOut]


def plan_row(plan) -> dict:
    return {
        "id": plan.pk,
        "number": plan.number,
        "issued_on": plan.issued_on.isoformat(),
        "issuing_unit_id": plan.issuing_unit_id,
        "issuing_unit": plan.issuing_unit.name,
        "title": plan.title,
        "year": plan.year,
        "status": plan.status,
    }


def indicator_row(indicator) -> dict:
    return {
        "id": indicator.pk,
        "code": indicator.code,
        "name": indicator.name,
        "header": indicator.header,
        "group_header": indicator.group_header,
        "parent_id": indicator.parent_id,
        "relation": indicator.relation,
        "measure": indicator.measure,
        "sectors": indicator.sector_list,
        "unit_of_measure": indicator.unit_of_measure,
        "is_minimum": indicator.is_minimum,
        "threshold": indicator.threshold,
    }


def period_row(period) -> dict:
    return {
        "code": period.code,
        "name": period.name,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
    }


def get_plan(request, plan_id: int):
    return plan_selectors.get_plan_for(request.user, plan_id)


def get_period(plan, code: str):
    return get_object_or_404(plan.periods.all(), code=code)


@router.get("/plans", response=Page[PlanOut], url_name="plans", summary="Các kế hoạch")
def plans(
    request,
    year: int | None = Query(None, ge=1900, le=2999),
    limit: int = Query(50, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=10**9),
):
    rows = plan_selectors.plans_for(request.user).order_by("-year", "-issued_on", "-id")
    if year is not None:
        rows = rows.filter(year=year)
    return page(rows, limit, offset, plan_row)


@router.get("/plans/{int:plan_id}", response=PlanDetail, url_name="plan", summary="Một kế hoạch")
def plan(request, plan_id: int = Path(..., ge=1, le=MAX_ID)):
    """Header, periods, indicators (the "of which" tree by parent_id) and receiving units."""
    found = get_plan(request, plan_id)
    indicators = Indicator.objects.filter(plan=found).select_related("plan")
    units = PlanUnit.objects.filter(plan=found).select_related("unit").order_by("row_number")
    return {
        **plan_row(found),
        "periods": [period_row(p) for p in found.periods.order_by("sort_order", "start")],
        "indicators": [indicator_row(i) for i in indicators.order_by("sort_order", "id")],
        "units": [
            {"row_number": u.row_number, "unit_id": u.unit_id, "unit": u.unit.name} for u in units
        ],
    }


@router.get(
    "/plans/{int:plan_id}/periods/{slug:period}/targets",
    response=TargetsOut,
    url_name="targets",
    summary="Chỉ tiêu đang có hiệu lực",
)
def targets(
    request,
    plan_id: int = Path(..., ge=1, le=MAX_ID),
    period: str = Path(..., max_length=30),
    on: Day | None = None,
    unit: int | None = Query(None, ge=1, le=MAX_ID),
):
    """The targets in force on `on` (default today, within the period) of the units the
    account may see (`plans.selectors.targets_in_force`: an amendment after `on` is undone)."""
    found = get_plan(request, plan_id)
    current = get_period(found, period)
    on_date = on or min(max(timezone.localdate(), current.start), current.end)
    allowed = unit_ids(request.user, "view")
    wanted = None if allowed is None else allowed
    if unit is not None:
        if allowed is not None and unit not in allowed:
            wanted = set()
        else:
            wanted = {unit}
    values = plan_selectors.targets_in_force(current, on_date, unit_ids=wanted)
    rows = [
        {"unit_id": u, "indicator_id": i, "value": v}
        for (u, i), v in sorted(values.items())
        if wanted is None or u in wanted
    ]
    return {"plan_id": found.pk, "period": current.code, "on": date_text(on_date), "targets": rows}
