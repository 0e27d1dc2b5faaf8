"""python manage.py refresh_progress_rollup: rebuild the per-day rollup of the figures.

Run it from a nightly timer, after a reorganisation of units and after bulk loads. Until it runs,
figures are still right (they fall back to aggregating the records directly), only slower.
"""

import time

from django.core.management.base import BaseCommand

from progress import rollup


class Command(BaseCommand):
    help = "Tính lại bảng tổng hợp theo ngày dùng cho số liệu tiến độ (an toàn chạy nhiều lần)."

    def handle(self, *args, **options):
        started = time.perf_counter()
        rows = rollup.rebuild()
        self.stdout.write(
            f"Đã tính lại {rows} dòng tổng hợp trong {time.perf_counter() - started:.1f} giây."
        )
