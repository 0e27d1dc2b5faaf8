"""A union's own allocation form: its units below it as rows, the plan's indicators as columns.

The same official layout as the province's form (``core.excel``), titled with the allocating
union; the import reads it (bounded, ``plans.excel_import.read_grids``) with ``SheetReader`` against those units, so the
same layouts are accepted, and writes through ``plans.services.allocate_targets`` (all or
nothing, each unit's permission checked). The union's own target is not a row of its form.
"""

from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.excel import OfficialSheet, write_official_sheet
from plans.excel_export import TITLE, attached_line, sheet_name
from plans.excel_import import ImportFailed, Problem, SheetReader, find_header, read_grids
from plans.models import Period, Target
from plans.table import header_layout


def cascade_workbook(period: Period, parent) -> Workbook:
    from plans.services import cascade_children

    plan = period.plan
    layout = header_layout(plan, period)
    kids = cascade_children(period, parent)
    values = {
        (t.unit_id, t.indicator_id): t.value
        for t in Target.objects.filter(period=period, unit__in=kids)
    }
    rows = [
        (n, kid.name, [values.get((kid.pk, ind.pk)) for ind in layout.columns], "")
        for n, kid in enumerate(kids, start=1)
    ]
    totals = []
    for ind in layout.columns:
        present = [values[(k.pk, ind.pk)] for k in kids if values.get((k.pk, ind.pk)) is not None]
        totals.append(None if ind.is_ratio or not present else sum(present))
    workbook = Workbook()
    write_official_sheet(
        workbook,
        OfficialSheet(
            name=sheet_name(period),
            federation=parent.name.upper(),
            title=TITLE,
            subtitle=_("%(unit)s giao chỉ tiêu cho đơn vị trực thuộc — %(period)s")
            % {"unit": parent.name, "period": period.name},
            attached_line=attached_line(plan),
            header_cells=layout.cells,
            header_depth=layout.depth,
            data_columns=len(layout.columns),
            rows=rows,
            totals=totals,
            extra_rows=[],
        ),
    )
    return workbook


def import_cascade(*, source, period: Period, parent, user) -> int:
    """Read the union's form (its first sheet with a table) and allocate; ImportFailed lists
    every problem, nothing is saved. Returns the number of cells changed."""
    from organisation.models import Unit
    from plans.services import CellChange, TargetError, allocate_targets, cascade_children
    from plans.table import ordered_indicators

    grids = read_grids(source)
    kids = cascade_children(period, parent)
    units = Unit.objects.filter(pk__in=[k.pk for k in kids])
    indicators = ordered_indicators(period.plan)
    problems, parsed = [], None
    for grid in grids:
        if find_header(grid) is None:
            continue
        reader = SheetReader(grid, period.plan, period, indicators, units)
        parsed = reader.read()
        problems += reader.problems
        break
    if parsed is None and not problems:
        problems.append(
            Problem(message=_("không trang tính nào có biểu (cần có ô “TT” và ô “Đơn vị”)."))
        )
    if parsed is not None and parsed.province is not None:
        problems.append(
            Problem(
                parsed.title,
                parsed.province.row,
                message=_("biểu của đơn vị không có dòng chỉ tiêu toàn tỉnh."),
            )
        )
    if problems:
        raise ImportFailed(problems)
    by_id = {i.pk: i for i in indicators}
    existing = {
        (t.unit_id, t.indicator_id): t.value
        for t in Target.objects.filter(period=period, unit__in=kids)
    }
    cells = [
        CellChange(row.unit, by_id[ind_id], value)
        for row in parsed.rows
        for ind_id, value in row.values.items()
        if value is not None and existing.get((row.unit.pk, ind_id)) != value
    ]
    try:
        return allocate_targets(user=user, period=period, parent=parent, cells=cells)
    except TargetError as exc:
        raise ImportFailed([Problem(parsed.title, message=str(exc))]) from exc
