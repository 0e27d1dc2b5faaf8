"""Who a management command acts as: ``--as USERNAME``, or the command's system actor.

    def add_arguments(self, parser):
        add_actor_argument(parser)

    def handle(self, *args, **options):
        with command_actor("import_members", options["as_user"]) as user:
            services.admit_members(..., user=user)

Services check the actor's rights (accounts.permissions) as they do for a web request; the
audit trail names the account, or the command for the system actor.
"""

from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError

from accounts import audit, permissions


def add_actor_argument(parser) -> None:
    parser.add_argument(
        "--as",
        dest="as_user",
        metavar="USERNAME",
        default=None,
        help="Thực hiện với quyền của tài khoản này (mặc định: lệnh hệ thống, toàn quyền).",
    )


def find_actor(command: str, username: str | None = None):
    if not username:
        return permissions.system_actor(command)
    from accounts.models import User

    user = User.objects.filter(username__iexact=username, is_active=True).first()
    if user is None:
        raise CommandError(f"Không có tài khoản đang hoạt động “{username}” (--as).")
    return user


@contextmanager
def command_actor(command: str, username: str | None = None):
    """Yield the acting user; changes inside are attributed to it in the audit trail."""
    user = find_actor(command, username)
    try:
        with audit.acting_as(user):
            yield user
    except PermissionDenied as exc:
        raise CommandError(
            f"Tài khoản “{user.username}” không có quyền thực hiện lệnh {command}; "
            "không có gì thay đổi."
        ) from exc
