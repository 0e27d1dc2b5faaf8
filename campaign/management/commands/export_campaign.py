"""python manage.py export_campaign --plan 78/KH-LĐLĐ --out FILE.xlsx [--as USERNAME]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.commands import add_actor_argument, command_actor
from campaign.export import board_bytes
from campaign.selectors import board
from plans.selectors import get_plan_by_number


class Command(BaseCommand):
    help = (
        "Xuất biểu theo dõi công tác tổ chức thực hiện (ban chỉ đạo, cán bộ phụ trách, kế hoạch "
        "của đơn vị, nhiệm vụ, kinh phí, tập huấn, CĐCS mới) ra tệp Excel."
    )

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, help="số kế hoạch, ví dụ 78/KH-LĐLĐ")
        parser.add_argument("--out", required=True, help="tệp .xlsx")
        add_actor_argument(parser)

    def handle(self, *args, **options):
        plan = get_plan_by_number(options["plan"])
        if plan is None:
            raise CommandError(f"Không tìm thấy kế hoạch số {options['plan']}.")
        out = Path(options["out"])
        if not out.parent.is_dir():
            raise CommandError(f"Thư mục {out.parent} không tồn tại.")
        with command_actor("export_campaign", options["as_user"]) as user:
            data = board(plan, user)
        out.write_bytes(board_bytes(data))
        self.stdout.write(f"Đã ghi {out} ({plan.number}, {len(data.unit_rows)} đơn vị).")
