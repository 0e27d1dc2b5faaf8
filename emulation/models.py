"""Emulation (thi đua) and rewards: a versioned scoring rule per plan and reward proposals.

A rule set is a draft until a province administrator publishes it; a published version is never
changed again: a change is a new version with its own date and reason, and scores name the
version they were computed with (``emulation.scoring``).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.history import HistoricalRecords
from organisation.models import Unit
from plans.models import Period, Plan


class RuleStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    PUBLISHED = "published", _("Đã công bố")


class RuleSet(models.Model):
    """One version of a plan's emulation criteria with its grading bands (score thresholds)."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="emulation_rules", verbose_name=_("kế hoạch")
    )
    version = models.PositiveIntegerField(_("phiên bản"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=RuleStatus.choices, default=RuleStatus.DRAFT
    )
    published_on = models.DateField(_("ngày công bố"), null=True, blank=True)
    reason = models.TextField(
        _("lý do thay đổi"), blank=True, help_text=_("Bắt buộc với phiên bản thứ hai trở đi.")
    )
    # Grading bands: a score ≥ the threshold earns the band (below "hoàn thành": không hoàn thành).
    excellent_min = models.DecimalField(
        _("ngưỡng hoàn thành xuất sắc"), max_digits=5, decimal_places=1, default=Decimal("90")
    )
    good_min = models.DecimalField(
        _("ngưỡng hoàn thành tốt"), max_digits=5, decimal_places=1, default=Decimal("75")
    )
    done_min = models.DecimalField(
        _("ngưỡng hoàn thành"), max_digits=5, decimal_places=1, default=Decimal("50")
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người tạo"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bộ tiêu chí thi đua")
        verbose_name_plural = _("bộ tiêu chí thi đua")
        ordering = ["plan", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "version"], name="emulation_rule_version"),
        ]

    def __str__(self):
        return f"{self.plan.number} · v{self.version} ({self.get_status_display()})"

    @property
    def is_published(self) -> bool:
        return self.status == RuleStatus.PUBLISHED


class CriterionKind(models.TextChoices):
    TARGET_SHARE = "target_share", _("Tỷ lệ hoàn thành từng chỉ tiêu")
    MINIMUMS_MET = "minimums_met", _("Số chỉ tiêu “trở lên” đạt")
    REPORT_TIMELINESS = "report_timeliness", _("Báo cáo nộp đúng hạn")
    # Campaign organisation (campaign app, read by emulation.campaign_criteria):
    COMMITTEE = "campaign_committee", _("Có ban chỉ đạo phát triển đoàn viên")
    OFFICER = "campaign_officer", _("Có cán bộ phụ trách phát triển đoàn viên")
    TRAININGS = "campaign_trainings", _("Tỷ lệ CĐCS mới có cán bộ được tập huấn")
    MILESTONES = "campaign_milestones", _("Tỷ lệ mốc chất lượng CĐCS mới đã đạt")
    OWN_PLAN = "campaign_own_plan", _("Có kế hoạch thực hiện của đơn vị")


class Criterion(models.Model):
    rule_set = models.ForeignKey(
        RuleSet,
        on_delete=models.CASCADE,
        related_name="criteria",
        verbose_name=_("bộ tiêu chí thi đua"),
    )
    kind = models.CharField(_("loại tiêu chí"), max_length=30, choices=CriterionKind.choices)
    name = models.CharField(_("tên tiêu chí"), max_length=255)
    weight = models.PositiveIntegerField(
        _("trọng số (điểm)"), validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    capped = models.BooleanField(
        _("tính tối đa 100%"),
        default=True,
        help_text=_("Chỉ với tỷ lệ hoàn thành chỉ tiêu: vượt chỉ tiêu không cộng thêm điểm."),
    )
    sort_order = models.PositiveIntegerField(_("thứ tự"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tiêu chí thi đua")
        verbose_name_plural = _("tiêu chí thi đua")
        ordering = ["rule_set", "sort_order", "id"]

    def __str__(self):
        return self.name


class Band(models.TextChoices):
    EXCELLENT = "excellent", _("Hoàn thành xuất sắc nhiệm vụ")
    GOOD = "good", _("Hoàn thành tốt nhiệm vụ")
    DONE = "done", _("Hoàn thành nhiệm vụ")
    NOT_DONE = "not_done", _("Không hoàn thành nhiệm vụ")


class RecipientKind(models.TextChoices):
    COLLECTIVE = "collective", _("Tập thể")
    INDIVIDUAL = "individual", _("Cá nhân")


class RewardForm(models.TextChoices):
    BANG_KHEN = "bang_khen", _("Bằng khen")
    GIAY_KHEN = "giay_khen", _("Giấy khen")


class RewardLevel(models.TextChoices):
    NATIONAL = "national", _("Tổng Liên đoàn Lao động Việt Nam")
    PROVINCE = "province", _("Liên đoàn Lao động tỉnh")
    UPPER = "upper", _("Công đoàn cấp trên trực tiếp cơ sở")

    @classmethod
    def for_form(cls, form: str) -> list[str]:
        """Bằng khen: of the national or the provincial federation; Giấy khen: of the
        upper-level union (or the provincial federation)."""
        if form == RewardForm.BANG_KHEN:
            return [cls.NATIONAL, cls.PROVINCE]
        return [cls.PROVINCE, cls.UPPER]


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Đã đề nghị")
    REVIEWED = "reviewed", _("Đã thẩm định")
    APPROVED = "approved", _("Đã quyết định khen thưởng")
    DECLINED = "declined", _("Không khen thưởng")


class RewardProposal(models.Model):
    """A proposal to reward a collective (a unit) or an individual of a unit."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="reward_proposals", verbose_name=_("kế hoạch")
    )
    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="+", verbose_name=_("đợt")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="reward_proposals",
        verbose_name=_("đơn vị"),
        help_text=_("Tập thể được đề nghị, hoặc đơn vị của cá nhân."),
    )
    recipient_kind = models.CharField(_("đối tượng"), max_length=12, choices=RecipientKind.choices)
    person_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    person_position = models.CharField(_("chức vụ"), max_length=150, blank=True)
    form = models.CharField(_("hình thức khen thưởng"), max_length=12, choices=RewardForm.choices)
    level = models.CharField(_("cấp khen thưởng"), max_length=12, choices=RewardLevel.choices)
    achievements = models.TextField(_("thành tích"))
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=ProposalStatus.choices,
        default=ProposalStatus.PROPOSED,
    )
    decision_number = models.CharField(_("số quyết định"), max_length=50, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    decline_reason = models.TextField(_("lý do không khen thưởng"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người đề nghị"),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đề nghị khen thưởng")
        verbose_name_plural = _("đề nghị khen thưởng")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        who = self.unit.name if self.is_collective else f"{self.person_name} ({self.unit.name})"
        return f"{self.get_form_display()} — {who}"

    @property
    def is_collective(self) -> bool:
        return self.recipient_kind == RecipientKind.COLLECTIVE

    @property
    def reward_label(self) -> str:
        return f"{self.get_form_display()} {self.get_level_display()}"
