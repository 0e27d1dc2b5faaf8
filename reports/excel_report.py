"""Excel "Biểu tổng hợp kết quả": the allocation table's layout with target, achieved and %.

Drawn by ``core.excel.write_official_sheet`` from ``reports.figures.result_layout`` (the plan's
indicator header with three sub-columns each), so it matches the allocation table exactly.
"""

from __future__ import annotations

from openpyxl import Workbook

from core.excel import OfficialSheet, workbook_bytes, write_official_sheet
from reports.document import ReportDocument
from reports.figures import SUBCOLUMNS, flat_values, result_layout

PERCENT_FORMAT = "0.0"


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
    write_official_sheet(
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
    return workbook


def xlsx_bytes(doc: ReportDocument) -> bytes:
    return workbook_bytes(build_workbook(doc))
