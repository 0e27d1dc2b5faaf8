from django.core.management.base import BaseCommand

from core.demo import load_demo


class Command(BaseCommand):
    help = "Nạp dữ liệu demo (Kế hoạch 78/KH-LĐLĐ, Lai Châu 2024). Chạy lại nhiều lần vẫn an toàn."

    def handle(self, *args, **options):
        load_demo(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Đã nạp dữ liệu demo."))
