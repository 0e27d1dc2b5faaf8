"""The plain list layout (core.excel.write_list_sheet): the look every list export keeps, read
back from the saved file."""

import datetime
import io

from openpyxl import Workbook, load_workbook

from core.excel import (
    DATE_FORMAT,
    LIST_HEADER_ROW,
    NATIONAL_BODY,
    NUMBER_FORMAT,
    ListSheet,
    workbook_bytes,
    write_list_sheet,
)

COLUMNS = [("STT", 6), ("Họ và tên", 28), ("Ngày kết nạp", 12), ("Lúc", 17), ("Ghi chú", 20)]
ROWS = [
    (1, "Lò Thị Mẩy", datetime.date(2024, 7, 2), datetime.datetime(2024, 7, 2, 9, 5), "mới"),
    (2, "Nguyễn Văn An", datetime.date(2024, 12, 31), datetime.datetime(2025, 1, 1, 8, 0), None),
    (1100, "=HYPERLINK(1)", None, None, 2.5),
]


def _written(**overrides):
    workbook = Workbook()
    values = dict(
        name="Sổ đoàn viên",
        federation="LIÊN ĐOÀN LAO ĐỘNG TỈNH LAI CHÂU",
        title="SỔ ĐOÀN VIÊN",
        subtitle="Mọi CĐCS — Xuất ngày 03/12/2026",
        columns=COLUMNS,
        rows=ROWS,
        number_formats=[None, None, None, "dd/mm/yyyy hh:mm"],
    )
    values.update(overrides)
    write_list_sheet(workbook, ListSheet(**values))
    return load_workbook(io.BytesIO(workbook_bytes(workbook))).active


def test_the_list_sheet_keeps_its_look():
    ws = _written()
    first, last = LIST_HEADER_ROW + 1, LIST_HEADER_ROW + len(ROWS)
    assert ws.title == "Sổ đoàn viên"
    assert ws["A1"].value == NATIONAL_BODY
    assert ws["A2"].font.b and ws["A2"].font.u == "single"
    assert ws["A3"].value == "SỔ ĐOÀN VIÊN" and ws["A3"].font.b and ws["A4"].font.i
    assert {"A1:C1", "A2:C2", "A3:E3", "A4:E4"} <= {str(r) for r in ws.merged_cells.ranges}
    # The header row: bold, grey, bordered, centred, wrapped.
    header = ws[LIST_HEADER_ROW]
    assert [c.value for c in header] == [h for h, _w in COLUMNS]
    for cell in header:
        assert cell.font.b and cell.font.name == "Times New Roman"
        assert cell.fill.fgColor.rgb.endswith("F2F2F2")
        assert cell.border.left.style == cell.border.bottom.style == "thin"
        assert cell.alignment.horizontal == "center" and cell.alignment.wrap_text
    # Every body cell, empty ones too: Times New Roman, not bold, thin borders all round.
    for row in ws.iter_rows(min_row=first, max_row=last):
        for cell in row:
            assert cell.font.name == "Times New Roman" and not cell.font.b, cell.coordinate
            sides = (cell.border.left, cell.border.right, cell.border.top, cell.border.bottom)
            assert all(side.style == "thin" for side in sides), cell.coordinate
    # Dates are real dates shown dd/mm/yyyy, centred; a column may say how its dates look.
    assert ws["C7"].is_date and ws["C7"].value == datetime.datetime(2024, 7, 2)
    assert ws["C7"].number_format == DATE_FORMAT and ws["C8"].number_format == DATE_FORMAT
    assert ws["C7"].alignment.horizontal == "center"
    assert ws["D7"].is_date and ws["D7"].value == datetime.datetime(2024, 7, 2, 9, 5)
    assert ws["D7"].number_format == "dd/mm/yyyy hh:mm"
    # Numbers are numbers with the grouping format (1.100 in a Vietnamese locale), right.
    assert ws["A9"].value == 1100 and ws["A9"].data_type == "n"
    assert ws["A9"].number_format == NUMBER_FORMAT == "#,##0"
    assert ws["A9"].alignment.horizontal == "right"
    assert ws["E9"].value == 2.5 and ws["E9"].number_format == NUMBER_FORMAT
    # Text wraps, is not a number format, and a formula-like text stays text.
    assert ws["B7"].alignment.wrap_text and ws["B7"].number_format == "General"
    assert ws["B9"].value == "=HYPERLINK(1)" and ws["B9"].data_type == "s"
    # Frozen below the header, an auto-filter over the list, the header repeated in print,
    # A4 landscape fitted to one page wide, the columns' widths.
    assert ws.freeze_panes == f"A{first}"
    assert ws.auto_filter.ref == f"A{LIST_HEADER_ROW}:E{last}"
    assert ws.print_title_rows == f"${LIST_HEADER_ROW}:${LIST_HEADER_ROW}"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert [ws.column_dimensions[c].width for c in "ABCDE"] == [w for _h, w in COLUMNS]


def test_an_empty_list_keeps_its_header_and_filter():
    ws = _written(rows=[])
    assert [c.value for c in ws[LIST_HEADER_ROW]] == [h for h, _w in COLUMNS]
    assert ws.max_row == LIST_HEADER_ROW
    assert ws.auto_filter.ref == f"A{LIST_HEADER_ROW}:E{LIST_HEADER_ROW}"


def test_cells_of_one_look_can_be_restyled_one_by_one():
    """Cells share their look's style ids by value, not by reference: a caller changing one
    cell afterwards (a row height, a format) changes no other."""
    workbook = Workbook()
    ws = write_list_sheet(
        workbook,
        ListSheet(name="x", federation="", title="", subtitle="", columns=COLUMNS, rows=ROWS),
    )
    ws["A7"].number_format = "0.00"
    assert ws["A8"].number_format == NUMBER_FORMAT
    assert ws["D7"].number_format == DATE_FORMAT  # no number_formats: dates dd/mm/yyyy
