from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Khôi phục dữ liệu từ tệp zip do lệnh backup tạo. Toàn bộ dữ liệu hiện có được thay thế "
        "trong một giao dịch: lỗi ở bất kỳ đâu thì cơ sở dữ liệu giữ nguyên."
    )

    def add_arguments(self, parser):
        parser.add_argument("infile", metavar="IN", help="Tệp zip sao lưu")
        parser.add_argument(
            "--yes", action="store_true", help="Không hỏi lại trước khi thay thế dữ liệu hiện có"
        )

    def handle(self, *args, infile, yes, **options):
        if not yes and options.get("interactive", True) and self.stdin_isatty():
            answer = input("Toàn bộ dữ liệu hiện có sẽ bị thay thế. Gõ “co” để tiếp tục: ")
            if answer.strip().lower() not in {"co", "có", "yes"}:
                raise CommandError("Đã huỷ, dữ liệu không thay đổi.")
        try:
            result = restore_backup(Path(infile))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(result["counts"].values())
        self.stdout.write(self.style.SUCCESS(f"Đã khôi phục {rows} bản ghi từ {infile}."))
        for label, (expected, got) in sorted(result["differing"].items()):
            self.stderr.write(f"  Cảnh báo: {label}: bản sao lưu có {expected}, hiện có {got}.")

    @staticmethod
    def stdin_isatty() -> bool:
        import sys

        return sys.stdin.isatty()
