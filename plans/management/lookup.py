"""Plan and period look-up shared by the plans commands, with their Vietnamese errors."""

from django.core.management.base import CommandError

from plans import selectors


def plan_and_period(plan_number: str, period_text: str | None):
    """(plan, period or None) named on the command line; CommandError if either is unknown."""
    plan = selectors.get_plan_by_number(plan_number)
    if plan is None:
        raise CommandError(f"Không tìm thấy kế hoạch số “{plan_number}”.")
    if not period_text:
        return plan, None
    period = selectors.find_period(plan, period_text)
    if period is None:
        codes = ", ".join(plan.periods.values_list("code", flat=True))
        raise CommandError(
            f"Kế hoạch {plan.number} không có đợt “{period_text}” (các đợt: {codes})."
        )
    return plan, period
