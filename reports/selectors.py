"""Read queries for reports: the calendar, who has handed in, the consolidated figures."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from organisation.models import Unit
from plans.models import Plan, PlanUnit
from plans.selectors import plans_for
from reports.figures import Figures, differences, live_figures, with_totals
from reports.models import Report, ReportingDeadline, Status


def deadlines_for(user, plan: Plan | None = None) -> QuerySet[ReportingDeadline]:
    queryset = ReportingDeadline.objects.filter(plan__in=plans_for(user))
    if plan is not None:
        queryset = queryset.filter(plan=plan)
    return queryset.select_related("plan", "period", "plan__issuing_unit")


def get_deadline_for(user, pk: int) -> ReportingDeadline:
    return get_object_or_404(deadlines_for(user), pk=pk)


def find_deadline(plan: Plan, code: str | None) -> ReportingDeadline | None:
    """By the deadline's code, or a plan period's code; none given: the end-of-campaign one."""
    deadlines = ReportingDeadline.objects.filter(plan=plan).select_related("plan", "period")
    if code:
        return (
            deadlines.filter(code=code).first()
            or deadlines.filter(period__code=code).order_by("-kind", "sort_order").first()
        )
    return deadlines.filter(kind="campaign").first() or deadlines.last()


def expected_units(deadline: ReportingDeadline) -> list[Unit]:
    """The units that must report: the plan's rows (TT order)."""
    return [pu.unit for pu in PlanUnit.objects.filter(plan=deadline.plan).select_related("unit")]


def local_date(moment) -> datetime.date | None:
    return timezone.localdate(moment) if moment else None


@dataclass
class Submission:
    number: int
    unit: Unit
    report: Report | None
    due_on: datetime.date
    today: datetime.date

    @property
    def status(self) -> str:
        return self.report.status if self.report else ""

    @property
    def status_label(self) -> str:
        return self.report.get_status_display() if self.report else _("Chưa lập")

    @property
    def received(self) -> bool:
        return bool(self.report and self.report.status in Status.received())

    @property
    def first_submitted_on(self) -> datetime.date | None:
        return local_date(self.report.first_submitted_at) if self.report else None

    @property
    def on_time(self) -> bool:
        first = self.first_submitted_on
        return first is not None and first <= self.due_on

    @property
    def late(self) -> bool:
        first = self.first_submitted_on
        if first is None:
            return self.today > self.due_on
        return first > self.due_on

    @property
    def days_late(self) -> int | None:
        """Days from the due date to the first submission; None while not handed in (an
        unsubmitted report is "overdue since" its due date, never a count that grows daily)."""
        first = self.first_submitted_on
        if first is None:
            return None
        return max((first - self.due_on).days, 0)


@dataclass
class Consolidation:
    deadline: ReportingDeadline
    rows: list[Submission]
    today: datetime.date

    @property
    def expected(self) -> int:
        return len(self.rows)

    @property
    def received(self) -> int:
        return sum(1 for r in self.rows if r.received)

    @property
    def on_time(self) -> int:
        return sum(1 for r in self.rows if r.on_time)

    @property
    def late(self) -> int:
        return sum(1 for r in self.rows if r.late)

    @property
    def accepted(self) -> int:
        return sum(1 for r in self.rows if r.status == Status.ACCEPTED)

    @property
    def awaiting(self) -> list[Submission]:
        return [r for r in self.rows if r.status in Status.awaiting_review()]

    def _pct(self, count: int) -> float | None:
        return round(count * 100 / self.expected, 1) if self.expected else None

    @property
    def completeness(self) -> float | None:
        return self._pct(self.received)

    @property
    def timeliness(self) -> float | None:
        return self._pct(self.on_time)


def consolidation(deadline: ReportingDeadline, today=None) -> Consolidation:
    today = today or timezone.localdate()
    reports = {
        r.unit_id: r
        for r in Report.objects.filter(deadline=deadline).select_related("unit", "updated_by")
    }
    rows = [
        Submission(pu.row_number, pu.unit, reports.get(pu.unit_id), deadline.due_on, today)
        for pu in PlanUnit.objects.filter(plan=deadline.plan).select_related("unit")
    ]
    return Consolidation(deadline, rows, today)


def frozen_figures(report: Report) -> Figures | None:
    """The figures the unit handed in (submitted, resubmitted, accepted); None while it is a
    draft or returned for correction (then its figures are live)."""
    if not report.snapshot or report.status not in Status.received():
        return None
    return Figures.from_snapshot(report.snapshot)


def report_figures(report: Report) -> Figures:
    """What the report states: the figures frozen at submission (and again at acceptance) once
    handed in, live ones while it is a draft or returned."""
    if report.unit_id == report.deadline.plan.issuing_unit_id:
        return consolidated_figures(report.deadline)
    frozen = frozen_figures(report)
    return frozen if frozen is not None else live_figures(report.deadline, [report.unit_id])


def unit_figures(deadline: ReportingDeadline, unit: Unit) -> Figures:
    if unit.pk == deadline.plan.issuing_unit_id:
        return consolidated_figures(deadline)
    report = Report.objects.filter(deadline=deadline, unit=unit).first()
    if report is not None:
        return report_figures(report)
    return live_figures(deadline, [unit.pk])


def report_differences(report: Report):
    frozen = frozen_figures(report)
    if frozen is None:
        return []
    return differences(frozen, live_figures(report.deadline, [report.unit_id]))


def consolidated_figures(deadline: ReportingDeadline) -> Figures:
    """Every plan unit's row: accepted figures where the report is accepted, live otherwise.

    The "Cộng" row adds the rows; ``extra['province_targets']`` holds the province's own
    targets from the plan text and ``extra['live']`` the all-live table for comparison.
    """
    unit_ids = [u.pk for u in expected_units(deadline)]
    live = live_figures(deadline, unit_ids)
    accepted = {
        r.unit_id: Figures.from_snapshot(r.snapshot)
        for r in Report.objects.filter(deadline=deadline, status=Status.ACCEPTED)
        if r.snapshot
    }
    rows = []
    for row in live.rows:
        frozen = accepted.get(row.unit_id)
        frozen_row = frozen.row_for(row.unit_id) if frozen else None
        if frozen_row is None:
            row.note = "Chưa duyệt (số liệu trực tiếp)"
            rows.append(row)
            continue
        cells = []
        for column, live_cell in zip(live.columns, row.cells, strict=True):
            cell = frozen.value(row.unit_id, column.indicator_id)
            cells.append(cell if cell is not None else live_cell)
        rows.append(
            type(row)(row.number, row.unit_id, row.unit_name, cells, "Đã duyệt", accepted=True)
        )
    figures = Figures(
        columns=live.columns,
        rows=rows,
        as_of=live.as_of,
        quarterly=live.quarterly,
    )
    province = deadline.plan.issuing_unit_id
    province_targets = live_figures_targets(deadline, province)
    with_totals(figures, province_targets)
    figures.extra["live"] = live
    return figures


def live_figures_targets(deadline: ReportingDeadline, unit_id: int) -> dict[int, int | None]:
    from plans.models import Target

    return dict(
        Target.objects.filter(period=deadline.period, unit_id=unit_id).values_list(
            "indicator_id", "value"
        )
    )


@dataclass
class DueItem:
    deadline: ReportingDeadline
    unit: Unit
    report: Report | None
    today: datetime.date

    @property
    def days_left(self) -> int:
        return (self.deadline.due_on - self.today).days

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return max(-self.days_left, 0)

    @property
    def soon(self) -> bool:
        return 0 <= self.days_left <= self.deadline.remind_days_before

    @property
    def status_label(self) -> str:
        return self.report.get_status_display() if self.report else _("Chưa lập")


def due_for_unit(unit: Unit, today=None) -> list[DueItem]:
    """Reports the unit still has to hand in (not yet submitted, or returned), by due date."""
    today = today or timezone.localdate()
    plans = PlanUnit.objects.filter(unit=unit).values("plan_id")
    deadlines = ReportingDeadline.objects.filter(plan_id__in=plans).select_related("plan", "period")
    reports = {r.deadline_id: r for r in Report.objects.filter(unit=unit, deadline__in=deadlines)}
    items = []
    for deadline in deadlines.order_by("due_on"):
        report = reports.get(deadline.pk)
        if report is not None and report.status not in Status.editable():
            continue
        items.append(DueItem(deadline, unit, report, today))
    return items
