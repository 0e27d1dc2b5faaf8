from django.core.management.base import BaseCommand

from plans.describe import describe
from plans.management.lookup import plan_and_period


class Command(BaseCommand):
    help = (
        "In kế hoạch theo cách hệ thống hiểu: các đợt với ngày, cây chỉ tiêu với đại lượng, "
        "khu vực, ngưỡng và quan hệ “Trong đó”."
    )

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, help="Số kế hoạch, ví dụ 78/KH-LĐLĐ")

    def handle(self, *args, plan, **options):
        found, _period = plan_and_period(plan, None)
        self.stdout.write("\n".join(describe(found)))
