"""Accounts: a user has one role and, for unit roles, one unit whose subtree they work in."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.history import HistoricalRecords
from organisation.models import Unit

# Shown in the audit trail instead of the password hash, which history never stores.
PASSWORD_CHANGED = "đổi mật khẩu"
DEACTIVATED = "khoá tài khoản"
REACTIVATED = "mở lại tài khoản"


class Role(models.TextChoices):
    PROVINCE_ADMIN = "province_admin", _("Quản trị cấp tỉnh")
    PROVINCE_VIEWER = "province_viewer", _("Xem cấp tỉnh")
    UNIT_OFFICER = "unit_officer", _("Cán bộ đơn vị (công đoàn cấp trên cơ sở)")
    GRASSROOTS_OFFICER = "grassroots_officer", _("Cán bộ công đoàn cơ sở")

    @classmethod
    def unit_roles(cls):
        return [cls.UNIT_OFFICER, cls.GRASSROOTS_OFFICER]


class User(AbstractUser):
    role = models.CharField(
        _("vai trò"), max_length=30, choices=Role.choices, default=Role.PROVINCE_VIEWER
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("đơn vị"),
        help_text=_("Cấp tỉnh: LĐLĐ tỉnh. Cán bộ đơn vị: đơn vị mình phụ trách."),
    )
    # The audit trail of accounts: no password hash and no sign-in time in the history table.
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("tài khoản")
        verbose_name_plural = _("tài khoản")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=["unit_officer", "grassroots_officer"])
                | Q(unit__isnull=False),
                name="user_unit_role_has_unit",
                violation_error_message=_("Cán bộ đơn vị phải gắn với một đơn vị."),
            )
        ]

    def set_password(self, raw_password):
        super().set_password(raw_password)
        if self.pk is not None:
            self._change_reason = PASSWORD_CHANGED

    @property
    def is_province_admin(self) -> bool:
        return self.is_active and (self.role == Role.PROVINCE_ADMIN or self.is_superuser)

    @property
    def is_province_level(self) -> bool:
        return self.is_province_admin or self.role == Role.PROVINCE_VIEWER
