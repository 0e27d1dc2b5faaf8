"""The dashboard's figures: target, achieved, %, gap and pacing per unit × indicator.

A fixed number of queries whatever the number of units: plan units, indicators, targets, one
aggregate for every unit's figures, one per-day aggregate for the chart.
"""

import datetime
from dataclasses import dataclass, field
from functools import cache

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.rows import Columns, fetch
from organisation.models import Unit
from plans.models import Indicator, Period, PlanUnit
from plans.selectors import targets_in_force
from plans.table import Layout, header_layout, indicator_columns
from progress.charts import LineChart, line_chart
from progress.selectors import (
    MEASURE_KINDS,
    achieved,
    daily_indicator_sums,
    daily_values,
)
from progress.stock import Stock, stocks


class Pace:
    DONE = "done"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    NO_TARGET = "no_target"
    ZERO = "zero"  # a target of 0: nothing asked of the unit

    LABELS = {
        ZERO: _("Không giao"),
        DONE: _("Đã đạt"),
        ON_TRACK: _("Đúng tiến độ"),
        BEHIND: _("Chậm tiến độ"),
        NO_TARGET: _("Chưa giao"),
    }
    BADGES = {DONE: "ok", ON_TRACK: "info", BEHIND: "bad", NO_TARGET: "", ZERO: ""}


def elapsed_share(period: Period, today: datetime.date) -> float:
    """Share of the period elapsed on today (1 for a past period, 0 before it starts)."""
    if today >= period.end:
        return 1.0
    if today < period.start:
        return 0.0
    total = (period.end - period.start).days + 1
    return ((today - period.start).days + 1) / total


@dataclass
class Cell:
    indicator: Indicator
    target: int | None
    achieved: int
    share: float  # elapsed share of the period
    url: str = ""  # the records behind the figure (progress:records)

    @property
    def percent(self) -> float | None:
        if not self.target:
            return None
        return round(100 * self.achieved / self.target, 1)

    @property
    def gap(self) -> int | None:
        if self.target is None:
            return None
        return max(self.target - self.achieved, 0)

    @property
    def expected(self) -> float | None:
        return None if self.target is None else self.target * self.share

    @property
    def pace(self) -> str:
        if self.target is None:
            return Pace.NO_TARGET
        if self.target == 0:
            return Pace.ZERO
        if self.achieved >= self.target:
            return Pace.DONE
        if self.achieved >= self.expected:
            return Pace.ON_TRACK
        return Pace.BEHIND

    @property
    def pace_label(self):
        return Pace.LABELS[self.pace]

    @property
    def badge(self) -> str:
        return Pace.BADGES[self.pace]


@dataclass
class UnitRow:
    number: int | None
    unit: Unit
    cells: list[Cell]
    is_province: bool = False
    rank: int | None = None
    is_parent: bool = False  # the totals row of a drill-down (?under=): that unit's subtree
    stock: Stock | None = None  # members now (progress.stock), on the dashboard's date

    @property
    def score(self) -> float | None:
        """Mean completion (capped at 100 %) over the root indicators with a target > 0."""
        parts = [
            min(c.achieved / c.target, 1.0)
            for c in self.cells
            if c.indicator.parent_id is None and c.target
        ]
        return round(100 * sum(parts) / len(parts), 1) if parts else None


@dataclass
class RowsPage:
    """Which rows of a long dashboard are shown ("X–Y trong N"): its table, members now, charts
    and ranking show ``ROWS_PER_PAGE`` units at a time (figures, totals and ranks are computed
    over all of them)."""

    number: int
    pages: int
    count: int
    first: int  # 1-based position of the first row shown
    last: int

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None


ROWS_PER_PAGE = 100  # more would be a page of megabytes (701 rows: 3.5 MB of HTML)


def _page_of(rows: list, number) -> RowsPage:
    from django.core.paginator import Paginator

    page = Paginator(rows, ROWS_PER_PAGE).get_page(number)
    return RowsPage(
        page.number, page.paginator.num_pages, len(rows), page.start_index(), page.end_index()
    )


@dataclass
class Dashboard:
    period: Period
    layout: Layout
    as_of: datetime.date
    share: float
    rows: list[UnitRow]
    # The totals row: the province's (plan view, province users) or the drilled-into unit's.
    province: UnitRow | None
    ranking: list[UnitRow] = field(default_factory=list)
    # How many units of the same level were ranked (all plan rows, or all children of the
    # drilled-into unit), whatever the user may see: a rank reads "10/11".
    ranked_among: int = 0
    page: RowsPage | None = None  # None: every row is shown

    @property
    def elapsed_percent(self) -> float:
        return round(100 * self.share, 1)

    @property
    def measure_notes(self) -> list[Indicator]:
        """The "of which" columns measured otherwise than their parent (the legend names both
        measures): picked here, not by a template loop over every column."""
        return [
            ind
            for ind in self.layout.columns
            if ind.parent_id is not None and ind.parent and ind.measure != ind.parent.measure
        ]

    @property
    def stock_rows(self) -> list[UnitRow]:
        return [*([self.province] if self.province else []), *self.rows]

    @property
    def has_stock(self) -> bool:
        return any(r.stock and r.stock.members is not None for r in self.stock_rows)


def _records_link(period: Period):
    """unit_id, indicator_id -> the records URL: reversed once, not once per cell."""
    head, rest = reverse(
        "progress:records", args=[period.plan_id, period.code, 987654321, 987654322]
    ).split("987654321")
    middle, tail = rest.split("987654322")
    return lambda unit_id, indicator_id: f"{head}{unit_id}{middle}{indicator_id}{tail}"


def _share_parents(indicators) -> None:
    """Give each "of which" column its parent object once (the template reads ind.parent)."""
    by_id = {i.pk: i for i in indicators}
    missing = {i.parent_id for i in indicators if i.parent_id and i.parent_id not in by_id}
    if missing:
        by_id.update(Indicator.objects.in_bulk(missing))
    for indicator in indicators:
        if indicator.parent_id in by_id:
            indicator.parent = by_id[indicator.parent_id]


@cache
def _unit_columns() -> Columns:
    return Columns(Unit, "u")


def plan_rows(plan) -> tuple[list[tuple], list[tuple[int, Unit]]]:
    """The plan's indicators (rows for ``header_layout``) and (row number, unit) of its rows in
    their order (PlanUnit), in one hand-written query (core.rows): on PostgreSQL each statement
    costs ~0.15 ms of Python (psycopg), on a cached page as on a fresh one."""
    indicators = indicator_columns()
    units = _unit_columns()
    pad_indicator = ", ".join(["NULL"] * indicators.width)
    pad_unit = ", ".join(["NULL"] * (units.width + 1))
    rows = fetch(
        f"SELECT 0, i.sort_order, i.id, {indicators.sql}, {pad_unit} "
        f"FROM {Indicator._meta.db_table} i WHERE i.plan_id = %s "
        "UNION ALL "
        f"SELECT 1, pu.row_number, pu.id, {pad_indicator}, pu.row_number, {units.sql} "
        f"FROM {PlanUnit._meta.db_table} pu JOIN {Unit._meta.db_table} u ON u.id = pu.unit_id "
        "WHERE pu.plan_id = %s ORDER BY 1, 2, 3",
        [plan.pk, plan.pk],
    )
    start = 3 + indicators.width
    return (
        [row[3:start] for row in rows if row[0] == 0],
        [(row[start], units.load(row, start + 1)) for row in rows if row[0] == 1],
    )


def build(
    period: Period,
    *,
    visible_unit_ids: set[int] | None,
    parent: Unit | None = None,
    today: datetime.date | None = None,
    page=None,
) -> Dashboard:
    """Rows for the plan's units (or the children of ``parent``), plus a totals row.

    visible_unit_ids None = the user sees everything (province row included). With ``parent``
    the totals row is the parent's own subtree (the caller has checked the user may read it).
    Ranks are among every unit of the same level (all plan rows, or all of parent's children),
    computed in the same aggregate; only the visible rows are returned.
    """
    from organisation.selectors import children

    today = today or timezone.localdate()
    as_of = min(max(today, period.start), period.end)
    share = elapsed_share(period, today)
    plan = period.plan
    if parent is not None:
        layout = header_layout(plan, period)
        units = [(None, u) for u in children(parent, as_of)]
        total_unit = parent
    else:
        indicator_rows, units = plan_rows(plan)
        layout = header_layout(plan, period, rows=indicator_rows)
        total_unit = plan.issuing_unit if visible_unit_ids is None else None
    indicators = layout.columns
    _share_parents(indicators)
    ids = [u.pk for _, u in units]
    if total_unit is not None and total_unit.pk not in ids:
        ids.append(total_unit.pk)
    kinds = {u.pk: u.kind for _, u in units}
    if total_unit is not None:
        kinds[total_unit.pk] = total_unit.kind
    figures = achieved(period, ids, end=as_of, indicators=indicators, kinds=kinds)
    targets = targets_in_force(period, as_of, unit_ids=ids)
    link = _records_link(period)

    columns = [(ind, ind.pk) for ind in indicators]

    def row(number, unit, is_province=False):
        uid = unit.pk
        cells = [
            Cell(ind, targets.get((uid, pk)), figures[uid, pk], share, link(uid, pk))
            for ind, pk in columns
        ]
        return UnitRow(number, unit, cells, is_province)

    every = [row(n, u) for n, u in units]
    ranked = sorted(
        (r for r in every if r.score is not None),
        key=lambda r: (-r.score, r.number or 0, r.unit.name),
    )
    for position, r in enumerate(ranked, start=1):
        r.rank = position

    if visible_unit_ids is None:
        rows = every
    else:
        rows = [r for r in every if r.unit.pk in visible_unit_ids]
    shown = {r.unit.pk for r in rows}
    ranking = [r for r in ranked if r.unit.pk in shown]
    paging = None
    if len(rows) > ROWS_PER_PAGE:  # page ``page`` of the table, and the same ranks
        paging = _page_of(rows, page)
        rows = rows[paging.first - 1 : paging.last]
        ranking = ranking[paging.first - 1 : paging.last]
    total = None
    if total_unit is not None:
        total = row(None, total_unit, True)
        total.is_parent = parent is not None
    shown_rows = [*rows, *([total] if total else [])]
    now = stocks([r.unit for r in shown_rows], as_of)
    for r in shown_rows:
        r.stock = now[r.unit.pk]
    return Dashboard(
        period,
        layout,
        as_of,
        share,
        rows,
        total,
        ranking,
        ranked_among=len(ranked),
        page=paging,
    )


# The chart's geometry lives in progress.charts (pure functions); the name stays for callers.
Chart = LineChart


def cumulative_moves(
    period: Period, unit: Unit, indicator: Indicator, as_of: datetime.date
) -> dict[datetime.date, int | float]:
    """day -> what the day adds to the unit's figure, for the days with records (one query:
    daily_indicator_sums, or daily_values for the measures computed apart)."""
    if indicator.measure in MEASURE_KINDS:
        return daily_indicator_sums(indicator, period.start, as_of, unit.pk)
    return daily_values(indicator, period.start, as_of, unit.pk)


def cumulative_chart(
    period: Period,
    unit: Unit,
    indicator: Indicator,
    target: int | None,
    as_of: datetime.date,
    *,
    moves: dict | None = None,
) -> LineChart:
    """One query (``cumulative_moves``, unless given); the rest is arithmetic on at most one row
    per day. The chart carries its phone layout in ``narrow_chart`` (same series, 360-unit
    viewBox): a pure function of the moves, the target, the period and the as-of day."""
    if moves is None:
        moves = cumulative_moves(period, unit, indicator, as_of)
    series = []
    running = 0
    day = period.start
    one_day = datetime.timedelta(days=1)
    while day <= as_of:  # the days without records do not move the line
        running += moves.get(day, 0)
        series.append((day, running))
        day += one_day
    if indicator.is_ratio:
        series = [(d, round(v, 2)) for d, v in series]
    integer = not indicator.is_ratio
    chart = line_chart(series, period.start, period.end, target, integer=integer)
    chart.narrow_chart = line_chart(
        series, period.start, period.end, target, narrow=True, integer=integer
    )
    return chart
