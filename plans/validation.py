"""Checks of a period's target table, run on every change and every import.

Three kinds of finding:
- an "of which" child against its parent (a split must equal the parent, a subset must not
  exceed it), for every unit row and for the province;
- the sum of the unit allocations against the province target of the same indicator;
- (kept from imports, see ``plans.models.ImportFinding``) what only an imported file can show,
  such as a printed totals row that differs from the sum of its rows.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.text import format_int
from plans.models import Indicator, Period, PlanUnit, Relation, Target

ERROR = "error"
WARNING = "warning"
INFO = "info"


@dataclass(frozen=True)
class Finding:
    severity: str
    message: str
    unit_id: int | None = None
    indicator_id: int | None = None


@dataclass(frozen=True)
class PartOverTotal:
    """An "of which" part above its total in one row: ``kid`` above ``parent`` (``value`` is the
    kid's), or, with ``kid`` None, the split parts of ``parent`` adding up to ``value``."""

    parent: Indicator
    kid: Indicator | None
    value: int
    total: int


def parts_over_total(
    values: dict[int, int | None], indicators: list[Indicator]
) -> list[PartOverTotal]:
    """What refuses a row of targets, the same for the Excel import and the web editors: any
    "of which" part (split or subset) above its total, or split parts that add up to more
    (reported once, when no single part is already above). values maps indicator id → value."""
    found = []
    for parent in indicators:
        total = values.get(parent.pk)
        kids = [i for i in indicators if i.parent_id == parent.pk]
        if total is None or not kids:
            continue
        for kid in kids:
            value = values.get(kid.pk)
            if value is not None and value > total:
                found.append(PartOverTotal(parent, kid, value, total))
        split = [values.get(k.pk) for k in kids if k.relation == Relation.SPLIT]
        split_sum = sum(v for v in split if v is not None)
        if split_sum > total and all(v is None or v <= total for v in split):
            found.append(PartOverTotal(parent, None, split_sum, total))
    return found


def check_children(
    values: dict[int, int | None], indicators: list[Indicator], where: str
) -> list[Finding]:
    """values maps indicator id → value for one row (a unit or the province)."""
    findings = []
    for parent in indicators:
        kids = [i for i in indicators if i.parent_id == parent.pk]
        parent_value = values.get(parent.pk)
        if not kids or parent_value is None:
            continue
        split = [k for k in kids if k.relation == Relation.SPLIT]
        for kid in kids:
            kid_value = values.get(kid.pk)
            if (
                kid.relation == Relation.SUBSET
                and kid_value is not None
                and kid_value > parent_value
            ):
                findings.append(
                    Finding(
                        ERROR,
                        _("%(where)s: “%(kid)s” (%(kv)s) vượt quá “%(parent)s” (%(pv)s).")
                        % {
                            "where": where,
                            "kid": kid.header,
                            "kv": format_int(kid_value),
                            "parent": parent.header,
                            "pv": format_int(parent_value),
                        },
                        indicator_id=kid.pk,
                    )
                )
        split_values = [values.get(k.pk) for k in split]
        assigned = [v for v in split_values if v is not None]
        if not assigned:
            continue
        total = sum(assigned)
        complete = len(assigned) == len(split)
        if (complete and total != parent_value) or (not complete and total > parent_value):
            findings.append(
                Finding(
                    ERROR,
                    _(
                        "%(where)s: các mục “Trong đó” của “%(parent)s” cộng lại %(total)s, "
                        "khác chỉ tiêu %(pv)s."
                    )
                    % {
                        "where": where,
                        "parent": parent.header,
                        "total": format_int(total),
                        "pv": format_int(parent_value),
                    },
                    indicator_id=parent.pk,
                )
            )
    return findings


def check_allocation(
    indicator: Indicator, parent_value: int | None, child_values, parent_label: str
) -> list[Finding]:
    """The allocations to the units below against the target of the unit above, for one
    indicator: under the target is an error, over it a warning (none for a "trở lên" minimum).
    An average or a percentage (``Indicator.is_ratio``) is each unit's own and is not summed."""
    assigned = [v for v in child_values if v is not None]
    if indicator.is_ratio or parent_value is None or not assigned:
        return []
    total = sum(assigned)
    values = {
        "ind": indicator.header,
        "total": format_int(total),
        "pv": format_int(parent_value),
        "parent": parent_label,
    }
    if total < parent_value:
        return [
            Finding(
                ERROR,
                _(
                    "“%(ind)s”: tổng giao cho các đơn vị là %(total)s, "
                    "thấp hơn chỉ tiêu %(parent)s %(pv)s."
                )
                % values,
                indicator_id=indicator.pk,
            )
        ]
    if total > parent_value and not indicator.is_minimum:
        return [
            Finding(
                WARNING,
                _(
                    "“%(ind)s”: tổng giao cho các đơn vị là %(total)s, "
                    "cao hơn chỉ tiêu %(parent)s %(pv)s."
                )
                % values,
                indicator_id=indicator.pk,
            )
        ]
    return []


def validate_period(period: Period) -> list[Finding]:
    plan = period.plan
    indicators = list(plan.indicators.all())
    plan_units = list(PlanUnit.objects.filter(plan=plan).select_related("unit"))
    values: dict[tuple[int, int], int | None] = {
        (t.unit_id, t.indicator_id): t.value
        for t in Target.objects.filter(period=period).only("unit_id", "indicator_id", "value")
    }
    findings: list[Finding] = []

    def row_of(unit_id):
        return {ind.pk: values.get((unit_id, ind.pk)) for ind in indicators}

    province_id = plan.issuing_unit_id
    findings += check_children(row_of(province_id), indicators, _("Toàn tỉnh"))
    for plan_unit in plan_units:
        for finding in check_children(row_of(plan_unit.unit_id), indicators, plan_unit.unit.name):
            findings.append(
                Finding(finding.severity, finding.message, plan_unit.unit_id, finding.indicator_id)
            )

    unassigned_units = 0
    for plan_unit in plan_units:
        if all(values.get((plan_unit.unit_id, ind.pk)) is None for ind in indicators):
            unassigned_units += 1
    if plan_units and unassigned_units == len(plan_units):
        findings.append(Finding(INFO, _("Chưa giao chỉ tiêu cho đơn vị nào trong đợt này.")))
        return findings
    if unassigned_units:
        findings.append(
            Finding(
                INFO,
                _("%(n)s đơn vị chưa được giao chỉ tiêu nào trong đợt này.")
                % {"n": unassigned_units},
            )
        )

    for indicator in indicators:
        unit_values = [values.get((pu.unit_id, indicator.pk)) for pu in plan_units]
        findings += check_allocation(
            indicator, values.get((province_id, indicator.pk)), unit_values, _("toàn tỉnh")
        )
    return findings


def stored_findings(period: Period) -> list[Finding]:
    return [
        Finding(WARNING, f"{f.source} — {f.location}: {f.message}" if f.location else f.message)
        for f in period.import_findings.all()
    ]


def all_findings(period: Period) -> list[Finding]:
    return validate_period(period) + stored_findings(period)
