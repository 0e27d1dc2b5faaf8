"""python manage.py export_progress --plan 78/KH-LĐLĐ [--period CODE] --out FILE.xlsx"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.selectors import get_plan_by_number
from progress.export import results_bytes


class Command(BaseCommand):
    help = "Xuất biểu kết quả thực hiện chỉ tiêu (chỉ tiêu, thực hiện, tỷ lệ) ra tệp Excel."

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, help="số kế hoạch, ví dụ 78/KH-LĐLĐ")
        parser.add_argument("--period", help="mã đợt (mặc định: đợt đầu tiên)")
        parser.add_argument("--out", required=True, help="tệp .xlsx")

    def handle(self, *args, **options):
        plan = get_plan_by_number(options["plan"])
        if plan is None:
            raise CommandError(f"Không tìm thấy kế hoạch số {options['plan']}.")
        periods = plan.periods.order_by("sort_order", "start")
        if options["period"]:
            period = periods.filter(code=options["period"]).first()
            if period is None:
                codes = ", ".join(periods.values_list("code", flat=True))
                raise CommandError(
                    f"Kế hoạch {plan.number} không có đợt “{options['period']}” (có: {codes})."
                )
        else:
            period = periods.first()
            if period is None:
                raise CommandError(f"Kế hoạch {plan.number} chưa có đợt nào.")
        out = Path(options["out"])
        if not out.parent.is_dir():
            raise CommandError(f"Thư mục {out.parent} không tồn tại.")
        out.write_bytes(results_bytes(period))
        self.stdout.write(f"Đã ghi {out} ({plan.number}, {period.name}).")
