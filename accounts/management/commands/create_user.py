import getpass
import os

from django.core.management.base import BaseCommand, CommandError

from accounts.permissions import role_choices
from accounts.services import AccountError, create_user
from organisation.selectors import find_unit_by_name


class Command(BaseCommand):
    help = "Tạo tài khoản. Mật khẩu lấy từ biến môi trường NEW_USER_PASSWORD, nếu không có thì hỏi."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--role", required=True, choices=[value for value, _label in role_choices()]
        )
        parser.add_argument("--unit", help="Tên đơn vị (bắt buộc với vai trò cán bộ đơn vị)")
        parser.add_argument("--email", default="")

    def handle(self, *args, username, role, unit, email, **options):
        found = None
        if unit:
            found = find_unit_by_name(unit)
            if found is None:
                raise CommandError(f"Không tìm thấy đơn vị “{unit}”.")
        password = os.environ.get("NEW_USER_PASSWORD")
        if not password:
            password = getpass.getpass("Mật khẩu: ")
            if password != getpass.getpass("Nhập lại mật khẩu: "):
                raise CommandError("Hai lần nhập mật khẩu không khớp.")
        try:
            user = create_user(
                username=username, password=password, role=role, unit=found, email=email
            )
        except AccountError as exc:
            raise CommandError(str(exc)) from exc
        where = f" — {user.unit}" if user.unit else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã tạo tài khoản {user.username} ({user.get_role_display()}{where})."
            )
        )
