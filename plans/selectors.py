"""Read queries for plans, scoped to what the user may see."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.permissions import restrict, sees_all_units
from organisation.models import UnitPath
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
    rows = restrict(PlanUnit.objects.filter(plan=plan), user, "view")
    return set(rows.values_list("unit_id", flat=True))


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
    keep the target they were measured against. Two queries.
    """
    from plans.models import AmendmentChange, Target

    targets = Target.objects.filter(period=period)
    if unit_ids is not None:
        targets = targets.filter(unit_id__in=list(unit_ids))
    values = {
        (t["unit_id"], t["indicator_id"]): t["value"]
        for t in targets.values("unit_id", "indicator_id", "value")
    }
    later = AmendmentChange.objects.filter(
        target__period=period, amendment__effective_on__gt=on_date
    )
    if unit_ids is not None:
        later = later.filter(target__unit_id__in=list(unit_ids))
    seen = set()
    for unit_id, indicator_id, old in later.order_by("amendment__effective_on", "id").values_list(
        "target__unit_id", "target__indicator_id", "old_value"
    ):
        key = (unit_id, indicator_id)
        if key not in seen:
            seen.add(key)
            values[key] = old
    return values


def amendments_of(plan: Plan):
    from plans.models import Amendment

    return (
        Amendment.objects.filter(plan=plan)
        .select_related("period", "created_by")
        .prefetch_related("changes__target__unit", "changes__target__indicator")
        .order_by("-effective_on", "-id")
    )
