"""A report's figures: target, achieved and % per unit and indicator, live or frozen.

Achieved figures come from the progress app (``progress.selectors.achieved``); nothing is
aggregated here. A quarterly report is measured against the year's targets with the figure
accumulated from the start of the year to the end of the quarter ("lũy kế"), and also shows the
quarter's own figure; the end-of-campaign report is measured against the peak month's targets.

Once a report is accepted its figures are frozen as JSON (``Figures.to_snapshot``); a frozen
table is read back with ``Figures.from_snapshot`` and compared with the live one by
``differences``.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from organisation.models import Unit
from plans.models import PlanUnit
from plans.selectors import targets_in_force
from plans.table import HeaderCell, header_layout, ordered_indicators
from progress import selectors as progress_selectors

SNAPSHOT_FORMAT = 1


@dataclass(frozen=True)
class DateRange:
    """A Period-like range inside a plan, for ``progress.selectors.achieved``."""

    plan: object
    plan_id: int
    start: datetime.date
    end: datetime.date


def achieved_over(plan, start, end, unit_ids) -> dict[tuple[int, int], int]:
    """(unit_id, indicator_id) -> achieved over start..end."""
    return progress_selectors.achieved(DateRange(plan, plan.pk, start, end), list(unit_ids))


@dataclass
class Cell:
    target: int | None
    achieved: int | None
    in_range: int | None = None  # quarterly: the quarter's own figure

    @property
    def percent(self) -> float | None:
        if self.target in (None, 0) or self.achieved is None:
            return None
        return round(self.achieved * 100 / self.target, 1)


@dataclass
class Column:
    indicator_id: int
    code: str
    header: str
    name: str = ""
    unit_of_measure: str = ""
    parent_id: int | None = None


@dataclass
class FigureRow:
    number: int | None
    unit_id: int | None
    unit_name: str
    cells: list[Cell]
    note: str = ""
    accepted: bool = False  # figures taken from an accepted report


@dataclass
class Figures:
    columns: list[Column]
    rows: list[FigureRow]
    as_of: datetime.date
    quarterly: bool
    totals: FigureRow | None = None
    taken_at: str = ""  # ISO datetime of the snapshot, for frozen figures
    extra: dict = field(default_factory=dict)

    def row_for(self, unit_id) -> FigureRow | None:
        return next((row for row in self.rows if row.unit_id == unit_id), None)

    def to_snapshot(self) -> dict:
        return {
            "format": SNAPSHOT_FORMAT,
            "taken_at": timezone.now().isoformat(),
            "as_of": self.as_of.isoformat(),
            "quarterly": self.quarterly,
            "columns": [dataclasses.asdict(c) for c in self.columns],
            "rows": [
                {
                    "number": row.number,
                    "unit_id": row.unit_id,
                    "unit_name": row.unit_name,
                    "target": [c.target for c in row.cells],
                    "achieved": [c.achieved for c in row.cells],
                    "in_range": [c.in_range for c in row.cells],
                }
                for row in self.rows
            ],
        }

    @classmethod
    def from_snapshot(cls, data: dict) -> Figures:
        columns = [Column(**c) for c in data["columns"]]
        rows = [
            FigureRow(
                number=r["number"],
                unit_id=r["unit_id"],
                unit_name=r["unit_name"],
                cells=[
                    Cell(t, a, i)
                    for t, a, i in zip(r["target"], r["achieved"], r["in_range"], strict=True)
                ],
                accepted=True,
            )
            for r in data["rows"]
        ]
        return cls(
            columns=columns,
            rows=rows,
            as_of=datetime.date.fromisoformat(data["as_of"]),
            quarterly=data["quarterly"],
            taken_at=data.get("taken_at", ""),
        )

    def value(self, unit_id, indicator_id) -> Cell | None:
        row = self.row_for(unit_id)
        if row is None:
            return None
        for column, cell in zip(self.columns, row.cells, strict=True):
            if column.indicator_id == indicator_id:
                return cell
        return None


@dataclass
class Difference:
    unit_name: str
    header: str
    accepted: int | None
    live: int | None

    @property
    def delta(self) -> int:
        return (self.live or 0) - (self.accepted or 0)


def differences(frozen: Figures, live: Figures) -> list[Difference]:
    """Achieved figures that changed in the records since the snapshot was taken."""
    found = []
    for row in frozen.rows:
        for column, cell in zip(frozen.columns, row.cells, strict=True):
            now = live.value(row.unit_id, column.indicator_id)
            live_value = now.achieved if now else None
            if live_value != cell.achieved:
                found.append(Difference(row.unit_name, column.header, cell.achieved, live_value))
    return found


def _percent_total(cells: list[Cell]) -> Cell:
    targets = [c.target for c in cells if c.target is not None]
    achieved = [c.achieved for c in cells if c.achieved is not None]
    in_range = [c.in_range for c in cells if c.in_range is not None]
    return Cell(
        sum(targets) if targets else None,
        sum(achieved) if achieved else None,
        sum(in_range) if in_range else None,
    )


def live_figures(deadline, unit_ids: list[int], *, today: datetime.date | None = None) -> Figures:
    """Figures computed now from the records, one row per unit in unit_ids (plan row order)."""
    plan = deadline.plan
    period = deadline.period
    today = today or timezone.localdate()
    indicators = ordered_indicators(plan)
    columns = [
        Column(i.pk, i.code, i.header, i.name, i.unit_of_measure, i.parent_id) for i in indicators
    ]
    # The target in force on the report's date: a later amendment leaves this report unchanged.
    targets = targets_in_force(period, min(today, deadline.end), unit_ids=unit_ids)
    start = min(period.start, deadline.start)
    cumulative = achieved_over(plan, start, deadline.end, unit_ids)
    quarterly = deadline.is_quarterly
    own = (
        achieved_over(plan, deadline.start, deadline.end, unit_ids)
        if quarterly and deadline.start != start
        else cumulative
    )
    numbers = dict(PlanUnit.objects.filter(plan=plan).values_list("unit_id", "row_number"))
    names = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name"))
    rows = []
    for unit_id in unit_ids:
        cells = []
        for column in columns:
            key = (unit_id, column.indicator_id)
            achieved = cumulative.get(key)
            in_range = own.get(key) if quarterly else None
            cells.append(Cell(targets.get(key), achieved, in_range))
        rows.append(FigureRow(numbers.get(unit_id), unit_id, names.get(unit_id, ""), cells))
    return Figures(
        columns=columns,
        rows=rows,
        as_of=min(today, deadline.end),
        quarterly=quarterly,
    )


def with_totals(figures: Figures, province_targets: dict[int, int | None] | None = None) -> Figures:
    """Add a "Cộng" row summing the rows (targets summed where given)."""
    count = len(figures.columns)
    totals = [_percent_total([row.cells[i] for row in figures.rows]) for i in range(count)]
    figures.totals = FigureRow(None, None, "Cộng", totals)
    if province_targets is not None:
        figures.extra["province_targets"] = [
            province_targets.get(c.indicator_id) for c in figures.columns
        ]
    return figures


# --- the header of a results table: every indicator column becomes target / achieved / % ---

SUBCOLUMNS = 3


def subheaders(quarterly: bool) -> list[str]:
    if quarterly:
        return ["Chỉ tiêu năm", "Lũy kế thực hiện", "Tỷ lệ (%)"]
    return ["Chỉ tiêu", "Thực hiện", "Tỷ lệ (%)"]


@dataclass
class ResultLayout:
    cells: list[HeaderCell]
    depth: int
    data_columns: int

    def rows(self) -> list[list[HeaderCell]]:
        return [
            sorted((c for c in self.cells if c.row == r), key=lambda c: c.col)
            for r in range(self.depth)
        ]


def result_layout(plan, period, quarterly: bool, labels: list[str] | None = None) -> ResultLayout:
    """The allocation table's header (plans.table.header_layout) with three sub-columns each."""
    base = header_layout(plan, period)
    cells = [
        HeaderCell(c.text, c.row, c.col * SUBCOLUMNS, c.rowspan, c.colspan * SUBCOLUMNS)
        for c in base.cells
    ]
    labels = labels or subheaders(quarterly)
    for index in range(len(base.columns)):
        for offset, label in enumerate(labels):
            cells.append(HeaderCell(label, base.depth, index * SUBCOLUMNS + offset))
    return ResultLayout(cells, base.depth + 1, len(base.columns) * SUBCOLUMNS)


def flat_values(row: FigureRow) -> list:
    """target, achieved, % for each indicator, in column order (for Excel and Word)."""
    values: list = []
    for cell in row.cells:
        values += [cell.target, cell.achieved, cell.percent]
    return values
