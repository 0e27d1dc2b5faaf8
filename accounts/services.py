"""Account operations shared by the account pages and the create_user command.

Functions that take an ``actor`` check the actor's rights through accounts.permissions first,
so a page or a script cannot do more than the policy allows.
"""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import DEACTIVATED, REACTIVATED, User
from core.errors import ServiceError
from organisation.models import Unit


class AccountError(ServiceError):
    pass


def _check_role_unit(role: str, unit: Unit | None) -> None:
    problem = permissions.role_unit_problem(role, unit)
    if problem:
        raise AccountError(problem)


def _validated(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise AccountError(" ".join(exc.messages)) from exc


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
    _check_role_unit(role, unit)
    if User.objects.filter(username__iexact=username).exists():
        raise AccountError(_("Tên đăng nhập “%(u)s” đã tồn tại.") % {"u": username})
    user = User(username=username, role=role, unit=unit, email=email)
    if full_name:
        user.first_name = full_name
    if validate:
        _validated(password, user)
    user.set_password(password)
    user.is_staff = permissions.opens_admin_site(role)
    user.save()
    return user


@transaction.atomic
def create_account(
    *,
    actor: User,
    username: str,
    password: str,
    role: str,
    unit: Unit | None = None,
    email: str = "",
    full_name: str = "",
) -> User:
    """create_user on behalf of actor, within actor's rights."""
    if not permissions.can_assign(actor, role=role, unit=unit):
        raise AccountError(_("Bạn không được tạo tài khoản với vai trò và đơn vị này."))
    return create_user(
        username=username,
        password=password,
        role=role,
        unit=unit,
        email=email,
        full_name=full_name,
    )


def _require_manage(actor: User, user: User) -> None:
    if not permissions.can_manage_account(actor, user):
        raise AccountError(_("Bạn không có quyền quản lý tài khoản “%(u)s”.") % {"u": user})


@transaction.atomic
def update_account(
    *,
    actor: User,
    user: User,
    role: str,
    unit: Unit | None,
    email: str = "",
    full_name: str = "",
) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    _require_manage(actor, user)
    _check_role_unit(role, unit)
    if (role, unit) != (user.role, user.unit) and not permissions.can_assign(
        actor, role=role, unit=unit
    ):
        raise AccountError(_("Bạn không được gán vai trò và đơn vị này."))
    if user.pk == actor.pk and role != user.role:
        raise AccountError(_("Không thể tự đổi vai trò của chính mình."))
    user.role, user.unit, user.email, user.first_name = role, unit, email, full_name
    user.is_staff = permissions.opens_admin_site(role) or user.is_superuser
    user.save()
    return user


@transaction.atomic
def set_active(*, actor: User, user: User, active: bool) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    _require_manage(actor, user)
    if user.pk == actor.pk and not active:
        raise AccountError(_("Không thể tự khoá tài khoản của chính mình."))
    if user.is_active != active:
        user.is_active = active
        user._change_reason = REACTIVATED if active else DEACTIVATED
        user.save()
    return user


@transaction.atomic
def reset_password(*, actor: User, user: User, password: str) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    _require_manage(actor, user)
    _validated(password, user)
    user.set_password(password)
    user.save()
    return user
