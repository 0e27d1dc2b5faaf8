import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.commands import add_actor_argument, command_actor
from plans.excel_import import ImportFailed
from plans.plan_import import import_plan_file


def _date(text: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError as exc:
        raise CommandError(f"Ngày “{text}” không đúng dạng DD/MM/YYYY.") from exc


def _period(text: str) -> tuple[str, tuple[datetime.date, datetime.date]]:
    sheet, sep, dates = text.rpartition("=")
    start, dash, end = dates.partition("-")
    if not sep or not sheet or not dash:
        raise CommandError(f'--period “{text}” không đúng dạng "TRANG TÍNH=DD/MM/YYYY-DD/MM/YYYY".')
    return sheet, (_date(start), _date(end))


class Command(BaseCommand):
    help = (
        "Tạo kế hoạch (dự thảo) từ biểu giao chỉ tiêu Excel của liên đoàn: mỗi trang tính một "
        "đợt, cây chỉ tiêu từ tiêu đề cột, ý nghĩa chỉ tiêu đọc từ chữ của tiêu đề, đơn vị theo "
        "tên, rồi nhập chỉ tiêu. Có lỗi thì không lưu gì và báo từng lỗi (trang tính, dòng, cột)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp .xlsx")
        parser.add_argument("--number", required=True, help="Số kế hoạch, ví dụ 12/KH-LĐLĐ")
        parser.add_argument("--date", required=True, help="Ngày ban hành DD/MM/YYYY")
        parser.add_argument("--issuer", required=True, help="Tên đơn vị ban hành")
        parser.add_argument("--title", default="", help="Trích yếu")
        parser.add_argument(
            "--period",
            action="append",
            default=[],
            help='Ngày của một đợt khi tiêu đề không ghi: "TRANG TÍNH=DD/MM/YYYY-DD/MM/YYYY"',
        )
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không lưu gì")
        add_actor_argument(parser)

    def handle(
        self, *args, file, number, date, issuer, title, period, dry_run, as_user=None, **options
    ):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Không có tệp {file}.")
        periods = dict(_period(p) for p in period)
        issued_on = _date(date)
        try:
            with command_actor("import_plan", as_user) as user:
                result = import_plan_file(
                    source=path,
                    number=number,
                    issued_on=issued_on,
                    issuer_name=issuer,
                    title=title,
                    periods=periods,
                    dry_run=dry_run,
                    user=user,
                )
        except ImportFailed as exc:
            lines = [
                f"Không tạo được kế hoạch từ tệp {path.name}: {len(exc.problems)} lỗi; "
                "không có gì được lưu.",
                *[f"  - {problem}" for problem in exc.problems],
            ]
            raise CommandError("\n".join(lines)) from exc
        plan = result.plan
        self.stdout.write("Cách hệ thống hiểu các cột (hãy kiểm tra):")
        for line in result.readings:
            self.stdout.write(f"  {line}")
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(f"Cảnh báo: {warning}"))
        verb = "Kiểm tra xong (không lưu)" if dry_run else "Đã tạo dự thảo kế hoạch"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {plan.number}: {plan.periods.count() if not dry_run else '–'} đợt, "
                f"{len(result.readings)} chỉ tiêu, {result.changed_targets} ô chỉ tiêu, "
                f"{len(result.warnings)} cảnh báo."
            )
        )
