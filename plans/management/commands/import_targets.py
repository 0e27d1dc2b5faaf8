from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.commands import add_actor_argument, command_actor
from plans.excel_import import ImportFailed
from plans.management.lookup import plan_and_period
from plans.services import import_targets_file


class Command(BaseCommand):
    help = (
        "Nhập biểu giao chỉ tiêu từ tệp Excel (mẫu của hệ thống hoặc biểu do người gõ). "
        "Có lỗi thì không thay đổi gì và báo từng lỗi theo trang tính, dòng, cột."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp .xlsx")
        parser.add_argument("--plan", required=True, help="Số kế hoạch, ví dụ 78/KH-LĐLĐ")
        parser.add_argument(
            "--period",
            help="Mã hoặc tên đợt; bỏ trống thì mỗi trang tính ứng với đợt trùng tên",
        )
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không lưu gì")
        add_actor_argument(parser)

    def handle(self, *args, file, plan, period, dry_run, as_user=None, **options):
        found, chosen = plan_and_period(plan, period)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Không có tệp {file}.")
        try:
            with command_actor("import_targets", as_user) as user:
                result = import_targets_file(
                    source=path,
                    source_name=path.name,
                    plan=found,
                    period=chosen,
                    dry_run=dry_run,
                    user=user,
                )
        except ImportFailed as exc:
            lines = [
                f"Không nhập được tệp {path.name}: {len(exc.problems)} lỗi; không có gì thay đổi.",
                *[f"  - {problem}" for problem in exc.problems],
            ]
            if exc.warnings:
                lines.append("Cảnh báo (dòng “Cộng” khác tổng các dòng):")
                lines += [f"  - {warning}" for warning in exc.warnings]
            raise CommandError("\n".join(lines)) from exc
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(f"Cảnh báo: {warning}"))
        sheets = ", ".join(f"{s.title} → {s.period.name}" for s in result.sheets)
        verb = "Kiểm tra xong (không lưu)" if dry_run else "Đã nhập"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {path.name} ({sheets}): {result.changed_targets} ô chỉ tiêu và "
                f"{result.changed_notes} ghi chú thay đổi, {len(result.warnings)} cảnh báo."
            )
        )
