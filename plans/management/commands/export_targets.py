from django.core.management.base import BaseCommand, CommandError

from plans.excel_export import export_workbook
from plans.management.lookup import plan_and_period


class Command(BaseCommand):
    help = (
        "Xuất biểu giao chỉ tiêu ra Excel theo mẫu chính thức, mỗi đợt một trang tính "
        "(hoặc chỉ đợt --period)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, help="Số kế hoạch, ví dụ 78/KH-LĐLĐ")
        parser.add_argument("--period", help="Mã hoặc tên đợt; bỏ trống để xuất mọi đợt")
        parser.add_argument("--out", required=True, help="Tệp .xlsx sẽ ghi")

    def handle(self, *args, plan, period, out, **options):
        found, chosen = plan_and_period(plan, period)
        periods = [chosen] if chosen else None
        workbook = export_workbook(found, periods)
        try:
            workbook.save(out)
        except OSError as exc:
            raise CommandError(f"Không ghi được tệp {out}: {exc}") from exc
        names = ", ".join(ws.title for ws in workbook.worksheets)
        self.stdout.write(self.style.SUCCESS(f"Đã ghi {out} (trang tính: {names})."))
