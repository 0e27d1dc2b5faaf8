"""The register as an Excel list in the shape the importer reads back (title rows, one header
row, one row per enterprise). Round trip: export → import changes nothing.

``cases_workbook``: the founding-case list (``enterprises:case_export``) as a plain list sheet
(``core.excel.write_list_sheet``)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from core.excel import NATIONAL_BODY, ListSheet, write_list_sheet
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


# --- The founding-case list --------------------------------------------------------------------


def case_filter_text(filters) -> str:
    """The case list's filters in words, for the export's subtitle."""
    from enterprises.models import Stage

    parts = []
    if filters.unit is not None:
        parts.append(filters.unit.name)
    if filters.stage is not None:
        parts.append(str(Stage(filters.stage).label))
    if filters.kind == "enterprise":
        parts.append(_("doanh nghiệp"))
    elif filters.kind == "informal":
        parts.append(_("khu vực phi chính thức"))
    if filters.stuck_days is not None:
        parts.append(_("không có bước mới quá %(n)s ngày") % {"n": filters.stuck_days})
    if filters.query:
        parts.append(_("tìm “%(q)s”") % {"q": filters.query})
    return "; ".join(parts)


def case_subject_kind(case) -> str:
    return _("Khu vực phi chính thức") if case.is_informal else _("Doanh nghiệp")


def case_workers(case) -> int | None:
    subject = case.subject
    return subject.workers if subject is not None else None


def cases_workbook(cases, *, steps, user, filters) -> Workbook:
    """Every case of the filtered list: subject, kind, tax code (only when some case has one),
    unit, step, workers, the date of each step some case has reached (``steps``)."""
    from progress.lists import federation_name

    cases = list(cases)
    with_tax_code = any(c.enterprise_id and c.enterprise.tax_code for c in cases)
    columns = [(_("STT"), 6), (_("Doanh nghiệp / nhóm lao động"), 40), (_("Loại"), 16)]
    if with_tax_code:
        columns.append((_("Mã số thuế"), 16))
    columns += [(_("Công đoàn cấp trên"), 28), (_("Bước"), 24), (_("Số lao động"), 11)]
    columns += [(header, 13) for _name, header in steps]
    rows = []
    for index, case in enumerate(cases, start=1):
        row = [index, case.subject_name, case_subject_kind(case)]
        if with_tax_code:
            row.append((case.enterprise.tax_code if case.enterprise_id else "") or None)
        row += [case.unit.name, case.get_stage_display(), case_workers(case)]
        row += [getattr(case, name) for name, _header in steps]
        rows.append(row)
    exported = _("Xuất ngày %(date)s") % {"date": timezone.localdate().strftime("%d/%m/%Y")}
    workbook = Workbook()
    write_list_sheet(
        workbook,
        ListSheet(
            name=_("Hồ sơ thành lập CĐCS"),
            federation=federation_name(user),
            title=_("DANH SÁCH HỒ SƠ THÀNH LẬP CÔNG ĐOÀN CƠ SỞ"),
            subtitle=" — ".join(t for t in (case_filter_text(filters), exported) if t),
            columns=columns,
            rows=rows,
        ),
    )
    return workbook
