"""python manage.py send_reminders [--today DD/MM/YYYY] [--dry-run] — for a daily timer."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Gửi e-mail nhắc hạn nộp báo cáo (trước hạn và quá hạn) cho cán bộ các đơn vị chưa nộp. "
        "Chạy hằng ngày; chạy lại trong cùng ngày không gửi trùng."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today", help="Ngày coi là hôm nay, dạng DD/MM/YYYY (mặc định: hôm nay)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Chỉ liệt kê, không gửi, không ghi nhận."
        )

    def handle(self, *args, today=None, dry_run=False, **options):
        if today:
            try:
                day = datetime.datetime.strptime(today.strip(), "%d/%m/%Y").date()
            except ValueError as exc:
                raise CommandError(
                    f"--today “{today}” không hợp lệ: cần dạng DD/MM/YYYY, ví dụ 02/08/2024."
                ) from exc
        else:
            day = timezone.localdate()
        try:
            reminders = send_reminders(today=day, dry_run=dry_run)
        except OSError as exc:  # SMTP unreachable, refused, …
            raise CommandError(f"Không gửi được e-mail: {exc}") from exc
        verb = "Sẽ gửi" if dry_run else "Đã gửi"
        for reminder in reminders:
            self.stdout.write(
                f"{verb}: {reminder.user.email} — {reminder.subject} ({reminder.unit.name})"
            )
        self.stdout.write(f"{verb} {len(reminders)} e-mail nhắc báo cáo, ngày {day:%d/%m/%Y}.")
