from django.core.management.base import BaseCommand

from accounts.commands import add_actor_argument, command_actor
from core.demo import load_demo


class Command(BaseCommand):
    help = "Nạp dữ liệu demo (Kế hoạch 78/KH-LĐLĐ, Lai Châu 2024). Chạy lại nhiều lần vẫn an toàn."

    def add_arguments(self, parser):
        add_actor_argument(parser)
        parser.add_argument(
            "--only-2024",
            action="store_true",
            help="Chỉ nạp năm 2024, không áp dụng sắp xếp cơ cấu minh họa từ 01/07/2025.",
        )

    def handle(self, *args, **options):
        with command_actor("load_demo", options.get("as_user")) as user:
            load_demo(stdout=self.stdout, user=user, reorganise=not options["only_2024"])
        self.stdout.write(self.style.SUCCESS("Đã nạp dữ liệu demo."))
