"""Excel outputs of emulation: the ranking with its breakdown (official table layout) and the
list of reward proposals (a list sheet). Both leave through ``core.excel`` (formulas guarded:
an achievements text starting "- …" stays text)."""

from __future__ import annotations

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from core.excel import (
    FONT_NAME,
    ListSheet,
    OfficialSheet,
    positions,
    workbook_bytes,
    write_list_sheet,
    write_official_sheet,
)
from core.text import clean
from emulation.models import Band, RecipientKind
from emulation.scoring import TIE_RULE, Scores
from organisation.models import UnitKind
from plans.excel_export import official_date
from plans.table import HeaderCell

PERCENT_FORMAT = "0.0"
POINTS_FORMAT = "0.00"
NOT_APPLICABLE = "–"
BAND_WIDTH = 28
LEVEL_TITLES = {
    "upper": "CÔNG ĐOÀN CẤP TRÊN TRỰC TIẾP CƠ SỞ",
    "grassroots": "CÔNG ĐOÀN CƠ SỞ",
}
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
LEVEL_ORDER = {"upper": 0, "grassroots": 1}


def level_title(level: str) -> str:
    if level in LEVEL_TITLES:
        return LEVEL_TITLES[level]
    try:
        return str(UnitKind(level).label).upper()
    except ValueError:
        return level.upper()


def threshold(value) -> str:
    """90 for 90.0, 75,5 for 75.5."""
    return f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")


def ranking_header(criteria) -> tuple[list[HeaderCell], int, list[str]]:
    """Two header rows: each criterion over "Tỷ lệ (%)" and "Điểm"; then the total, the band
    and the rank, each over both rows. Returns the cells, the depth and the number formats."""
    cells, formats, col = [], [], 0
    for c in criteria:
        cells.append(HeaderCell(f"{c.name} (trọng số {c.weight})", 0, col, colspan=2))
        cells.append(HeaderCell("Tỷ lệ (%)", 1, col))
        cells.append(HeaderCell("Điểm", 1, col + 1))
        formats += [PERCENT_FORMAT, POINTS_FORMAT]
        col += 2
    for text, fmt in (("Tổng điểm", POINTS_FORMAT), ("Xếp loại", "@"), ("Xếp hạng", "0")):
        cells.append(HeaderCell(text, 0, col, rowspan=2))
        formats.append(fmt)
        col += 1
    return cells, 2, formats


def _values(row) -> list:
    values = []
    for c in row.criteria:
        if c.applicable:
            values += [round(100 * c.fraction, 1), c.points]
        else:
            values += [NOT_APPLICABLE, NOT_APPLICABLE]
    rank = f"{row.rank}/{row.ranked_among}" if row.rank else NOT_APPLICABLE
    values += [row.score if row.score is not None else NOT_APPLICABLE, str(row.band_label), rank]
    return values


def _note(row) -> str:
    if row.score is None:
        return "Chưa có tiêu chí nào áp dụng (chưa có chỉ tiêu được giao)"
    skipped = [c.criterion.name for c in row.criteria if not c.applicable]
    return ("Không áp dụng: " + "; ".join(skipped)) if skipped else ""


def grouped_rows(rows) -> list[tuple[str, list]]:
    """(level, rows in rank order, unranked last by row number) per level, upper level first."""
    levels: dict[str, list] = {}
    for r in rows:
        levels.setdefault(r.level, []).append(r)
    ordered = sorted(levels.items(), key=lambda item: (LEVEL_ORDER.get(item[0], 9), item[0]))
    return [
        (
            level,
            sorted(
                group,
                key=lambda r: (r.rank is None, r.rank or 0, r.number or 0, r.unit.name),
            ),
        )
        for level, group in ordered
    ]


def ranking_workbook(scores: Scores, rows=None) -> Workbook:
    """The ranking of scores (only ``rows`` if given: the units a user may see; ranks stay
    among all) in the official layout, one group of rows per level."""
    rows = scores.rows if rows is None else rows
    rule, period = scores.rule_set, scores.period
    plan = period.plan
    criteria = list(rule.criteria.all())
    cells, depth, formats = ranking_header(criteria)
    table_rows, heading_rows = [], []
    for index, (level, group) in enumerate(grouped_rows(rows)):
        heading_rows.append(len(table_rows))
        table_rows.append((ROMAN[index % len(ROMAN)], level_title(level), [], ""))
        for number, r in enumerate(group, start=1):
            table_rows.append((number, r.unit.name, _values(r), _note(r)))
    sheet = OfficialSheet(
        name=f"Xep hang {period.code}",
        federation=clean(plan.issuing_unit.name).upper(),
        title="BẢNG TỔNG HỢP ĐIỂM THI ĐUA VÀ XẾP HẠNG",
        subtitle=(
            f"{period.name} ({period.start:%d/%m/%Y} – {period.end:%d/%m/%Y}) — Kế hoạch "
            f"phát triển đoàn viên, thành lập CĐCS năm {plan.year}"
        ),
        attached_line=(
            f"(Theo Kế hoạch số {plan.number}, ngày {official_date(plan.issued_on)}; bộ tiêu "
            f"chí thi đua phiên bản {rule.version} công bố ngày "
            f"{official_date(rule.published_on)}; số liệu tính đến ngày "
            f"{scores.as_of:%d/%m/%Y}, lập ngày {timezone.localdate():%d/%m/%Y})"
        ),
        header_cells=cells,
        header_depth=depth,
        data_columns=len(formats),
        rows=table_rows,
        totals=None,
        number_formats=formats,
    )
    workbook = Workbook()
    ws = write_official_sheet(workbook, sheet)
    pos = positions(sheet)
    band_col = pos.first_value_column + len(formats) - 2
    ws.column_dimensions[get_column_letter(band_col)].width = BAND_WIDTH
    last_header = ws.row_dimensions[pos.last_header_row]
    last_header.height = max(last_header.height or 0, 20)
    bold = Font(name=FONT_NAME, size=sheet.font_size, bold=True)
    for offset in heading_rows:
        row = pos.first_data_row + offset
        for column in range(1, pos.note_column + 1):
            ws.cell(row=row, column=column).font = bold
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=pos.note_column)
        ws.cell(row=row, column=2).alignment = Alignment(horizontal="left", vertical="center")
        ws.row_dimensions[row].height = 20
    for row in range(pos.first_data_row, pos.first_data_row + len(table_rows)):
        for column in (band_col, band_col + 1):
            ws.cell(row=row, column=column).alignment = Alignment(
                horizontal="center", vertical="center", wrap_text=True
            )
        for column in range(pos.first_value_column, band_col - 1):
            cell = ws.cell(row=row, column=column)
            if cell.value == NOT_APPLICABLE:
                cell.alignment = Alignment(horizontal="center", vertical="center")
    # Below the table: how the score and the rank are made, and the bands.
    notes = [
        "Ghi chú: điểm = 100 × Σ(trọng số × tỷ lệ) / Σ(trọng số các tiêu chí áp dụng); "
        f"“{NOT_APPLICABLE}”: tiêu chí không áp dụng cho đơn vị.",
        f"Xếp hạng trong từng cấp: {TIE_RULE}",
        f"Xếp loại: {Band.EXCELLENT.label} từ {threshold(rule.excellent_min)} điểm; "
        f"{Band.GOOD.label} từ {threshold(rule.good_min)}; {Band.DONE.label} từ "
        f"{threshold(rule.done_min)}; dưới {threshold(rule.done_min)}: {Band.NOT_DONE.label}.",
    ]
    first = pos.first_data_row + len(table_rows) + 1
    for offset, text in enumerate(notes):
        row = first + offset
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=pos.note_column)
        cell = ws.cell(row=row, column=1, value=str(text))
        cell.font = Font(name=FONT_NAME, size=sheet.font_size - 1, italic=True)
        cell.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
        ws.row_dimensions[row].height = 30
    ws.print_area = f"A1:{get_column_letter(pos.note_column)}{first + len(notes) - 1}"
    return workbook


def ranking_bytes(scores: Scores, rows=None) -> bytes:
    return workbook_bytes(ranking_workbook(scores, rows))


# The proposal list -------------------------------------------------------------------------

PROPOSAL_COLUMNS = [
    ("TT", 5),
    ("Đối tượng", 9),
    ("Tập thể / Họ và tên", 24),
    ("Chức vụ", 16),
    ("Đơn vị", 22),
    ("Hình thức khen thưởng", 22),
    ("Đợt", 14),
    ("Thành tích", 50),
    ("Trạng thái", 14),
    ("Số quyết định", 12),
    ("Ngày quyết định", 12),
    ("Lý do không khen thưởng", 20),
]
POINTS_PER_LINE = 15.75


def ordered_proposals(proposals) -> list:
    """Collectives first, then individuals; by unit (table order), then name."""
    return sorted(
        proposals,
        key=lambda p: (
            p.recipient_kind != RecipientKind.COLLECTIVE,
            p.unit.sort_order,
            p.unit.name,
            p.person_name,
            p.pk,
        ),
    )


def proposals_workbook(proposals, *, federation: str, subtitle: str) -> Workbook:
    rows = []
    for number, p in enumerate(ordered_proposals(proposals), start=1):
        rows.append(
            [
                number,
                p.get_recipient_kind_display(),
                p.unit.name if p.is_collective else p.person_name,
                "" if p.is_collective else p.person_position,
                p.unit.name,
                p.reward_label,
                p.period.name,
                p.achievements,
                p.get_status_display(),
                p.decision_number,
                p.decision_date,
                p.decline_reason,
            ]
        )
    workbook = Workbook()
    ws = write_list_sheet(
        workbook,
        ListSheet(
            name="De nghi khen thuong",
            federation=federation,
            title="DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG",
            subtitle=subtitle,
            columns=PROPOSAL_COLUMNS,
            rows=rows,
        ),
    )
    # Excel does not grow rows for wrapped text on opening: size each row to its longest cell.
    from core.excel import LIST_HEADER_ROW

    ws.row_dimensions[LIST_HEADER_ROW].height = 2 * POINTS_PER_LINE
    for offset, values in enumerate(rows, start=1):
        lines = max(
            _wrapped_lines(value, width)
            for value, (_header, width) in zip(values, PROPOSAL_COLUMNS, strict=True)
        )
        ws.row_dimensions[LIST_HEADER_ROW + offset].height = lines * POINTS_PER_LINE + 4
    return workbook


def _wrapped_lines(value, width: float) -> int:
    if not isinstance(value, str) or not value:
        return 1
    usable = max(int(width * 1.2) - 2, 1)  # Times New Roman runs narrower than Excel's unit
    return sum(max(1, -(-len(part) // usable)) for part in value.split("\n"))


def proposals_bytes(proposals, *, federation: str, subtitle: str) -> bytes:
    return workbook_bytes(proposals_workbook(proposals, federation=federation, subtitle=subtitle))
