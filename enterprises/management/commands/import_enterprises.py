"""python manage.py import_enterprises FILE.xlsx [--unit NAME] [--survey-date DD/MM/YYYY]

Valid rows are saved together in one transaction; rejected rows are listed with their reason
and saved nothing. The exit code is non-zero only when the file itself cannot be used
(unreadable, no header row, a required column missing) or --unit is unknown.
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.commands import add_actor_argument, command_actor
from enterprises import importer
from organisation.models import Unit, UnitKind
from organisation.selectors import find_unit_by_name


class Command(BaseCommand):
    help = "Nhập danh sách doanh nghiệp (khảo sát lao động) từ tệp Excel .xlsx."

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp .xlsx")
        parser.add_argument(
            "--unit",
            help="công đoàn cấp trên cho các dòng không ghi đơn vị, vd. “LĐLĐ huyện Mường Tè”",
        )
        parser.add_argument(
            "--survey-date",
            help="ngày khảo sát (dd/mm/yyyy) cho các dòng không ghi ngày; mặc định hôm nay",
        )
        add_actor_argument(parser)

    def handle(self, *args, **options):
        unit = None
        if options.get("unit"):
            unit = find_unit_by_name(
                options["unit"], Unit.objects.filter(kind__in=UnitKind.upper_level())
            )
            if unit is None:
                raise CommandError(f"Không tìm thấy công đoàn cấp trên “{options['unit']}”.")
        survey_date = None
        if options.get("survey_date"):
            try:
                survey_date = datetime.datetime.strptime(options["survey_date"], "%d/%m/%Y").date()
            except ValueError as exc:
                raise CommandError(
                    f"--survey-date “{options['survey_date']}” không phải ngày dd/mm/yyyy."
                ) from exc
            if survey_date > timezone.localdate():
                raise CommandError(f"--survey-date “{options['survey_date']}” ở tương lai.")
        try:
            result = importer.parse(options["file"], default_unit=unit, survey_date=survey_date)
        except (importer.ImportFileError, FileNotFoundError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        try:
            with command_actor("import_enterprises", options.get("as_user")) as user:
                importer.apply(result, user=user)
        except ValidationError as exc:
            raise CommandError(
                "Không lưu được, chưa dòng nào được lưu: " + " ".join(exc.messages)
            ) from exc
        if result.encoding:
            self.stdout.write(f"Đã chuyển mã chữ {result.encoding.upper()} sang Unicode.")
        self.stdout.write(
            f"Tạo mới: {result.created}; cập nhật: {result.updated}; bị từ chối: {result.rejected}."
        )
        for row in result.rejected_rows:
            self.stdout.write(f"  Dòng {row.row}: " + "; ".join(row.errors))
        for row in result.warned_rows:
            self.stdout.write(
                f"  Dòng {row.row} (đã nhập, cần xem lại): " + "; ".join(row.warnings)
            )
