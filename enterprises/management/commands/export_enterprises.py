"""python manage.py export_enterprises --out FILE.xlsx [--unit NAME]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from enterprises.export import workbook_bytes
from enterprises.models import Enterprise
from organisation.models import Unit
from organisation.selectors import find_unit_by_name, subtree


class Command(BaseCommand):
    help = "Xuất danh sách doanh nghiệp ra Excel (đúng mẫu lệnh import_enterprises đọc lại)."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="tệp .xlsx ghi ra")
        parser.add_argument("--unit", help="chỉ doanh nghiệp thuộc đơn vị này (và cấp dưới)")

    def handle(self, *args, **options):
        enterprises = Enterprise.objects.select_related("unit", "grassroots_union").order_by(
            "unit__sort_order", "unit__name", "name"
        )
        if options.get("unit"):
            unit = find_unit_by_name(options["unit"], Unit.objects.all())
            if unit is None:
                raise CommandError(f"Không tìm thấy đơn vị “{options['unit']}”.")
            enterprises = enterprises.filter(unit__in=subtree(unit))
        out = Path(options["out"])
        try:
            out.write_bytes(workbook_bytes(enterprises))
        except OSError as exc:
            raise CommandError(f"Không ghi được tệp “{out}”: {exc}") from exc
        self.stdout.write(f"Đã ghi {enterprises.count()} doanh nghiệp vào {out}.")
