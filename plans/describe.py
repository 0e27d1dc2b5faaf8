"""The plan as the system understands it, as text (``manage.py describe_plan``)."""

from django.utils.translation import gettext as _

from core.text import format_int
from plans.models import Measure, Plan, PlanUnit
from plans.table import ordered_indicators


def describe(plan: Plan) -> list[str]:
    """Lines: header, periods with dates, the indicator tree (measure, filters, threshold,
    relation, unit of measure, minimum), then the receiving units in row order."""
    lines = [
        _("Kế hoạch %(number)s ngày %(date)s — %(status)s")
        % {
            "number": plan.number,
            "date": plan.issued_on.strftime("%d/%m/%Y"),
            "status": plan.get_status_display(),
        },
        _("Đơn vị ban hành: %(unit)s (%(body)s); năm %(year)s")
        % {"unit": plan.issuing_unit.name, "body": plan.issuing_body, "year": plan.year},
        plan.title,
        _("Ngưỡng doanh nghiệp của kế hoạch: từ %(n)s lao động trở lên (≥ %(n)s)")
        % {"n": plan.enterprise_min_workers},
        "",
        _("Các đợt:"),
    ]
    for period in plan.periods.all():
        lines.append(
            f"  - {period.name} [{period.code}]: {period.start:%d/%m/%Y} – {period.end:%d/%m/%Y}"
        )
    if not plan.periods.exists():
        lines.append("  " + _("(chưa có đợt nào)"))
    lines += ["", _("Chỉ tiêu:")]
    indicators = ordered_indicators(plan)
    for indicator in indicators:
        lines.append(_indicator_line(indicator))
    if not indicators:
        lines.append("  " + _("(chưa có chỉ tiêu nào)"))
    units = PlanUnit.objects.filter(plan=plan).select_related("unit")
    lines += ["", _("Đơn vị nhận chỉ tiêu (%(n)s):") % {"n": format_int(units.count())}]
    lines += [f"  {pu.row_number}. {pu.unit.name}" for pu in units]
    return lines


def _indicator_line(indicator) -> str:
    indent = "    ↳ " + _("Trong đó:") + " " if indicator.parent_id else "  • "
    parts = [
        _("đại lượng: %(m)s") % {"m": Measure(indicator.measure).label},
        _("khu vực: %(s)s")
        % {
            "s": "; ".join(indicator.sector_labels()) if indicator.sector_list else _("mọi khu vực")
        },
    ]
    if indicator.threshold:
        parts.append(_("ngưỡng: từ %(n)s lao động trở lên") % {"n": indicator.threshold})
    if indicator.parent_id:
        parts.append(_("quan hệ: %(r)s") % {"r": indicator.get_relation_display()})
    parts.append(_("đơn vị tính: %(u)s") % {"u": indicator.unit_of_measure})
    if indicator.is_minimum:
        parts.append(_("tối thiểu (trở lên)"))
    header = indicator.header
    if indicator.group_header:
        header = f"{indicator.group_header} › {header}"
    return f"{indent}{indicator.name} [{indicator.code}] “{header}” — " + "; ".join(parts)
