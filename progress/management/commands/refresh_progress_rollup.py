"""python manage.py refresh_progress_rollup: repair the per-day rollup of the figures.

The write services keep the rollup exact, reorganisations included, so this is needed only after
writes that bypassed them (raw SQL, bulk inserts without ``rollup.add_records``, a restore) and
once after the first deployment. Writers keep writing while it runs, and it cannot deadlock with
them (see ``progress.rollup.rebuild``). Safe to run at any time, any number of times.
"""

import time

from django.core.management.base import BaseCommand

from progress import rollup


class Command(BaseCommand):
    help = (
        "Sửa bảng tổng hợp theo ngày cho khớp với các bản ghi tiến độ, theo từng khoảng ngày, "
        "không chặn người đang nhập (an toàn chạy nhiều lần)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7, help="Số ngày mỗi bước (mặc định 7).")

    def handle(self, *args, days, **options):
        started = time.perf_counter()
        rows = rollup.rebuild(days_per_step=max(1, days))
        self.stdout.write(
            f"Đã sửa {rows} dòng tổng hợp trong {time.perf_counter() - started:.1f} giây."
        )
