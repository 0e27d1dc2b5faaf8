"""Account operations shared by the admin pages and the create_user command."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Role, User
from organisation.models import Unit, UnitKind


class AccountError(ValueError):
    pass


@transaction.atomic
def create_user(
    *,
    username: str,
    password: str,
    role: str,
    unit: Unit | None = None,
    email: str = "",
    full_name: str = "",
    validate: bool = True,
) -> User:
    if role not in Role.values:
        raise AccountError(
            _("Vai trò “%(role)s” không hợp lệ. Chọn một trong: %(roles)s.")
            % {"role": role, "roles": ", ".join(Role.values)}
        )
    if role in Role.unit_roles() and unit is None:
        raise AccountError(_("Vai trò “%(role)s” cần chỉ rõ đơn vị (--unit).") % {"role": role})
    if role == Role.GRASSROOTS_OFFICER and unit.kind not in UnitKind.grassroots_level():
        raise AccountError(_("Cán bộ công đoàn cơ sở phải gắn với một CĐCS hoặc nghiệp đoàn."))
    if User.objects.filter(username=username).exists():
        raise AccountError(_("Tên đăng nhập “%(u)s” đã tồn tại.") % {"u": username})
    user = User(username=username, role=role, unit=unit, email=email)
    if full_name:
        user.first_name = full_name
    if validate:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise AccountError(" ".join(exc.messages)) from exc
    user.set_password(password)
    user.is_staff = role == Role.PROVINCE_ADMIN
    user.save()
    return user
