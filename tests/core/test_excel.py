"""The shared official form layout (core.excel)."""

from dataclasses import dataclass

from openpyxl import Workbook, load_workbook

from core.excel import (
    NATIONAL_BODY,
    NUMBER_FORMAT,
    OfficialSheet,
    positions,
    safe_sheet_name,
    workbook_bytes,
    write_official_sheet,
)


@dataclass
class Cell:
    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1


def _sheet(**overrides):
    values = dict(
        name="Tháng cao điểm",
        federation="LIÊN ĐOÀN LAO ĐỘNG TỈNH LAI CHÂU",
        title="BIỂU GIAO CHỈ TIÊU",
        subtitle="Phát triển đoàn viên",
        attached_line="(Kèm theo Kế hoạch số 78/KH-LĐLĐ, ngày 11/6/2024 của Ban Thường vụ LĐLĐ tỉnh)",
        header_cells=[
            Cell("Giao phát triển ĐV", 0, 0, colspan=3),
            Cell("Tổng", 1, 0, rowspan=2),
            Cell("Trong đó:", 1, 1, colspan=2),
            Cell("A", 2, 1),
            Cell("B", 2, 2),
            Cell("Giới thiệu", 0, 3, rowspan=3),
        ],
        header_depth=3,
        data_columns=4,
        rows=[(1, "LĐLĐ huyện Mường Tè", [1100, 100, 1000, None], "ghi chú")],
        totals=[1100, 100, 1000, None],
    )
    values.update(overrides)
    return OfficialSheet(**values)


def _written(sheet):
    workbook = Workbook()
    write_official_sheet(workbook, sheet)
    import io

    return load_workbook(io.BytesIO(workbook_bytes(workbook)))


def test_the_layout_of_the_official_form():
    sheet = _sheet()
    ws = _written(sheet).worksheets[0]
    pos = positions(sheet)
    assert ws.title == "Tháng cao điểm"
    assert ws["A1"].value == NATIONAL_BODY
    assert ws["A2"].value == "LIÊN ĐOÀN LAO ĐỘNG TỈNH LAI CHÂU"
    assert ws["A2"].font.b and ws["A2"].font.u == "single"
    assert ws["A4"].value == "BIỂU GIAO CHỈ TIÊU" and ws["A4"].font.b
    assert ws["A6"].font.i
    merged = {str(r) for r in ws.merged_cells.ranges}
    first, last = pos.first_header_row, pos.last_header_row
    assert f"A{first}:A{last}" in merged  # TT
    assert f"B{first}:B{last}" in merged  # Đơn vị
    assert f"G{first}:G{last}" in merged  # Ghi chú
    assert f"C{first}:E{first}" in merged  # group header
    assert f"F{first}:F{last}" in merged  # single column over all header rows
    assert ws.cell(first, 7).value == "Ghi chú"
    assert all(c.font.name == "Times New Roman" for row in ws.iter_rows() for c in row if c.value)


def test_numbers_are_numbers_with_vietnamese_grouping_format():
    sheet = _sheet()
    ws = _written(sheet).worksheets[0]
    cell = ws.cell(positions(sheet).first_data_row, 3)
    assert cell.value == 1100 and cell.data_type == "n"
    assert cell.number_format == NUMBER_FORMAT
    totals = ws.cell(positions(sheet).totals_row, 1)
    assert totals.value == "Cộng:" and totals.font.b
    assert ws.cell(positions(sheet).first_data_row, 6).value is None


def test_print_setup_a4_landscape_one_page_wide_with_repeated_header():
    sheet = _sheet()
    ws = _written(sheet).worksheets[0]
    pos = positions(sheet)
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == f"${pos.first_header_row}:${pos.last_header_row}"


def test_the_default_empty_sheet_is_replaced_and_names_are_cleaned():
    workbook = Workbook()
    write_official_sheet(workbook, _sheet(name="a/b:c*d?" + "x" * 40))
    write_official_sheet(workbook, _sheet(name="Năm 2024", totals=None))
    assert [ws.title for ws in workbook.worksheets] == [
        safe_sheet_name("a/b:c*d?" + "x" * 40),
        "Năm 2024",
    ]
    assert len(workbook.worksheets[0].title) == 31
