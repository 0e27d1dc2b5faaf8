"""python manage.py check_progress_rollup: compare the per-day rollup with the records.

Prints every (unit, day, sector, kind) where the rollup and the direct aggregate of the records
over the closure table differ, and exits with status 1 if there is any (0 if they match). Run it
from monitoring; ``refresh_progress_rollup`` repairs what it finds.
"""

import sys

from django.core.management.base import BaseCommand

from progress import rollup

SHOWN = 50


class Command(BaseCommand):
    help = (
        "So sánh bảng tổng hợp theo ngày với tổng trực tiếp từ các bản ghi; "
        "in các chỗ lệch và thoát với mã 1 nếu có."
    )

    def handle(self, *args, **options):
        built = rollup.is_built()
        found = rollup.differences()
        if not found:
            state = "" if built else " (bảng tổng hợp chưa được dựng lần nào)"
            self.stdout.write(f"Bảng tổng hợp khớp với các bản ghi{state}.")
            return
        self.stdout.write(
            f"Bảng tổng hợp lệch với các bản ghi ở {len(found)} dòng "
            "(đơn vị, ngày, khu vực, loại: tổng hợp / bản ghi):"
        )
        for (unit_id, day, sector, kind), rolled, direct in found[:SHOWN]:
            self.stdout.write(
                f"  đơn vị {unit_id}, {day:%d/%m/%Y}, {sector}, {kind}: {rolled} / {direct}"
            )
        if len(found) > SHOWN:
            self.stdout.write(f"  … và {len(found) - SHOWN} dòng nữa.")
        self.stdout.write("Chạy “python manage.py refresh_progress_rollup” để sửa.")
        sys.exit(1)
