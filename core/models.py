"""Shared models: the personal data processing log."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PersonalDataAccess(models.Model):
    """Who was shown whose unmasked personal data, when and where (Decree 13/2023/NĐ-CP,
    processing log). Written by core.masking.log_personal_data_access; never edited."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người xem"),
    )
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    purpose = models.CharField(_("nơi xem"), max_length=50)
    path = models.CharField(_("đường dẫn"), max_length=500, blank=True)
    # "progress.member:12", one per person whose data were shown in full.
    subjects = models.JSONField(_("chủ thể dữ liệu"), default=list)
    count = models.PositiveIntegerField(_("số người"))

    class Meta:
        verbose_name = _("lần xem dữ liệu cá nhân")
        verbose_name_plural = _("nhật ký xử lý dữ liệu cá nhân")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "at"], name="personal_access_user")]

    def __str__(self):
        return f"{self.user} · {self.purpose} · {self.count}"
