"""python manage.py import_members FILE.xlsx --union "GRASSROOTS UNION NAME"

Admits every member of the file to the union, or nothing: any bad row stops the import with one
message per bad row (row, column) and a non-zero exit code.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from organisation.models import UnitKind
from organisation.selectors import find_unit_by_name
from progress.excel_import import read_members
from progress.member_rows import validate_rows
from progress.services import ProgressError, admit_members


class Command(BaseCommand):
    help = "Nhập danh sách đoàn viên mới từ tệp Excel vào một công đoàn cơ sở (tất cả hoặc không)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp .xlsx")
        parser.add_argument("--union", required=True, help="tên công đoàn cơ sở")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        union = find_unit_by_name(options["union"])
        if union is None:
            raise CommandError(f"Không tìm thấy đơn vị “{options['union']}”.")
        if union.kind not in UnitKind.grassroots_level():
            raise CommandError(f"“{union}” không phải công đoàn cơ sở hoặc nghiệp đoàn cơ sở.")
        with path.open("rb") as handle:
            parsed = read_members(handle, path.name)
        members, errors = validate_rows(parsed.rows, union) if parsed.rows else ([], [])
        errors = parsed.errors + errors
        if not errors and not members:
            raise CommandError(f"{path.name}: không có dòng đoàn viên nào.")
        if errors:
            # One message per bad row, naming every bad cell of it.
            by_row: dict[int | None, list] = {}
            for error in errors:
                by_row.setdefault(error.row, []).append(error)
            for row, row_errors in sorted(by_row.items(), key=lambda item: item[0] or 0):
                first = row_errors[0]
                where = [path.name]
                if first.sheet is not None:
                    where.append(f"trang tính “{first.sheet}”")
                if row is not None:
                    where.append(f"dòng {row}")
                cells = "; ".join(f"{_cell(e)}{e.message}" for e in row_errors)
                self.stderr.write(f"{', '.join(where)}: {cells}")
            raise CommandError(f"{len(errors)} lỗi trong {path.name}; chưa lưu đoàn viên nào.")
        try:
            created = admit_members(union=union, members=members, user=None)
        except ProgressError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"Đã kết nạp {len(created)} đoàn viên vào {union}.")


def _cell(problem) -> str:
    if problem.column:
        return f"cột {problem.column} (“{problem.header}”): "
    if problem.header:
        return f"cột “{problem.header}”: "
    return ""
