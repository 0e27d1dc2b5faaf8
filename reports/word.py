"""The Word report (.docx) in the Vietnamese administrative format (Decree 30/2020/NĐ-CP).

A4 portrait; margins top/bottom 20 mm, left 30 mm, right 15 mm; Times New Roman 14 pt body.
Header: a borderless two-column table (issuing body left, national motto right), the title
"BÁO CÁO" and the subject line centred, the body with the figures table, then a borderless
two-column table with "Nơi nhận:" left and the signature block right. The consolidated report
adds a landscape appendix with one row per unit.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from reports.document import MOTTO, SLOGAN, ReportDocument
from reports.figures import FigureRow

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "Times New Roman"
BODY_PT = 14
HEADER_PT = 12
TABLE_PT = 12
TEXT_WIDTH_MM = 165  # A4 210 mm − 30 mm − 15 mm


def _fmt_int(value) -> str:
    if value is None:
        return "–"
    return f"{value:,}".replace(",", ".")


def _fmt_pct(value) -> str:
    if value is None:
        return "–"
    return f"{value:.1f}".replace(".", ",")


def _set_font(run, size, *, bold=False, italic=False):
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold = bold
    run.italic = italic
    r_pr = run._element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def _para(
    container,
    text="",
    size=BODY_PT,
    *,
    bold=False,
    italic=False,
    align=WD_ALIGN_PARAGRAPH.CENTER,
    before=0,
    after=0,
    indent_mm=None,
    line=1.0,
):
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.line_spacing = line
    if indent_mm is not None:
        fmt.first_line_indent = Mm(indent_mm)
    if text:
        _set_font(paragraph.add_run(text), size, bold=bold, italic=italic)
    return paragraph


def _rule(container, width_mm: float, cell_width_mm: float):
    """A short horizontal line, centred: a bottom border on an empty, indented paragraph."""
    paragraph = container.add_paragraph()
    side = max((cell_width_mm - width_mm) / 2, 0)
    fmt = paragraph.paragraph_format
    fmt.left_indent = Mm(side)
    fmt.right_indent = Mm(side)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(2)
    fmt.line_spacing = Pt(2)
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "6")
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), "000000")
    borders.append(bottom)
    p_pr.append(borders)
    return paragraph


def _no_borders(table):
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)


def _grid_borders(table):
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single")
        element.set(qn("w:sz"), "4")
        element.set(qn("w:color"), "000000")
        borders.append(element)
    tbl_pr.append(borders)


def _widths(table, widths_mm):
    """Fixed column widths, written to the grid (LibreOffice) and to every cell (Word)."""
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    for column, width in zip(table.columns, widths_mm, strict=False):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=False):
            cell.width = Mm(width)


def _clear(cell):
    """A new cell holds one empty paragraph; remove it so content starts at the top."""
    for paragraph in list(cell.paragraphs):
        paragraph._element.getparent().remove(paragraph._element)


def _cell_text(cell, text, size=TABLE_PT, *, bold=False, italic=False, align="center"):
    _clear(cell)
    alignment = {
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
    }[align]
    _para(cell, str(text), size, bold=bold, italic=italic, align=alignment)


def _setup_section(section, *, landscape=False):
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.left_margin = Mm(20)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = Mm(30)
    section.right_margin = Mm(15)
    section.top_margin = Mm(20)
    section.bottom_margin = Mm(20)


def _tight(table, indent_mm: float):
    """No cell padding, and the table shifted left by indent_mm (into the wide left margin)."""
    tbl_pr = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), "0")
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    tbl_pr.append(margins)
    indent = OxmlElement("w:tblInd")
    indent.set(qn("w:w"), str(int(-indent_mm * 56.7)))
    indent.set(qn("w:type"), "dxa")
    tbl_pr.append(indent)


def _header(document, doc: ReportDocument):
    """Issuing body (left) and national motto (right), each line on one line at 12 pt: the
    table is 174 mm wide, 9 mm into the 30 mm left margin, as the official templates do."""
    left_w, right_w = 82, 92
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    _tight(table, 9)
    _widths(table, [left_w, right_w])
    left, right = table.rows[0].cells
    _clear(left)
    _clear(right)
    _para(left, doc.superior, HEADER_PT)
    _para(left, doc.issuer, HEADER_PT, bold=True)
    _rule(left, 25, left_w)
    _para(left, doc.number_line, 13, before=4)
    _para(right, MOTTO, HEADER_PT, bold=True)
    _para(right, SLOGAN, 13, bold=True)
    _rule(right, 56, right_w)
    _para(right, doc.date_line, BODY_PT, italic=True, before=6)


def _figures_table(document, doc: ReportDocument):
    """Indicators as rows: TT, content, unit of measure, target, achieved (in quarter), %."""
    figures = doc.figures
    row = figures.totals if doc.consolidated else (figures.rows[0] if figures.rows else None)
    quarterly = figures.quarterly
    headers = ["TT", "Nội dung", "ĐVT", "Chỉ tiêu năm" if quarterly else "Chỉ tiêu giao"]
    if quarterly:
        headers += ["Trong quý", "Lũy kế"]
    else:
        headers += ["Thực hiện"]
    headers += ["Tỷ lệ (%)"]
    widths = [10, 72, 17, 20, 20, 26] if not quarterly else [10, 62, 15, 20, 18, 20, 20]
    table = document.add_table(rows=1, cols=len(headers))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _grid_borders(table)
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _cell_text(cell, text, bold=True)
    number = 0
    for index, column in enumerate(figures.columns):
        cell = row.cells[index] if row else None
        is_child = column.parent_id is not None
        if not is_child:
            number += 1
        label = f"Trong đó: {column.name or column.header}" if is_child else column.name
        values = [
            "" if is_child else str(number),
            label or column.header,
            column.unit_of_measure,
            _fmt_int(cell.target if cell else None),
        ]
        if quarterly:
            values.append(_fmt_int(cell.in_range if cell else None))
        values += [
            _fmt_int(cell.achieved if cell else None),
            _fmt_pct(cell.percent if cell else None),
        ]
        cells = table.add_row().cells
        for position, (target_cell, text) in enumerate(zip(cells, values, strict=True)):
            align = "left" if position == 1 else ("center" if position in (0, 2) else "right")
            _cell_text(target_cell, text, italic=is_child and position == 1, align=align)
    _widths(table, widths)
    return table


def _appendix(document, doc: ReportDocument):
    """Landscape appendix: one row per unit, target / achieved / % of each main indicator."""
    section = document.add_section()
    _setup_section(section, landscape=True)
    figures = doc.figures
    _para(document, "Phụ lục", BODY_PT, bold=True)
    _para(
        document,
        f"BIỂU TỔNG HỢP KẾT QUẢ THEO ĐƠN VỊ — {doc.period_name.upper()}",
        BODY_PT,
        bold=True,
    )
    _para(
        document,
        f"(Kèm theo Báo cáo {doc.number_line.replace('Số:', 'số').strip()}; "
        f"{doc.figures_caption.lower()})",
        13,
        italic=True,
        after=6,
    )
    roots = [i for i, c in enumerate(figures.columns) if c.parent_id is None]
    labels = (
        ["Chỉ tiêu năm", "Lũy kế", "%"] if figures.quarterly else ["Chỉ tiêu", "Thực hiện", "%"]
    )
    cols = 2 + len(roots) * 3 + 1
    table = document.add_table(rows=2, cols=cols)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _grid_borders(table)
    top, sub = table.rows
    for column_index, text in ((0, "TT"), (1, "Đơn vị"), (cols - 1, "Ghi chú")):
        merged = top.cells[column_index].merge(sub.cells[column_index])
        _cell_text(merged, text, 11, bold=True)
    for k, index in enumerate(roots):
        first = 2 + k * 3
        merged = top.cells[first].merge(top.cells[first + 2])
        column = figures.columns[index]
        _cell_text(merged, f"{column.name} ({column.unit_of_measure})", 11, bold=True)
        for offset, label in enumerate(labels):
            _cell_text(sub.cells[first + offset], label, 11, bold=True)

    def add(row: FigureRow, label: str, number, *, bold=False):
        cells = table.add_row().cells
        _cell_text(cells[0], "" if number is None else str(number), 11, bold=bold)
        _cell_text(cells[1], label, 11, bold=bold, align="left")
        for k, index in enumerate(roots):
            cell = row.cells[index]
            values = [_fmt_int(cell.target), _fmt_int(cell.achieved), _fmt_pct(cell.percent)]
            for offset, text in enumerate(values):
                _cell_text(cells[2 + k * 3 + offset], text, 11, bold=bold, align="right")
        _cell_text(cells[cols - 1], row.note, 10, italic=True, align="left")

    for row in figures.rows:
        add(row, row.unit_name, row.number)
    if figures.totals is not None:
        add(figures.totals, "Cộng", None, bold=True)
    data_width = (257 - 10 - 55 - 38) / (len(roots) * 3)
    _widths(table, [10, 55, *[data_width] * (len(roots) * 3), 38])


def _signature(document, doc: ReportDocument):
    left_w, right_w = 85, 80
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, [left_w, right_w])
    left, right = table.rows[0].cells
    _clear(left)
    _clear(right)
    _para(left, "Nơi nhận:", 12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    for line in doc.recipients:
        _para(left, line, 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _para(right, doc.signer_authority, BODY_PT, bold=True)
    _para(right, doc.signer_title, BODY_PT, bold=True)
    for _ in range(4):
        _para(right, "", BODY_PT)
    _para(right, doc.signer_name, BODY_PT, bold=True)


def build_docx(doc: ReportDocument) -> Document:
    document = Document()
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(BODY_PT)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    _setup_section(document.sections[0])
    # Document() starts with no paragraphs; the header table comes first.
    _header(document, doc)
    _para(document, doc.title, 14, bold=True, before=12)
    _para(document, doc.subject, 14, bold=True)
    _rule(document, 30, TEXT_WIDTH_MM)
    justify = WD_ALIGN_PARAGRAPH.JUSTIFY
    _para(document, doc.intro, BODY_PT, align=justify, before=6, after=6, indent_mm=12.7)
    for section in doc.sections:
        _para(
            document,
            f"{section.number}. {section.title}",
            BODY_PT,
            bold=True,
            align=justify,
            before=6,
            after=3,
            indent_mm=12.7,
        )
        for text in section.paragraphs:
            _para(document, text, BODY_PT, align=justify, after=3, indent_mm=12.7, line=1.1)
        if section.key == "results":
            _para(
                document,
                f"Số liệu kết quả thực hiện ({doc.figures_caption.lower()}):",
                BODY_PT,
                italic=True,
                align=justify,
                before=3,
                after=3,
                indent_mm=12.7,
            )
            _figures_table(document, doc)
            _para(document, doc.status_note, 12, italic=True, align=justify, before=3, after=3)
    _para(document, "", BODY_PT)
    _signature(document, doc)
    if doc.consolidated:
        _appendix(document, doc)
    return document


def docx_bytes(doc: ReportDocument) -> bytes:
    buffer = io.BytesIO()
    build_docx(doc).save(buffer)
    return buffer.getvalue()
