"""The official Vietnamese form layout for Excel exports (biểu mẫu chính thức), shared by all apps.

Every table the federation sends out (allocation of targets, progress, reports) uses one layout;
build an :class:`OfficialSheet` and call :func:`write_official_sheet`::

    from openpyxl import Workbook
    from core.excel import OfficialSheet, write_official_sheet, workbook_bytes

    workbook = Workbook()
    write_official_sheet(workbook, OfficialSheet(
        name="Tháng cao điểm",
        federation="LIÊN ĐOÀN LAO ĐỘNG TỈNH LAI CHÂU",
        title="BIỂU GIAO CHỈ TIÊU",
        subtitle=period.table_title,
        attached_line="(Kèm theo Kế hoạch số 78/KH-LĐLĐ, ngày 11/6/2024 của Ban Thường vụ LĐLĐ tỉnh)",
        header_cells=layout.cells,      # plans.table.HeaderCell, positions among data columns
        header_depth=layout.depth,
        data_columns=len(layout.columns),
        rows=[(1, "LĐLĐ huyện Mường Tè", [129, 0, ...], ""), ...],
        totals=[475, 77, ...],          # or None for no "Cộng:" row
    ))
    response = HttpResponse(workbook_bytes(workbook), content_type=XLSX_CONTENT_TYPE)

What the sheet looks like (rows are 1-based Excel rows; ``SheetPositions`` tells you where):

- row 1: "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM", row 2: the federation in bold, underlined
  (the issuing body's block, top left, centred over the first columns);
- row 4: the title, bold, centred over the whole table; row 5: the subtitle (bold, wrapped);
  row 6: the "(Kèm theo Kế hoạch số …)" line in italics; row 7 left blank;
- header rows (``header_depth`` of them) from row 8: "TT", "Đơn vị" and "Ghi chú" are merged over
  all header rows, the data columns' headers are merged as ``header_cells`` say; bold, wrapped,
  centred, grey fill;
- one row per entry of ``rows``: TT centred, unit name, the values, the note (wrapped);
- the totals row: "Cộng:" merged over TT and Đơn vị, bold;
- then any ``extra_rows`` ``(label, [values...])`` in italics (e.g. the province targets).

Numbers are written as numbers with the format ``'#,##0'`` (per column overridable with
``number_formats``), so Excel/LibreOffice in a Vietnamese locale show 1.100. ``None`` values
leave the cell empty; strings are written as text. Thin borders on the whole table, Times New
Roman everywhere, A4 landscape, fitted to one page wide, the header rows repeat on every printed
page and the panes are frozen below the header. Row heights are estimated from the text length,
since Excel does not grow rows for wrapped text when it opens a file.

If the workbook still holds only openpyxl's default empty sheet, that sheet is replaced.

Plain lists (the member register, the records behind a figure) use :class:`ListSheet` and
:func:`write_list_sheet`: the same block top left, a title, a line saying what the list holds,
one header row (frozen, repeated when printed, with an auto-filter), dates written as dates
shown dd/mm/yyyy.

Formula guard: every workbook the product writes leaves through :func:`workbook_bytes` or
:func:`save_workbook`, which first pass it through :func:`guard_formulas`: a text cell starting
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (an enterprise named
``=HYPERLINK(...)``) is written as text (type ``s``, with Excel's quote prefix), never as a live
formula. The product writes no formulas of its own; the value itself is kept unchanged, so an
export read back by an importer gives the same text.
"""

from __future__ import annotations

import datetime
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

NATIONAL_BODY = "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM"
FONT_NAME = "Times New Roman"
NUMBER_FORMAT = "#,##0"
TT_HEADER = "TT"
UNIT_HEADER = "Đơn vị"
NOTE_HEADER = "Ghi chú"
TOTALS_LABEL = "Cộng:"

# Column widths in Excel character units.
TT_WIDTH = 5
UNIT_WIDTH = 30
DATA_WIDTH = 12
WIDE_DATA_WIDTH = 18  # a single-column group with a long header (e.g. Party introductions)
NOTE_WIDTH = 26

FIRST_HEADER_ROW = 8
POINTS_PER_LINE = 15.75  # a 12 pt Times New Roman line
ROW_PADDING = 4.5  # points of air above and below a body row

_THIN = Side(style="thin", color="000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


@dataclass
class OfficialSheet:
    name: str  # sheet tab; cleaned of []:*?/\ and cut to 31 characters
    federation: str  # second header line, e.g. "LIÊN ĐOÀN LAO ĐỘNG TỈNH LAI CHÂU"
    title: str  # e.g. "BIỂU GIAO CHỈ TIÊU"
    subtitle: str  # e.g. the period's table_title
    attached_line: str  # "(Kèm theo Kế hoạch số 78/KH-LĐLĐ, ngày 11/6/2024 của …)"
    header_cells: list[Any]  # plans.table.HeaderCell: text, row, col, rowspan, colspan
    header_depth: int
    data_columns: int
    rows: list[tuple]  # (TT, unit name, [values...], note)
    totals: list | None  # the "Cộng:" row values, or None for no totals row
    number_formats: list[str] | None = None  # per data column, default '#,##0'
    font_size: int = 12
    extra_rows: list[tuple] = field(default_factory=list)  # (label, [values...]) after totals


@dataclass(frozen=True)
class SheetPositions:
    """Where things are in a written sheet (1-based Excel rows and columns)."""

    first_header_row: int
    last_header_row: int
    first_data_row: int
    totals_row: int | None
    first_value_column: int  # column of the first data column ("C")
    note_column: int


def positions(sheet: OfficialSheet) -> SheetPositions:
    last_header = FIRST_HEADER_ROW + sheet.header_depth - 1
    first_data = last_header + 1
    totals = first_data + len(sheet.rows) if sheet.totals is not None else None
    return SheetPositions(
        first_header_row=FIRST_HEADER_ROW,
        last_header_row=last_header,
        first_data_row=first_data,
        totals_row=totals,
        first_value_column=3,
        note_column=3 + sheet.data_columns,
    )


def safe_sheet_name(name: str) -> str:
    cleaned = _BAD_SHEET_CHARS.sub("-", name).strip("'") or "Sheet"
    return cleaned[:31]


def _font(size: int, *, bold=False, italic=False, underline=None) -> Font:
    return Font(name=FONT_NAME, size=size, bold=bold, italic=italic, underline=underline)


def _lines(text: Any, width_chars: float) -> int:
    """Rough number of wrapped lines for text in a cell width_chars wide."""
    if text is None or text == "":
        return 1
    usable = max(width_chars - 1.5, 1)
    return sum(max(1, math.ceil(len(part) / usable)) for part in str(text).split("\n"))


def _take_default_sheet(workbook) -> None:
    if len(workbook.worksheets) == 1:
        only = workbook.worksheets[0]
        if only.title == "Sheet" and only.max_row == 1 and only["A1"].value is None:
            workbook.remove(only)


def _data_widths(sheet: OfficialSheet) -> list[float]:
    widths = [float(DATA_WIDTH)] * sheet.data_columns
    for cell in sheet.header_cells:
        if cell.colspan == 1 and cell.rowspan == sheet.header_depth and len(cell.text) > 40:
            widths[cell.col] = WIDE_DATA_WIDTH
    return widths


def write_official_sheet(workbook, sheet: OfficialSheet) -> Worksheet:
    """Add one sheet in the official layout to workbook and return it."""
    _take_default_sheet(workbook)
    ws = workbook.create_sheet(safe_sheet_name(sheet.name))
    pos = positions(sheet)
    size = sheet.font_size
    last_col = pos.note_column
    data_widths = _data_widths(sheet)
    widths = [TT_WIDTH, UNIT_WIDTH, *data_widths, NOTE_WIDTH]
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    table_width = sum(widths)

    def merged_text(row, first, last, text, font, *, horizontal="center", wrap=True):
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
        cell = ws.cell(row=row, column=first, value=text)
        cell.font = font
        cell.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=wrap)
        span = sum(widths[first - 1 : last])
        ws.row_dimensions[row].height = _lines(text, span * 0.92) * POINTS_PER_LINE * size / 12
        return cell

    # The issuing body's block, top left, centred over TT + Đơn vị + one data column.
    block_last = min(3, last_col)
    merged_text(1, 1, block_last, NATIONAL_BODY, _font(size))
    merged_text(2, 1, block_last, sheet.federation, _font(size, bold=True, underline="single"))
    merged_text(4, 1, last_col, sheet.title, _font(size + 2, bold=True))
    merged_text(5, 1, last_col, sheet.subtitle, _font(size, bold=True))
    merged_text(6, 1, last_col, sheet.attached_line, _font(size, italic=True))

    # Header rows.
    header_font = _font(size - 1, bold=True)
    header_alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    first_h, last_h = pos.first_header_row, pos.last_header_row
    fixed = [(1, TT_HEADER), (2, UNIT_HEADER), (last_col, NOTE_HEADER)]
    for column, text in fixed:
        ws.cell(row=first_h, column=column, value=text)
        if last_h > first_h:
            ws.merge_cells(
                start_row=first_h, start_column=column, end_row=last_h, end_column=column
            )
    line_needs = {r: 1 for r in range(first_h, last_h + 1)}
    for hc in sheet.header_cells:
        row = first_h + hc.row
        column = pos.first_value_column + hc.col
        ws.cell(row=row, column=column, value=hc.text)
        if hc.rowspan > 1 or hc.colspan > 1:
            ws.merge_cells(
                start_row=row,
                start_column=column,
                end_row=row + hc.rowspan - 1,
                end_column=column + hc.colspan - 1,
            )
        span = sum(data_widths[hc.col : hc.col + hc.colspan])
        lines = _lines(hc.text, span * 0.95)
        # A cell spanning several rows shares its lines among them.
        per_row = math.ceil(lines / hc.rowspan)
        for r in range(row, row + hc.rowspan):
            line_needs[r] = max(line_needs[r], per_row)
    for row in range(first_h, last_h + 1):
        ws.row_dimensions[row].height = line_needs[row] * POINTS_PER_LINE * (size - 1) / 12 + 2
        for column in range(1, last_col + 1):
            cell = ws.cell(row=row, column=column)
            cell.font = header_font
            cell.alignment = header_alignment
            cell.border = BORDER
            cell.fill = HEADER_FILL

    # Body.
    formats = list(sheet.number_formats or [])
    formats += [NUMBER_FORMAT] * (sheet.data_columns - len(formats))
    body_font = _font(size)
    row = pos.first_data_row
    for entry in sheet.rows:
        number, name, values, note = entry
        _write_row(ws, row, body_font, formats, [number, name, *_pad(values, sheet), note])
        lines = max(_lines(name, UNIT_WIDTH - 2), _lines(note, NOTE_WIDTH - 2))
        ws.row_dimensions[row].height = lines * POINTS_PER_LINE * size / 12 + ROW_PADDING
        row += 1
    bold = _font(size, bold=True)
    trailing = []
    if sheet.totals is not None:
        trailing.append((TOTALS_LABEL, sheet.totals, bold))
    trailing += [(label, values, _font(size, italic=True)) for label, values in sheet.extra_rows]
    for label, values, font in trailing:
        _write_row(ws, row, font, formats, [label, None, *_pad(values, sheet), None])
        ws.row_dimensions[row].height = POINTS_PER_LINE * size / 12 + ROW_PADDING
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        ws.cell(row=row, column=1).alignment = Alignment(horizontal="center", vertical="center")
        row += 1

    _page_setup(ws, pos, last_col)
    ws.sheet_view.zoomScale = 90 if table_width > 150 else 100
    return ws


def _pad(values: Sequence, sheet: OfficialSheet) -> list:
    values = list(values)
    return values + [None] * (sheet.data_columns - len(values))


def _write_row(ws, row: int, font: Font, formats: list[str], cells: list) -> None:
    last = len(cells)
    for column, value in enumerate(cells, start=1):
        cell = ws.cell(row=row, column=column, value=value)
        cell.font = font
        cell.border = BORDER
        if column == 1:
            cell.alignment = Alignment(horizontal="center", vertical="center")
        elif column == 2 or column == last:
            cell.alignment = Alignment(
                horizontal="left", vertical="center", wrap_text=True, indent=1
            )
        else:
            cell.alignment = Alignment(horizontal="right", vertical="center", indent=1)
            if isinstance(value, int | float) and not isinstance(value, bool):
                cell.number_format = formats[column - 3]


def _page_setup(ws: Worksheet, pos: SheetPositions, last_col: int) -> None:
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = 0.6
    ws.page_margins.right = 0.4
    ws.page_margins.top = 0.6
    ws.page_margins.bottom = 0.6
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = f"{pos.first_header_row}:{pos.last_header_row}"
    ws.print_area = f"A1:{get_column_letter(last_col)}{ws.max_row}"
    ws.freeze_panes = ws.cell(row=pos.first_data_row, column=pos.first_value_column)


@dataclass
class ListSheet:
    """A plain list (the member register, the records behind a figure) in the product's look:
    the issuing body's block, a title, a line saying what the list holds (filters, date of the
    export), one header row, one row per item. ``columns`` are (header, width); values that are
    dates are written as dates shown dd/mm/yyyy, numbers with the format '#,##0';
    ``number_formats`` may give a column's dates or numbers another format (by position, ``None``
    keeps the default), e.g. ``[None, "dd/mm/yyyy hh:mm"]`` for moments in the second column."""

    name: str
    federation: str
    title: str
    subtitle: str
    columns: list[tuple[str, float]]
    rows: list[Sequence]
    font_size: int = 12
    number_formats: Sequence[str | None] = ()


LIST_HEADER_ROW = 6
DATE_FORMAT = "dd/mm/yyyy"
_TEXT, _NUMBER, _DATE = "text", "number", "date"


def _kind(value: Any) -> str:
    if isinstance(value, datetime.date):  # a datetime too
        return _DATE
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _NUMBER
    return _TEXT


def write_list_sheet(workbook, sheet: ListSheet) -> Worksheet:
    """Add one list sheet to workbook and return it: thin borders, Times New Roman, the header
    row repeated on every printed page and frozen, an auto-filter on the header, A4 landscape
    fitted to one page wide.

    The body is written fast: openpyxl hashes every font, border and alignment to look it up
    in the workbook's lists each time one is set on a cell (5.8 s for 10 000 rows of 7 cells),
    so each look (text, number, date, per column when ``number_formats`` says so) is set once,
    on a model cell, and the body's cells are created with its style ids and appended a row at
    a time (0.5 s; ``bench/excel_bench.py``)."""
    _take_default_sheet(workbook)
    ws = workbook.create_sheet(safe_sheet_name(sheet.name))
    size = sheet.font_size
    last_col = max(1, len(sheet.columns))
    for index, (_header, width) in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width

    def merged(row, last, text, font):
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
        cell = ws.cell(row=row, column=1, value=text)
        cell.font = font
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)

    block_last = min(3, last_col)
    merged(1, block_last, NATIONAL_BODY, _font(size))
    merged(2, block_last, sheet.federation, _font(size, bold=True, underline="single"))
    merged(3, last_col, sheet.title, _font(size + 2, bold=True))
    merged(4, last_col, sheet.subtitle, _font(size, italic=True))
    ws.row_dimensions[4].height = _lines(sheet.subtitle, 200) * POINTS_PER_LINE * size / 12
    header_font = _font(size - 1, bold=True)
    for column, (header, _width) in enumerate(sheet.columns, start=1):
        cell = ws.cell(row=LIST_HEADER_ROW, column=column, value=header)
        cell.font = header_font
        cell.border = BORDER
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)

    body = _font(size)
    formats = list(sheet.number_formats)
    looks = {
        _TEXT: (Alignment(vertical="center", wrap_text=True), None),
        _NUMBER: (Alignment(horizontal="right", vertical="center"), NUMBER_FORMAT),
        _DATE: (Alignment(horizontal="center", vertical="center"), DATE_FORMAT),
    }
    styles: dict = {}  # (kind, column or 0) → the style ids of a cell of that look

    def style(kind: str, column: int):
        custom = kind != _TEXT and column <= len(formats) and formats[column - 1] is not None
        key = (kind, column if custom else 0)
        if key not in styles:
            alignment, number_format = looks[kind]
            model = Cell(ws)  # never placed in the sheet: only its style ids are kept
            model.font = body
            model.border = BORDER
            model.alignment = alignment
            if number_format is not None:
                model.number_format = formats[column - 1] if custom else number_format
            styles[key] = model._style
        return styles[key]

    ws.cell(row=LIST_HEADER_ROW, column=1)  # ws.append writes below the last row touched
    for values in sheet.rows:
        ws.append(
            [
                Cell(ws, value=value, style_array=style(_kind(value), column))
                for column, value in enumerate(values, start=1)
            ]
        )
    last_row = LIST_HEADER_ROW + len(sheet.rows)
    ws.auto_filter.ref = f"A{LIST_HEADER_ROW}:{get_column_letter(last_col)}{last_row}"
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{LIST_HEADER_ROW}:{LIST_HEADER_ROW}"
    ws.freeze_panes = ws.cell(row=LIST_HEADER_ROW + 1, column=1)
    return ws


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def guard_formulas(workbook) -> int:
    """Make every text cell that a spreadsheet could take for a formula plain text.

    Returns how many cells were guarded. Write-only workbooks are refused: their cells are gone
    once written, so they could not be checked here.
    """
    if getattr(workbook, "write_only", False):
        raise ValueError("guard_formulas needs a normal (not write-only) workbook")
    guarded = 0
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
                    cell.data_type = "s"
                    cell.quotePrefix = True
                    guarded += 1
    return guarded


def save_workbook(workbook, target) -> None:
    """Save to a path or file object, formulas guarded (see the module docstring)."""
    guard_formulas(workbook)
    workbook.save(target)


def workbook_bytes(workbook) -> bytes:
    """The workbook as .xlsx bytes (for an HttpResponse), formulas guarded."""
    buffer = io.BytesIO()
    save_workbook(workbook, buffer)
    return buffer.getvalue()
