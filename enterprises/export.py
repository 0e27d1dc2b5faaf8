"""The register as an Excel list in the shape the importer reads back (title rows, one header
row, one row per enterprise). Round trip: export → import changes nothing."""

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from core.excel import NATIONAL_BODY
from core.excel import workbook_bytes as core_workbook_bytes
from organisation.models import UnitKind

FONT = "Times New Roman"
HEADERS = [
    ("STT", 6),
    ("Tên doanh nghiệp", 44),
    ("Mã số thuế", 16),
    ("Địa chỉ", 30),
    ("Xã/phường", 18),
    ("Công đoàn cấp trên", 28),
    ("Loại hình", 18),
    ("Ngành nghề", 22),
    ("Số lao động", 12),
    ("Ngày khảo sát", 14),
    ("CĐCS", 34),
]
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _federation(enterprises) -> str:
    for enterprise in enterprises:
        from organisation.services import province_of

        top = province_of(enterprise.unit)
        if top is not None and top.kind == UnitKind.PROVINCE:
            return top.name.upper()
    return "LIÊN ĐOÀN LAO ĐỘNG TỈNH"


def build_workbook(enterprises) -> Workbook:
    enterprises = list(enterprises)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Doanh nghiệp"
    width = len(HEADERS)
    last = get_column_letter(width)
    lines = [
        (NATIONAL_BODY, Font(name=FONT, size=12)),
        (_federation(enterprises), Font(name=FONT, size=12, bold=True, underline="single")),
        ("", None),
        (
            "DANH SÁCH DOANH NGHIỆP, SỐ LAO ĐỘNG VÀ TÌNH HÌNH THÀNH LẬP CĐCS",
            Font(name=FONT, size=14, bold=True),
        ),
        (f"(Xuất ngày {timezone.localdate():%d/%m/%Y})", Font(name=FONT, size=12, italic=True)),
    ]
    for row, (text, font) in enumerate(lines, start=1):
        if not text:
            continue
        cell = sheet.cell(row=row, column=1, value=text)
        cell.font = font
        if row >= 4:
            sheet.merge_cells(f"A{row}:{last}{row}")
            cell.alignment = Alignment(horizontal="center")
        else:
            sheet.merge_cells(f"A{row}:D{row}")
            cell.alignment = Alignment(horizontal="center")
    header_row = 7
    for col, (title, col_width) in enumerate(HEADERS, start=1):
        cell = sheet.cell(row=header_row, column=col, value=title)
        cell.font = Font(name=FONT, size=12, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BORDER
        sheet.column_dimensions[get_column_letter(col)].width = col_width
    for index, e in enumerate(enterprises, start=1):
        values = [
            index,
            e.name,
            e.tax_code or None,
            e.address or None,
            e.commune or None,
            e.unit.name,
            e.get_ownership_display(),
            e.industry or None,
            e.workers,
            e.workers_surveyed_on,
            e.grassroots_union.name if e.grassroots_union_id else None,
        ]
        row = header_row + index
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=col, value=value)
            cell.font = Font(name=FONT, size=12)
            cell.border = _BORDER
            if col == 9:
                cell.number_format = "#,##0"
            if col == 10 and value is not None:
                cell.number_format = "DD/MM/YYYY"
            if col in (2, 4, 6, 11):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=3)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    return workbook


def workbook_bytes(enterprises) -> bytes:
    return core_workbook_bytes(build_workbook(enterprises))
