"""Excel "Biểu tổng hợp kết quả": the allocation table's layout with target, achieved and %.

Drawn by ``core.excel.write_official_sheet`` from ``reports.figures.result_layout`` (the plan's
indicator header with three sub-columns each), so it matches the allocation table exactly.
"""

from __future__ import annotations

import math

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from core.excel import FIRST_HEADER_ROW, OfficialSheet, workbook_bytes, write_official_sheet
from reports.document import ReportDocument
from reports.figures import SUBCOLUMNS, flat_values, result_layout

PERCENT_FORMAT = "0.0"
VALUE_WIDTH = 8.5


def build_workbook(doc: ReportDocument) -> Workbook:
    deadline = doc.deadline
    plan = deadline.plan
    figures = doc.figures
    layout = result_layout(plan, deadline.period, figures.quarterly)
    formats = ["#,##0", "#,##0", PERCENT_FORMAT] * (layout.data_columns // SUBCOLUMNS)
    rows = [(row.number, row.unit_name, flat_values(row), row.note) for row in figures.rows]
    totals = flat_values(figures.totals) if doc.consolidated and figures.totals else None
    extra = []
    province_targets = figures.extra.get("province_targets") if doc.consolidated else None
    if province_targets:
        values = []
        for target in province_targets:
            values += [target, None, None]
        extra.append(("Chỉ tiêu toàn tỉnh (theo kế hoạch)", values))
    subtitle = deadline.period.table_title or deadline.period.name
    if figures.quarterly:
        subtitle = f"{subtitle} — {deadline.name}"
    number = doc.number_line.replace("Số:", "số").strip()
    attached = (
        f"(Kèm theo Báo cáo {number} của {doc.unit_name}; "
        f"{doc.figures_caption[:1].lower()}{doc.figures_caption[1:]})"
    )
    workbook = Workbook()
    sheet = write_official_sheet(
        workbook,
        OfficialSheet(
            name=deadline.name,
            federation=doc.issuer,
            title="BIỂU TỔNG HỢP KẾT QUẢ",
            subtitle=subtitle,
            attached_line=attached,
            header_cells=layout.cells,
            header_depth=layout.depth,
            data_columns=layout.data_columns,
            rows=rows,
            totals=totals,
            number_formats=formats,
            extra_rows=extra,
        ),
    )
    _narrow(sheet, layout)
    return workbook


def _narrow(ws, layout) -> None:
    """Three sub-columns per indicator make a wide table: narrow the value columns and let
    the header rows grow to fit their wrapped text (Excel does not grow rows by itself)."""
    first = positions_first_value_column()
    for index in range(layout.data_columns):
        ws.column_dimensions[get_column_letter(first + index)].width = VALUE_WIDTH
    needs: dict[int, int] = {}
    for cell in layout.cells:
        row = FIRST_HEADER_ROW + cell.row
        span = VALUE_WIDTH * cell.colspan - 1.5
        lines = sum(max(1, math.ceil(len(part) / span)) for part in cell.text.split("\n"))
        per_row = math.ceil(lines / cell.rowspan)
        for r in range(row, row + cell.rowspan):
            needs[r] = max(needs.get(r, 1), per_row)
    for row, lines in needs.items():
        ws.row_dimensions[row].height = lines * 15 + 2


def positions_first_value_column() -> int:
    return 3  # after "TT" and "Đơn vị" (core.excel.SheetPositions.first_value_column)


def xlsx_bytes(doc: ReportDocument) -> bytes:
    return workbook_bytes(build_workbook(doc))
