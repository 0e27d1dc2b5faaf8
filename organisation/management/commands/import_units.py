import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.commands import add_actor_argument, command_actor
from organisation.unit_import import UnitImportFailed, import_units


def _date(text: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError as exc:
        raise CommandError(f"Ngày “{text}” không đúng dạng DD/MM/YYYY.") from exc


class Command(BaseCommand):
    help = (
        "Nhập danh sách đơn vị (Excel) như liên đoàn đang giữ: cơ cấu tổ chức kể từ ngày --date "
        "(tạo mới, chuyển cấp trên, kết thúc hoạt động, sáp nhập). Có lỗi thì không lưu gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp .xlsx")
        parser.add_argument("--date", required=True, help="Cơ cấu có hiệu lực từ ngày DD/MM/YYYY")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không lưu gì")
        add_actor_argument(parser)

    def handle(self, *args, file, date, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Không có tệp {file}.")
        on_date = _date(date)
        try:
            with command_actor("import_units", options.get("as_user")) as user:
                result = import_units(source=path, on_date=on_date, user=user, dry_run=dry_run)
        except UnitImportFailed as exc:
            lines = [
                f"Không nhập được danh sách đơn vị từ tệp {path.name}: {len(exc.problems)} lỗi; "
                "không có gì được lưu.",
                *[f"  - {problem}" for problem in exc.problems],
            ]
            raise CommandError("\n".join(lines)) from exc
        head = "Thử (--dry-run), không lưu gì" if dry_run else "Đã nhập"
        counts = "; ".join(f"{label}: {n}" for label, n in result.counts().items())
        self.stdout.write(f"{head} — từ ngày {on_date:%d/%m/%Y}: {counts}.")
        for label, names in (
            ("Tạo mới", result.created),
            ("Chuyển cấp trên", result.moved),
            ("Kết thúc hoạt động", result.ended),
            ("Sáp nhập", result.merged),
            ("Cập nhật", result.updated),
            ("Số liệu gốc", result.baselines),
        ):
            for name in names:
                self.stdout.write(f"  {label}: {name}")
        for warning in result.warnings:
            self.stdout.write(f"  Lưu ý: {warning}")
