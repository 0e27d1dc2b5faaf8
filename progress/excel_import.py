"""Read a list of new members from Excel as units keep it.

Title rows may sit above the header; the header row is the first row with a "Họ và tên" cell.
Columns are found by their header text (several spellings), so their order does not matter.
Dates arrive as Excel dates or as dd/mm/yyyy text; a CCCD typed as a number is repaired.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from core.text import clean, name_key
from progress.member_rows import RawRow, RowError

HEADER_ALIASES = {
    "full_name": ["Họ và tên", "Họ tên", "Họ và tên đoàn viên"],
    "date_of_birth": ["Ngày sinh", "Ngày tháng năm sinh", "Năm sinh"],
    "gender": ["Giới tính", "Nam/Nữ"],
    "ethnicity": ["Dân tộc"],
    "cccd": ["Số CCCD", "CCCD", "Số căn cước công dân", "Số CCCD/CMND", "Căn cước công dân"],
    "job": ["Nghề nghiệp", "Công việc", "Nghề nghiệp/Công việc", "Chức danh"],
    "admitted_on": ["Ngày kết nạp", "Ngày vào công đoàn", "Ngày kết nạp đoàn viên"],
}
REQUIRED = ["full_name", "date_of_birth", "gender", "cccd", "admitted_on"]
MAX_TITLE_ROWS = 20


@dataclass
class ParsedFile:
    rows: list[RawRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)  # file-level problems (row 0)
    sheet: str = ""


def _match(text) -> str | None:
    key = name_key(text)
    for column, aliases in HEADER_ALIASES.items():
        if key in {name_key(a) for a in aliases}:
            return column
    return None


def read_members(file, filename: str = "") -> ParsedFile:
    result = ParsedFile()
    try:
        workbook = load_workbook(file, data_only=True, read_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not .xlsx
        result.errors.append(
            RowError(0, "—", _("Tệp %(f)s không phải tệp Excel .xlsx đọc được.") % {"f": filename})
        )
        return result
    sheet = workbook.worksheets[0]
    result.sheet = sheet.title
    rows = list(sheet.iter_rows(values_only=True))
    workbook.close()
    header_index, columns = None, {}
    for index, row in enumerate(rows[:MAX_TITLE_ROWS]):
        found = {}
        for col, value in enumerate(row):
            column = _match(value) if value is not None else None
            if column and column not in found:
                found[column] = col
        if "full_name" in found:
            header_index, columns = index, found
            break
    if header_index is None:
        result.errors.append(
            RowError(
                0,
                "—",
                _("Trang “%(s)s”: không tìm thấy dòng tiêu đề có cột “Họ và tên”.")
                % {"s": sheet.title},
            )
        )
        return result
    missing = [key for key in REQUIRED if key not in columns]
    for key in missing:
        result.errors.append(
            RowError(
                header_index + 1,
                HEADER_ALIASES[key][0],
                _("Trang “%(s)s”: thiếu cột này ở dòng tiêu đề.") % {"s": sheet.title},
            )
        )
    if missing:
        return result
    for index in range(header_index + 1, len(rows)):
        row = rows[index]
        values = {key: (row[col] if col < len(row) else None) for key, col in columns.items()}
        if all(v is None or clean(v) == "" for v in values.values()):
            continue
        number = index + 1  # spreadsheet row number
        cells = {key: f"{get_column_letter(col + 1)}{number}" for key, col in columns.items()}
        result.rows.append(RawRow(number=number, values=values, cells=cells))
    return result
