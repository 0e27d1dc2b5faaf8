"""The allocation table's shape, built from a plan's indicators (never from fixed columns).

Both the HTML page and the Excel form are drawn from ``header_layout`` and ``allocation_table``
so the two cannot drift apart. Indicators are laid out depth-first: a root indicator with
"of which" children becomes a column group (group header, the root's own column, "Trong đó:"
over the children); a root without children is one column spanning every header row.
"""

from dataclasses import dataclass, field
from functools import cache

from core.rows import Columns, fetch
from plans.models import Indicator, Period, PlanUnit, Target

OF_WHICH = "Trong đó:"


@dataclass
class HeaderCell:
    text: str
    row: int  # 0-based header row
    col: int  # 0-based index among indicator columns
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Layout:
    columns: list[Indicator]
    cells: list[HeaderCell]
    depth: int  # number of header rows

    def rows(self) -> list[list[HeaderCell]]:
        """Header cells grouped by row, left to right (for HTML tables)."""
        return [
            sorted((c for c in self.cells if c.row == r), key=lambda c: c.col)
            for r in range(self.depth)
        ]


@cache
def _indicator_columns() -> Columns:
    return Columns(Indicator, "i")


def indicator_columns() -> Columns:
    """The select list ``ordered_indicators`` reads (alias ``i``), for a caller that reads the
    indicators within a query of its own (``progress.dashboard.plan_rows``)."""
    return _indicator_columns()


def ordered_indicators(plan, rows=None) -> list[Indicator]:
    """Indicators depth-first in sort order: root, its children, next root, …

    Read by one hand-written query (core.rows: every page with a plan's table reads them), or
    from ``rows``: the same columns (``indicator_columns``) already read, in (sort_order, id)
    order."""
    columns = _indicator_columns()
    if rows is None:
        rows = fetch(
            f"SELECT {columns.sql} FROM {Indicator._meta.db_table} i WHERE i.plan_id = %s "
            "ORDER BY i.sort_order, i.id",
            [plan.pk],
        )
    indicators = []
    for row in rows:
        indicator = columns.load(row)
        indicator.plan = plan  # as plan.indicators.all() gives it
        indicators.append(indicator)
    by_parent: dict[int | None, list[Indicator]] = {}
    for indicator in indicators:
        by_parent.setdefault(indicator.parent_id, []).append(indicator)
    ordered: list[Indicator] = []

    def walk(parent_id):
        for indicator in by_parent.get(parent_id, []):
            ordered.append(indicator)
            walk(indicator.pk)

    walk(None)
    return ordered


def group_text(indicator: Indicator, period: Period | None) -> str:
    text = indicator.group_header or indicator.header
    if period is not None and period.header_suffix and indicator.group_header:
        text = f"{text} {period.header_suffix}"
    return text


def header_layout(plan, period: Period | None = None, *, rows=None) -> Layout:
    """``rows``: the indicators already read (see ``ordered_indicators``)."""
    columns = ordered_indicators(plan, rows)
    has_groups = any(ind.parent_id for ind in columns)
    depth = 3 if has_groups else 1
    cells: list[HeaderCell] = []
    col = 0
    roots = [ind for ind in columns if ind.parent_id is None]
    children_of = {root.pk: [c for c in columns if c.parent_id == root.pk] for root in roots}
    for root in roots:
        kids = children_of[root.pk]
        if not kids:
            cells.append(HeaderCell(group_text(root, period), 0, col, rowspan=depth))
            col += 1
            continue
        cells.append(HeaderCell(group_text(root, period), 0, col, colspan=len(kids) + 1))
        cells.append(HeaderCell(root.header, 1, col, rowspan=2))
        cells.append(HeaderCell(OF_WHICH, 1, col + 1, colspan=len(kids)))
        for offset, kid in enumerate(kids, start=1):
            cells.append(HeaderCell(kid.header, 2, col + offset))
        col += len(kids) + 1
    return Layout(columns=columns, cells=cells, depth=depth)


@dataclass
class Row:
    number: int | None
    unit: object
    values: list[int | None]
    encouraged: list[bool] = field(default_factory=list)
    note: str = ""

    @property
    def cells(self) -> list[dict]:
        return [
            {"value": value, "encouraged": encouraged}
            for value, encouraged in zip(self.values, self.encouraged, strict=True)
        ]


@dataclass
class AllocationTable:
    period: Period
    layout: Layout
    rows: list[Row]
    totals: list[int | None]
    province_targets: list[int | None]


def allocation_table(period: Period, visible_unit_ids=None) -> AllocationTable:
    """Rows in the plan's unit order; the totals row sums the rows that carry a value."""
    plan = period.plan
    layout = header_layout(plan, period)
    plan_units = list(PlanUnit.objects.filter(plan=plan).select_related("unit"))
    if visible_unit_ids is not None:
        plan_units = [pu for pu in plan_units if pu.unit_id in visible_unit_ids]
    targets = {
        (t.unit_id, t.indicator_id): t
        for t in Target.objects.filter(period=period).only(
            "unit_id", "indicator_id", "value", "encouraged", "note"
        )
    }
    notes = {n.unit_id: n for n in period.unit_notes.all()}
    rows = []
    for plan_unit in plan_units:
        cells = [targets.get((plan_unit.unit_id, ind.pk)) for ind in layout.columns]
        note = notes.get(plan_unit.unit_id)
        rows.append(
            Row(
                number=plan_unit.row_number,
                unit=plan_unit.unit,
                values=[t.value if t else None for t in cells],
                encouraged=[bool(t and t.encouraged) for t in cells],
                note=note.text if note else "",
            )
        )
    totals = []
    for index in range(len(layout.columns)):
        present = [row.values[index] for row in rows if row.values[index] is not None]
        totals.append(sum(present) if present else None)
    province = plan.issuing_unit_id
    province_targets = [
        targets[(province, ind.pk)].value if (province, ind.pk) in targets else None
        for ind in layout.columns
    ]
    return AllocationTable(period, layout, rows, totals, province_targets)
