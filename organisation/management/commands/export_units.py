import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.excel import save_workbook
from organisation.selectors import find_unit_by_name
from organisation.unit_export import tree_rows, units_workbook


class Command(BaseCommand):
    help = "Ghi cây đơn vị tại một ngày ra Excel, theo mẫu mà import_units đọc lại được."

    def add_arguments(self, parser):
        parser.add_argument("--under", help="chỉ ghi cây dưới đơn vị này (kể cả đơn vị đó)")
        parser.add_argument("--date", help="cây tại ngày DD/MM/YYYY (mặc định hôm nay)")
        parser.add_argument("--out", required=True, help="Tệp .xlsx")

    def handle(self, *args, under, date, out, **options):
        on_date = timezone.localdate()
        if date:
            try:
                on_date = datetime.datetime.strptime(date.strip(), "%d/%m/%Y").date()
            except ValueError as exc:
                raise CommandError(f"Ngày “{date}” không đúng dạng DD/MM/YYYY.") from exc
        root = None
        if under:
            root = find_unit_by_name(under)
            if root is None:
                raise CommandError(f"Không tìm thấy đơn vị “{under}”.")
        count = len(tree_rows(on_date, root))
        save_workbook(units_workbook(on_date, root), out)
        self.stdout.write(f"Đã ghi {count} đơn vị (tại ngày {on_date:%d/%m/%Y}) vào {out}.")
