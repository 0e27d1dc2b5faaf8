from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Sao lưu toàn bộ dữ liệu (JSON, khoá tự nhiên) và tệp đính kèm vào một tệp zip. "
        "Dùng được giữa SQLite và PostgreSQL. Tệp chứa dữ liệu cá nhân: chỉ chủ sở hữu đọc được."
    )

    def add_arguments(self, parser):
        parser.add_argument("out", help="Tệp zip sẽ ghi, ví dụ backup-2024-07-31.zip")

    def handle(self, *args, out, **options):
        try:
            manifest = create_backup(Path(out))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã sao lưu {rows} bản ghi và {manifest['media_files']} tệp đính kèm vào {out}."
            )
        )
