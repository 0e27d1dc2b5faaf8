"""The allocation table as printed in a plan's text, read as printed, and what is wrong with it.

A table converted from a document with merged header cells arrives as tab-separated lines whose
header cells no longer sit above their numbers. This module reads such a table by *structure*
rather than by position:

- header line 1 names the column groups ("Giao phát triển ĐV tháng cao điểm", …) and the single
  columns ("Giới thiệu đoàn viên ưu tú …", "Ghi chú");
- on the following header lines a cell belongs to the group that starts at or before its
  position, and a cell under a "Trong đó:" belongs to the group of the nearest "Trong đó:" to its
  left — so the header *names* a number of columns per group;
- each unit row carries its numbers in order (positions are not trusted), then a note.

How many numbers each group really carries is worked out from the figures: a group whose first
column is a total with "Trong đó" parts takes the total and the smallest number of following
numbers that add up to it in every row (unit rows and the "Cộng" row); single columns take one;
one group left over takes what remains. Findings:

- a group whose header names more (or fewer) columns than its rows carry numbers;
- every number column whose printed "Cộng" differs from the sum of its unit cells, named by its
  position, its group and, where the figures show it, what it is (the group's total is the
  column never below any other column of the group).

``printed_workbook`` renders the table as a person would type it from the printout: the printed
header, merged as printed, and each row's numbers filled in from the left.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from openpyxl import Workbook

from core.excel import OfficialSheet, save_workbook, write_official_sheet
from core.text import clean, format_int, name_key, parse_int
from plans.table import OF_WHICH, HeaderCell

SOURCE_NAME = "Biểu giao chỉ tiêu in trong văn bản Kế hoạch 78/KH-LĐLĐ"
SEED_FILE = Path("demo") / "seed" / "ke_hoach_78_KH-LDLD_2024.txt"
PRINTED_XLSX = Path("demo") / "bieu_giao_chi_tieu_nhu_ban_in.xlsx"
TABLE_TITLE = "BIỂU GIAO CHỈ TIÊU"
FIXED = {"tt": "tt", "đơn vị": "unit", "ghi chú": "note"}


@dataclass
class Group:
    name: str
    position: int
    named: list[str] = field(default_factory=list)  # columns the header names, left to right
    width: int | None = None  # numbers each row really carries for it
    offset: int = 0  # index of its first number in a row

    @property
    def has_parts(self) -> bool:
        return len(self.named) > 1


@dataclass
class PrintedRow:
    label: str
    numbers: list[int]
    note: str = ""


@dataclass
class PrintedTable:
    title: str
    subtitle: str
    attached_line: str
    groups: list[Group]
    rows: list[PrintedRow]
    totals: PrintedRow | None
    findings: list["SourceFinding"] = field(default_factory=list)

    @property
    def named_columns(self) -> int:
        return sum(len(g.named) for g in self.groups)

    @property
    def numbers_per_row(self) -> int:
        return max((len(r.numbers) for r in self.rows), default=0)


@dataclass(frozen=True)
class SourceFinding:
    location: str
    message: str


def _cells(line: str) -> list[str]:
    return [clean(c) for c in line.rstrip("\n").split("\t")]


def _number(cell: str) -> int | None:
    try:
        return parse_int(cell)
    except ValueError:
        return None


def parse_printed_table(text: str, title: str = TABLE_TITLE) -> PrintedTable:
    """Parse the first printed table that follows a line reading title."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if clean(line) == title)
    head = [clean(line) for line in lines[start + 1 : start + 6] if clean(line)]
    subtitle = head[0] if head else ""
    attached = next((line for line in head if line.startswith("(Kèm theo")), "")
    top = next(i for i in range(start, len(lines)) if _cells(lines[i])[0].lower() in {"tt", "stt"})
    header_lines = [_cells(lines[top])]
    index = top + 1
    while index < len(lines) and _number(_cells(lines[index])[0]) is None:
        header_lines.append(_cells(lines[index]))
        index += 1
    groups = _groups(header_lines)
    rows, totals = [], None
    for line in lines[index:]:
        cells = _cells(line)
        if not any(cells):
            break
        label_cells = cells[:2]
        rest = cells[2:]
        numbers = [n for n in (_number(c) for c in rest) if n is not None]
        note = next((c for c in rest if c and _number(c) is None), "")
        if name_key(cells[0]).startswith("cộng"):
            totals = PrintedRow("Cộng", numbers, note)
            break
        rows.append(PrintedRow(label_cells[1], numbers, note))
    table = PrintedTable(title, subtitle, attached, groups, rows, totals)
    _fit_widths(table)
    table.findings = analyse(table)
    return table


def _groups(header_lines: list[list[str]]) -> list[Group]:
    groups: list[Group] = []
    for position, text in enumerate(header_lines[0]):
        if text and name_key(text) not in FIXED:
            groups.append(Group(text, position))
    if not groups:
        return groups

    def group_at(position: int) -> Group:
        before = [g for g in groups if g.position <= position]
        return before[-1] if before else groups[0]

    of_which: list[tuple[int, Group]] = []
    placed: list[tuple[int, int, Group, str]] = []  # (line, position, group, text)
    for line_no, cells in enumerate(header_lines[1:], start=1):
        for position, text in enumerate(cells):
            if not text or name_key(text) in FIXED:
                continue
            if name_key(text).startswith("trong đó"):
                of_which.append((position, group_at(position)))
                continue
            owner = group_at(position)
            if line_no > 1:
                markers = [g for p, g in of_which if p <= position]
                owner = markers[-1] if markers else owner
            placed.append((line_no, position, owner, text))
    for group in groups:
        mine = sorted((ln, pos, text) for ln, pos, g, text in placed if g is group)
        # the group's total (upper line) first, then its parts left to right
        group.named = [text for _ln, _pos, text in mine] or [group.name]
    return groups


def _fit_widths(table: PrintedTable) -> None:
    rows = table.rows + ([table.totals] if table.totals else [])
    count = table.numbers_per_row
    offset = 0
    open_group = None
    for group in table.groups:
        group.offset = offset
        if not group.has_parts:
            group.width = 1
        else:
            group.width = _summing_width(rows, offset, count)
            if group.width is None:
                if open_group is not None:
                    return  # two groups the figures cannot size: leave widths unknown
                open_group = group
                # sized below from what the other groups leave
                group.width = 0
        offset += group.width
    if open_group is not None:
        open_group.width = count - sum(g.width for g in table.groups if g is not open_group)
        offset = 0
        for group in table.groups:
            group.offset = offset
            offset += group.width


def _summing_width(rows: list[PrintedRow], offset: int, count: int) -> int | None:
    """1 + the smallest k such that number[offset] = sum of the next k numbers in every row."""
    for k in range(1, count - offset):
        if all(
            len(r.numbers) > offset + k
            and r.numbers[offset] == sum(r.numbers[offset + 1 : offset + 1 + k])
            for r in rows
        ):
            return k + 1
    return None


def analyse(table: PrintedTable) -> list[SourceFinding]:
    """Totals-row differences first, then header/row count differences."""
    return _totals_findings(table) + _width_findings(table)


def _width_findings(table: PrintedTable) -> list[SourceFinding]:
    findings = []
    for group in table.groups:
        if group.width is None or group.width == len(group.named):
            continue
        findings.append(
            SourceFinding(
                f"Tiêu đề nhóm “{group.name}”",
                (
                    f"tiêu đề ghi {len(group.named)} cột "
                    f"({'; '.join(group.named)}) nhưng mỗi dòng đơn vị chỉ mang "
                    f"{group.width} số cho nhóm này."
                    if group.width < len(group.named)
                    else f"tiêu đề ghi {len(group.named)} cột ({'; '.join(group.named)}) "
                    f"nhưng mỗi dòng đơn vị mang {group.width} số cho nhóm này "
                    f"(số đầu bằng tổng {group.width - 1} số sau ở mọi dòng, kể cả dòng Cộng)."
                ),
            )
        )
    return findings


def _totals_findings(table: PrintedTable) -> list[SourceFinding]:
    findings = []
    if table.totals is None:
        return findings
    for position, printed in enumerate(table.totals.numbers):
        cells = [r.numbers[position] for r in table.rows if len(r.numbers) > position]
        added = sum(cells)
        if printed == added:
            continue
        findings.append(
            SourceFinding(
                "Dòng “Cộng”",
                f"{_describe(table, position)}: dòng “Cộng” ghi {format_int(printed)} "
                f"nhưng các ô của {len(cells)} đơn vị cộng lại {format_int(added)}.",
            )
        )
    return findings


def _describe(table: PrintedTable, position: int) -> str:
    group = next(
        (g for g in table.groups if g.width and g.offset <= position < g.offset + g.width), None
    )
    if group is None:
        return f"Cột số thứ {position + 1}"
    inside = position - group.offset
    text = f"Cột số thứ {position + 1} (số thứ {inside + 1} của nhóm “{group.name}”"
    column = [r.numbers[position] for r in table.rows]
    others = [
        [r.numbers[p] for r in table.rows]
        for p in range(group.offset, group.offset + group.width)
        if p != position
    ]
    if not any(column):
        text += "; mọi ô của các đơn vị đều bằng 0"
    elif group.width > 1 and all(
        all(c >= o for c, o in zip(column, other, strict=True)) for other in others
    ):
        text += f"; là cột “{group.named[0]}” vì không nhỏ hơn cột nào khác của nhóm ở mọi dòng"
    return text + ")"


def seed_text() -> str:
    return (Path(settings.BASE_DIR) / SEED_FILE).read_text(encoding="utf-8")


def demo_table() -> PrintedTable:
    return parse_printed_table(seed_text())


@transaction.atomic
def record_findings(period, table: PrintedTable) -> int:
    """Keep the table's findings as the period's ImportFinding rows (replacing earlier ones)."""
    from plans.models import ImportFinding

    period.import_findings.filter(source=SOURCE_NAME).delete()
    ImportFinding.objects.bulk_create(
        ImportFinding(period=period, source=SOURCE_NAME, location=f.location, message=f.message)
        for f in table.findings
    )
    return len(table.findings)


def header_cells(table: PrintedTable) -> tuple[list[HeaderCell], int]:
    """The printed header as merged cells (3 rows), columns as the header names them."""
    cells = []
    col = 0
    for group in table.groups:
        if not group.has_parts:
            cells.append(HeaderCell(group.name, 0, col, rowspan=3))
            col += 1
            continue
        parts = group.named[1:]
        cells.append(HeaderCell(group.name, 0, col, colspan=len(group.named)))
        cells.append(HeaderCell(group.named[0], 1, col, rowspan=2))
        cells.append(HeaderCell(OF_WHICH, 1, col + 1, colspan=len(parts)))
        for offset, part in enumerate(parts, start=1):
            cells.append(HeaderCell(part, 2, col + offset))
        col += len(group.named)
    return cells, col


def printed_workbook(table: PrintedTable, sheet_name: str, federation: str) -> Workbook:
    """The table typed from the printout: its header as printed, numbers filled from the left."""
    cells, columns = header_cells(table)

    def fill(numbers):
        return (list(numbers) + [None] * columns)[:columns]

    workbook = Workbook()
    write_official_sheet(
        workbook,
        OfficialSheet(
            name=sheet_name,
            federation=federation,
            title=table.title,
            subtitle=table.subtitle,
            attached_line=table.attached_line,
            header_cells=cells,
            header_depth=3,
            data_columns=columns,
            rows=[(n, r.label, fill(r.numbers), r.note) for n, r in enumerate(table.rows, 1)],
            totals=fill(table.totals.numbers) if table.totals else None,
        ),
    )
    return workbook


def write_printed_xlsx(path, sheet_name: str) -> Path:
    """demo/bieu_giao_chi_tieu_nhu_ban_in.xlsx from the seed text; sheet_name: the period's code
    (plans.demo.PEAK_CODE — passed in, so this module never imports the demo)."""
    workbook = printed_workbook(demo_table(), sheet_name, "LIÊN ĐOÀN LAO ĐỘNG TỈNH LAI CHÂU")
    save_workbook(workbook, path)
    return Path(path)
