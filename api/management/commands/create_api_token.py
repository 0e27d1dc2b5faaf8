from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.permissions import system_actor
from api.services import TokenError, create_token


class Command(BaseCommand):
    help = (
        "Tạo mã truy cập API cho một tài khoản và in mã ra một lần (chỉ lưu bản băm SHA-256). "
        "Dùng: Authorization: Bearer <mã>."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--expires", type=int, metavar="DAYS", help="Hết hạn sau số ngày này")
        parser.add_argument("--name", default="", help="Tên gợi nhớ của mã (vd. “Kịch bản BI”)")

    def handle(self, *args, username, expires, name, **options):
        owner = User.objects.filter(username__iexact=username).first()
        if owner is None:
            raise CommandError(f"Không có tài khoản “{username}”.")
        try:
            token, raw = create_token(
                owner=owner,
                name=name or "create_api_token",
                expires_days=expires,
                user=system_actor("create_api_token"),
            )
        except TokenError as exc:
            raise CommandError(str(exc)) from exc
        until = (
            f"hết hạn {token.expires_at.astimezone():%d/%m/%Y %H:%M}"
            if token.expires_at
            else "không hết hạn"
        )
        self.stderr.write(
            f"Mã API cho {owner.username} ({until}); chỉ in một lần, hãy lưu lại ngay:"
        )
        self.stdout.write(raw)
