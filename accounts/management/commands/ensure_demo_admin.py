import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.models import Role, User
from organisation.models import Unit, UnitKind

PASSWORD_FILE = Path(settings.BASE_DIR) / ".demo-admin-password"


def write_private_file(path: Path, text: str) -> None:
    """Write text to path readable by its owner only (0600), also when the file already exists."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


class Command(BaseCommand):
    help = "Tạo (nếu chưa có) tài khoản quản trị demo “admin” và in mật khẩu của nó."

    def handle(self, *args, **options):
        user = User.objects.filter(username="admin").first()
        if user is None or not PASSWORD_FILE.exists():
            password = os.environ.get("DEMO_ADMIN_PASSWORD") or secrets.token_urlsafe(9)
            user = user or User(username="admin")
            user.role = Role.PROVINCE_ADMIN
            user.unit = Unit.objects.filter(kind=UnitKind.PROVINCE).first()
            user.is_staff = user.is_superuser = True
            user.set_password(password)
            user.save()
            write_private_file(PASSWORD_FILE, password)
        password = PASSWORD_FILE.read_text(encoding="utf-8").strip()
        self.stdout.write(f"Tài khoản quản trị demo: admin / {password}")
