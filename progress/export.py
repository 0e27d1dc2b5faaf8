"""The results table (biểu kết quả) in the allocation table's official layout.

Each indicator column of the allocation table becomes three: target (Chỉ tiêu), achieved
(Thực hiện) and % (Tỷ lệ), under the same merged group headers.
"""

from django.utils import timezone
from openpyxl import Workbook

from core.excel import OfficialSheet, workbook_bytes, write_official_sheet
from core.text import clean
from plans.models import Period
from plans.table import HeaderCell, Layout
from progress.dashboard import build

SUBCOLUMNS = ["Chỉ tiêu", "Thực hiện", "Tỷ lệ (%)"]
PERCENT_FORMAT = '0.0"%"'
NUMBER_FORMAT = "#,##0"


def expanded_header(layout: Layout) -> tuple[list[HeaderCell], int]:
    """The allocation table's header with every column split into target/achieved/%."""
    width = len(SUBCOLUMNS)
    cells = [
        HeaderCell(c.text, c.row, c.col * width, rowspan=c.rowspan, colspan=c.colspan * width)
        for c in layout.cells
    ]
    for col in range(len(layout.columns)):
        for offset, text in enumerate(SUBCOLUMNS):
            cells.append(HeaderCell(text, layout.depth, col * width + offset))
    return cells, layout.depth + 1


def _triple(cell) -> list:
    return [cell.target, cell.achieved, cell.percent]


def results_workbook(period: Period, visible_unit_ids=None, today=None) -> Workbook:
    board = build(period, visible_unit_ids=visible_unit_ids, today=today)
    plan = period.plan
    header_cells, depth = expanded_header(board.layout)
    columns = len(board.layout.columns) * len(SUBCOLUMNS)
    rows = [
        (r.number, r.unit.name, [v for c in r.cells for v in _triple(c)], "") for r in board.rows
    ]
    totals, extra = None, []
    if board.province is not None:
        totals = []
        for index, indicator in enumerate(board.layout.columns):
            if indicator.is_ratio:  # an average or a share is not summed over units
                totals += [None, None, None]
                continue
            targets = [
                r.cells[index].target for r in board.rows if r.cells[index].target is not None
            ]
            target = sum(targets) if targets else None
            done = sum(r.cells[index].achieved for r in board.rows)
            percent = round(100 * done / target, 1) if target else None
            totals += [target, done, percent]
        extra = [
            ("Toàn tỉnh (chỉ tiêu kế hoạch)", [v for c in board.province.cells for v in _triple(c)])
        ]
    as_of = board.as_of.strftime("%d/%m/%Y")
    federation = clean(plan.issuing_unit.name).upper()
    workbook = Workbook()
    write_official_sheet(
        workbook,
        OfficialSheet(
            name=period.name,
            federation=federation,
            title="BIỂU TỔNG HỢP KẾT QUẢ THỰC HIỆN CHỈ TIÊU",
            subtitle=period.table_title or period.name,
            attached_line=(
                f"(Theo Kế hoạch số {plan.number}, ngày {plan.issued_on:%d/%m/%Y}; "
                f"số liệu tính đến ngày {as_of}, lập ngày "
                f"{timezone.localdate():%d/%m/%Y})"
            ),
            header_cells=header_cells,
            header_depth=depth,
            data_columns=columns,
            rows=rows,
            totals=totals,
            extra_rows=extra,
            number_formats=[NUMBER_FORMAT, NUMBER_FORMAT, PERCENT_FORMAT]
            * len(board.layout.columns),
        ),
    )
    return workbook


def results_bytes(period: Period, visible_unit_ids=None, today=None) -> bytes:
    return workbook_bytes(results_workbook(period, visible_unit_ids, today))
