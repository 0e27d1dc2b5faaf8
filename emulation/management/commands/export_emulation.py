"""python manage.py export_emulation --plan NUMBER [--period CODE] [--rule-version N] --out FILE.xlsx"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from emulation.export import ranking_bytes
from emulation.scoring import compute
from emulation.selectors import published_rule
from plans.selectors import get_plan_by_number


class Command(BaseCommand):
    help = (
        "Xuất bảng điểm thi đua và xếp hạng (điểm từng tiêu chí, tổng điểm, xếp loại, xếp hạng "
        "trong từng cấp) theo bộ tiêu chí đã công bố ra tệp Excel."
    )

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, help="số kế hoạch, ví dụ 78/KH-LĐLĐ")
        parser.add_argument("--period", help="mã hoặc tên đợt (mặc định: đợt đầu tiên)")
        parser.add_argument(
            "--rule-version",
            type=int,
            help="phiên bản bộ tiêu chí đã công bố (mặc định: phiên bản mới nhất)",
        )
        parser.add_argument("--out", required=True, help="tệp .xlsx")

    def handle(self, *args, **options):
        plan = get_plan_by_number(options["plan"])
        if plan is None:
            raise CommandError(f"Không tìm thấy kế hoạch số {options['plan']}.")
        periods = plan.periods.order_by("sort_order", "start")
        wanted = options["period"]
        if wanted:
            period = (
                periods.filter(code=wanted).first() or periods.filter(name__iexact=wanted).first()
            )
            if period is None:
                codes = ", ".join(periods.values_list("code", flat=True))
                raise CommandError(f"Kế hoạch {plan.number} không có đợt “{wanted}” (có: {codes}).")
        else:
            period = periods.first()
            if period is None:
                raise CommandError(f"Kế hoạch {plan.number} chưa có đợt nào.")
        rule_set = published_rule(plan, options["rule_version"])
        if rule_set is None:
            if options["rule_version"]:
                raise CommandError(
                    f"Kế hoạch {plan.number} không có bộ tiêu chí đã công bố phiên bản "
                    f"{options['rule_version']}."
                )
            raise CommandError(f"Kế hoạch {plan.number} chưa công bố bộ tiêu chí thi đua.")
        out = Path(options["out"])
        if not out.parent.is_dir():
            raise CommandError(f"Thư mục {out.parent} không tồn tại.")
        scores = compute(rule_set, period)
        out.write_bytes(ranking_bytes(scores))
        ranked = sum(1 for r in scores.rows if r.rank)
        self.stdout.write(
            f"Đã ghi {out} ({plan.number}, {period.name}, bộ tiêu chí phiên bản "
            f"{rule_set.version}, {len(scores.rows)} đơn vị, {ranked} đơn vị được xếp hạng)."
        )
