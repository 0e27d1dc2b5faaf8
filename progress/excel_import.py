"""Read a list of new members from Excel as units keep it, through core.spreadsheet.

Title rows may sit above the header; columns are found by their header text (several
spellings), so their order does not matter. Names typed in TCVN3, VNI or NFD are repaired to NFC.
Dates arrive as Excel dates or as dd/mm/yyyy text; a CCCD typed as a number is repaired in
``member_rows.parse_cccd``. Checking the rows is ``member_rows.validate_rows``' job.
"""

from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from core import collector
from core.spreadsheet import Column, Problem, SpreadsheetError, open_workbook, read_table
from progress.member_rows import RawRow

MAX_ROWS = 50_000  # new members of one grassroots union in one file (a large factory)
COLUMNS = [
    Column("full_name", ["Họ và tên", "Họ tên", "Họ và tên đoàn viên"], required=True),
    Column(
        "date_of_birth", ["Ngày sinh", "Ngày tháng năm sinh", "Năm sinh"], required=True, kind="raw"
    ),
    Column("gender", ["Giới tính", "Nam/Nữ"], required=True),
    Column("ethnicity", ["Dân tộc"]),
    Column(
        "cccd",
        ["Số CCCD", "CCCD", "Số căn cước công dân", "Số CCCD/CMND", "Căn cước công dân"],
        required=True,
        kind="raw",
    ),
    Column("job", ["Nghề nghiệp", "Công việc", "Nghề nghiệp/Công việc", "Chức danh"]),
    Column(
        "admitted_on",
        ["Ngày kết nạp", "Ngày vào công đoàn", "Ngày kết nạp đoàn viên"],
        required=True,
        kind="raw",
    ),
]


@dataclass
class ParsedFile:
    rows: list[RawRow] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)  # problems of the file itself
    sheet: str = ""


def _limits(keys) -> dict[str, int]:
    """The longest text each column may hold: that of the member field keeping it (a number
    like 1e308 written out is 309 characters), refused with its place rather than failing at
    the database. Columns that are not member fields (the admission date) have none."""
    from progress.models import Member

    limits = {}
    for key in keys:
        try:
            limit = Member._meta.get_field(key).max_length
        except FieldDoesNotExist:
            continue
        if limit:
            limits[key] = limit
    return limits


@collector.paused()
def read_members(file, filename: str = "") -> ParsedFile:
    result = ParsedFile()
    try:
        with open_workbook(file, filename=filename) as workbook:
            sheet = workbook.sheet(None)
            result.sheet = sheet.title
            table = read_table(sheet, columns=COLUMNS, max_rows=MAX_ROWS)
    except SpreadsheetError as exc:
        result.errors = exc.problems
        return result
    result.errors = table.errors
    limits = list(_limits(table.columns).items())
    letters = {key: table.letter(key) for key in table.columns}  # one dict for every row
    rows = result.rows
    for row in table.rows:
        values = row.values
        if row.is_blank():
            continue
        too_long = [
            (key, limit)
            for key, limit in limits
            if isinstance(values.get(key), str) and len(values[key]) > limit
        ]
        for key, limit in too_long:
            result.errors.append(
                table.problem(row.number, key, _("quá dài (tối đa %(n)s ký tự).") % {"n": limit})
            )
        if too_long:
            continue
        rows.append(RawRow(number=row.number, values=values, columns=letters, sheet=table.sheet))
    return result
