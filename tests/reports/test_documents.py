"""Official outputs read back: the Word report (python-docx) and the Excel sheet (openpyxl)."""

import datetime
import io

import pytest
from django.core.management import call_command
from docx import Document
from openpyxl import load_workbook

from reports.document import build_document, vn_date_line
from reports.excel_report import xlsx_bytes
from reports.models import Report
from reports.word import docx_bytes


@pytest.mark.parametrize(
    "day, line",
    [
        (datetime.date(2024, 8, 5), "Lai Châu, ngày 05 tháng 8 năm 2024"),
        (datetime.date(2025, 1, 15), "Lai Châu, ngày 15 tháng 01 năm 2025"),
        (datetime.date(2024, 2, 9), "Lai Châu, ngày 09 tháng 02 năm 2024"),
        (datetime.date(2024, 12, 20), "Lai Châu, ngày 20 tháng 12 năm 2024"),
    ],
)
def test_date_line_follows_decree_30(day, line):
    assert vn_date_line("Lai Châu", day) == line


def _mm(length) -> int:
    return round(length.mm)


def _texts(cell):
    return [p.text for p in cell.paragraphs if p.text.strip()]


def _province_docx(campaign, tmp_path):
    out = tmp_path / "tinh.docx"
    call_command("export_report", plan="78/KH-LĐLĐ", fmt="docx", out=str(out))
    return Document(str(out))


def test_consolidated_word_report(campaign, tmp_path):
    document = _province_docx(campaign, tmp_path)
    section = document.sections[0]
    assert (_mm(section.page_width), _mm(section.page_height)) == (210, 297)  # A4
    assert (_mm(section.left_margin), _mm(section.right_margin)) == (30, 15)
    assert (_mm(section.top_margin), _mm(section.bottom_margin)) == (20, 20)

    header = document.tables[0]
    left, right = header.rows[0].cells
    assert _texts(left) == [
        "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM",
        "LIÊN ĐOÀN LAO ĐỘNG TỈNH LAI CHÂU",
        "Số: 95/BC-LĐLĐ",
    ]
    issuer = left.paragraphs[1].runs[0]
    assert issuer.bold and issuer.font.name == "Times New Roman"
    assert _texts(right) == [
        "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Lai Châu, ngày 05 tháng 8 năm 2024",
    ]
    date_run = right.paragraphs[-1].runs[0]
    assert date_run.italic
    # Borderless header table.
    assert 'w:val="nil"' in header._tbl.tblPr.xml

    paragraphs = [p.text for p in document.paragraphs]
    assert "BÁO CÁO" in paragraphs
    assert any(p.startswith("I. CÔNG TÁC TỔ CHỨC THỰC HIỆN") for p in paragraphs)
    assert any(p.startswith("II. KẾT QUẢ ĐẠT ĐƯỢC") for p in paragraphs)
    assert any(p.startswith("V. ĐỀ XUẤT, KIẾN NGHỊ") for p in paragraphs)
    body = next(p for p in document.paragraphs if p.text.startswith("Thực hiện Kế hoạch số"))
    assert body.runs[0].font.size.pt == 14 and body.runs[0].font.name == "Times New Roman"

    figures = document.tables[1]
    rows = [[c.text for c in row.cells] for row in figures.rows]
    assert rows[0][:4] == ["TT", "Nội dung", "ĐVT", "Chỉ tiêu giao"]
    first = rows[1]
    assert first[1] == "Phát triển đoàn viên thực tăng" and first[3] == "475"

    signature = document.tables[2]
    left, right = signature.rows[0].cells
    assert _texts(left)[0] == "Nơi nhận:"
    assert left.paragraphs[0].runs[0].bold and left.paragraphs[0].runs[0].italic
    assert _texts(right)[:2] == ["TM. BAN THƯỜNG VỤ", "CHỦ TỊCH"]
    assert _texts(right)[-1] == "Hoàng Thọ Trung"

    appendix = document.tables[3]
    units = [row.cells[1].text for row in appendix.rows[2:]]
    assert units[0] == "LĐLĐ thành phố Lai Châu" and units[-1] == "Cộng"
    assert len(units) == 12
    assert _mm(document.sections[1].page_width) == 297  # landscape appendix


def test_unit_word_report_uses_its_own_header_and_frozen_figures(campaign, unit_a):
    report = Report.objects.get(deadline=campaign, unit=unit_a)  # accepted in the demo
    doc = build_document(campaign, unit_a, report)
    document = Document(io.BytesIO(docx_bytes(doc)))
    left, right = document.tables[0].rows[0].cells
    assert _texts(left) == ["LĐLĐ TỈNH LAI CHÂU", "LĐLĐ HUYỆN MƯỜNG TÈ", "Số: 18/BC-LĐLĐ"]
    assert _texts(right)[-1] == "Mường Tè, ngày 03 tháng 8 năm 2024"
    table = document.tables[1]
    first = [c.text for c in table.rows[1].cells]
    frozen = report.snapshot["rows"][0]
    assert first[3] == "129"
    assert first[4] == str(frozen["achieved"][0])
    assert any("Số liệu đã chốt" in p.text for p in document.paragraphs)


def test_excel_summary_in_the_allocation_layout(campaign, tmp_path):
    out = tmp_path / "tinh.xlsx"
    call_command("export_report", plan="78/KH-LĐLĐ", fmt="xlsx", out=str(out))
    ws = load_workbook(out).active
    assert ws["A1"].value == "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM"
    assert ws["A2"].value == "LIÊN ĐOÀN LAO ĐỘNG TỈNH LAI CHÂU"
    assert ws["A4"].value == "BIỂU TỔNG HỢP KẾT QUẢ"
    # Header: group row, root/"Trong đó:" row, children row, then target / achieved / %.
    assert ws["C8"].value == "Giao phát triển ĐV tháng cao điểm"
    assert ws["C9"].value == "Tổng thực tăng (người)"
    assert [ws.cell(row=11, column=c).value for c in (3, 4, 5)] == [
        "Chỉ tiêu",
        "Thực hiện",
        "Tỷ lệ (%)",
    ]
    assert ws["B12"].value == "LĐLĐ thành phố Lai Châu"
    assert ws["C12"].value == 102
    achieved, percent = ws["D12"].value, ws["E12"].value
    assert percent == round(achieved * 100 / 102, 1)
    assert ws["E12"].number_format == "0.0"
    # Totals row after the 11 units, then the province's own targets.
    assert ws["A23"].value == "Cộng:"
    assert ws["C23"].value == 475
    assert ws["A24"].value == "Chỉ tiêu toàn tỉnh (theo kế hoạch)"
    note_column = 3 + 27
    assert ws.cell(row=19, column=note_column).value == "Đã duyệt"  # Mường Tè (TT 8)


def test_unit_excel_has_one_row(campaign, unit_a):
    report = Report.objects.get(deadline=campaign, unit=unit_a)
    ws = load_workbook(io.BytesIO(xlsx_bytes(build_document(campaign, unit_a, report)))).active
    assert ws["A2"].value == "LĐLĐ HUYỆN MƯỜNG TÈ"
    assert ws["B12"].value == "LĐLĐ huyện Mường Tè"
    assert ws["C12"].value == 129
    assert ws["B13"].value is None
