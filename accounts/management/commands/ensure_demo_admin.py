import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.models import Role, User
from organisation.models import Unit, UnitKind

PASSWORD_FILE = Path(settings.BASE_DIR) / ".demo-admin-password"


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
            PASSWORD_FILE.write_text(password, encoding="utf-8")
        password = PASSWORD_FILE.read_text(encoding="utf-8").strip()
        self.stdout.write(f"Tài khoản quản trị demo: admin / {password}")
