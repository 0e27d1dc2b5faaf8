"""python manage.py export_report --plan 78/KH-LĐLĐ [--period CODE] [--unit "UNIT NAME"]
--format docx|xlsx --out FILE

Without --unit: the province's consolidated report. --period takes a reporting deadline's code
(e.g. quy-3-2024, ket-thuc-thang-cao-diem-2024) or a plan period's code (e.g.
thang-cao-diem-2024); without it, the end-of-campaign report.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.text import format_int
from organisation.selectors import find_unit_by_name
from plans.models import PlanUnit
from plans.selectors import get_plan_by_number
from reports.document import build_document
from reports.excel_report import xlsx_bytes
from reports.models import Report, ReportingDeadline
from reports.selectors import find_deadline
from reports.word import docx_bytes


class Command(BaseCommand):
    help = "Xuất báo cáo kết quả (Word .docx hoặc Excel .xlsx) của một đơn vị hoặc của tỉnh."

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, help="Số kế hoạch, ví dụ 78/KH-LĐLĐ")
        parser.add_argument("--period", help="Mã kỳ báo cáo hoặc mã đợt của kế hoạch")
        parser.add_argument("--unit", help="Tên đơn vị; bỏ trống: báo cáo tổng hợp của tỉnh")
        parser.add_argument("--format", required=True, choices=["docx", "xlsx"], dest="fmt")
        parser.add_argument("--out", required=True, help="Tệp kết quả")

    def handle(self, *args, plan, period=None, unit=None, fmt, out, **options):
        found = get_plan_by_number(plan)
        if found is None:
            raise CommandError(f"Không tìm thấy kế hoạch số “{plan}”.")
        deadline = find_deadline(found, period)
        if deadline is None:
            codes = ", ".join(
                ReportingDeadline.objects.filter(plan=found).values_list("code", flat=True)
            )
            raise CommandError(
                f"Kế hoạch {found.number} không có kỳ báo cáo “{period or ''}”. "
                f"Các mã có: {codes or '(chưa có lịch báo cáo)'}."
            )
        if unit:
            target = find_unit_by_name(unit)
            if target is None:
                raise CommandError(f"Không tìm thấy đơn vị “{unit}”.")
            in_plan = PlanUnit.objects.filter(plan=found, unit=target).exists()
            if not in_plan and target.pk != found.issuing_unit_id:
                raise CommandError(
                    f"Đơn vị “{target.name}” không được giao chỉ tiêu trong kế hoạch {found.number}."
                )
        else:
            target = found.issuing_unit
        report = Report.objects.filter(deadline=deadline, unit=target).first()
        doc = build_document(deadline, target, report)
        body = docx_bytes(doc) if fmt == "docx" else xlsx_bytes(doc)
        path = Path(out)
        try:
            path.write_bytes(body)
        except OSError as exc:
            raise CommandError(f"Không ghi được tệp “{out}”: {exc}") from exc
        self.stdout.write(
            f"Đã xuất {deadline.name} — {target.name} ({fmt}) vào {path} ({format_int(len(body))} byte)."
        )
