"""Enterprises (doanh nghiệp), informal worker groups, and the path to a new grassroots union.

- ``Enterprise``: the register. Its workforce is a history (``WorkforceSurvey``, one row per
  survey date, never overwritten); ``workers``/``workers_surveyed_on`` on the enterprise repeat
  the latest survey so lists and the ≥25 rule are plain indexed filters.
- Union status is derived: an enterprise is covered when ``grassroots_union`` (the CĐCS that
  covers it) is set — when a founding is recorded here, or when an officer links an existing one.
- ``InformalGroup``: workers without a labour contract (trade, place, number of workers), the
  base for a nghiệp đoàn cơ sở.
- ``FoundingCase``: the founding pipeline of one enterprise or one informal group, with each
  step's date and the officer who recorded it.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.history import HistoricalRecords, attribution
from core.text import name_key
from organisation.models import Unit


class Ownership(models.TextChoices):
    STATE = "state", _("Nhà nước")
    NON_STATE = "non_state", _("Ngoài nhà nước")
    FOREIGN = "foreign", _("Có vốn đầu tư nước ngoài (FDI)")


class LegalForm(models.TextChoices):
    """The legal form (loại hình doanh nghiệp) as registration writes it; ownership follows from
    it for FDI and state enterprises, every other form is non-state."""

    SOLE = "sole", _("Doanh nghiệp tư nhân (DNTN)")
    LLC_ONE = "llc_one", _("Công ty TNHH một thành viên")
    LLC_MULTI = "llc_multi", _("Công ty TNHH hai thành viên trở lên")
    LLC = "llc", _("Công ty TNHH")
    JOINT_STOCK = "joint_stock", _("Công ty cổ phần")
    PARTNERSHIP = "partnership", _("Công ty hợp danh")
    COOPERATIVE = "cooperative", _("Hợp tác xã")
    BRANCH = "branch", _("Chi nhánh")
    REPRESENTATIVE = "representative", _("Văn phòng đại diện")
    FOREIGN = "foreign", _("Doanh nghiệp có vốn đầu tư nước ngoài (FDI)")
    STATE = "state", _("Doanh nghiệp nhà nước")


class Enterprise(models.Model):
    name = models.CharField(_("tên doanh nghiệp"), max_length=255)
    # Matched in Python (the importer reads the register once) or by "contains" (the search),
    # which no B-tree serves: not indexed.
    name_key = models.CharField(
        _("tên chuẩn hoá để so khớp"), max_length=255, editable=False, default=""
    )
    tax_code = models.CharField(
        _("mã số thuế"),
        max_length=14,
        blank=True,
        help_text=_("10 chữ số, hoặc 13 chữ số cho chi nhánh (dạng 0100109106-001)."),
    )
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    commune = models.CharField(_("xã/phường/thị trấn"), max_length=100, blank=True)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="enterprises",
        verbose_name=_("công đoàn cấp trên phụ trách"),
        db_index=False,  # Meta.indexes' (unit, workers) leads with it
    )
    ownership = models.CharField(
        _("loại hình sở hữu"), max_length=20, choices=Ownership.choices, default=Ownership.NON_STATE
    )
    legal_form = models.CharField(
        _("loại hình doanh nghiệp"), max_length=20, choices=LegalForm.choices, blank=True
    )
    industry = models.CharField(_("ngành nghề"), max_length=150, blank=True)
    workers = models.PositiveIntegerField(_("số lao động"), null=True, blank=True)
    workers_surveyed_on = models.DateField(_("ngày khảo sát"), null=True, blank=True)
    grassroots_union = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="covered_enterprises",
        verbose_name=_("CĐCS của doanh nghiệp"),
    )
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    is_demo = models.BooleanField(_("dữ liệu demo"), default=False)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    created_by = attribution(_("người tạo"))
    # History rows are read by the enterprise's id, date, user and unit (accounts.audit),
    # never by name, creator or grassroots union: those indexes only slow every import's writes.
    history = HistoricalRecords(no_db_index=["name_key", "created_by", "grassroots_union"])

    class Meta:
        verbose_name = _("doanh nghiệp")
        verbose_name_plural = _("doanh nghiệp")
        ordering = ["unit__sort_order", "name"]
        indexes = [models.Index(fields=["unit", "workers"])]
        constraints = [
            models.UniqueConstraint(
                fields=["tax_code"],
                condition=~Q(tax_code=""),
                name="enterprise_tax_code_unique",
                violation_error_message=_("Mã số thuế này đã có trong danh sách doanh nghiệp."),
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.name)
        super().save(*args, **kwargs)

    @property
    def has_union(self) -> bool:
        return self.grassroots_union_id is not None

    @property
    def is_large(self) -> bool:
        return self.workers is not None and self.workers >= settings.LARGE_ENTERPRISE_MIN_WORKERS


class WorkforceSurvey(models.Model):
    """One survey of an enterprise's workforce. Never overwritten: a new survey is a new row."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="surveys", verbose_name=_("doanh nghiệp")
    )
    surveyed_on = models.DateField(_("ngày khảo sát"))
    workers = models.PositiveIntegerField(_("số lao động"))
    source = models.CharField(_("nguồn"), max_length=255, blank=True)
    recorded_by = attribution(_("người ghi"))
    recorded_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)
    # Read by the survey's id, date and user only (accounts.audit): no index on the rest.
    history = HistoricalRecords(no_db_index=["enterprise", "recorded_by"])

    class Meta:
        verbose_name = _("kết quả khảo sát lao động")
        verbose_name_plural = _("kết quả khảo sát lao động")
        ordering = ["enterprise", "-surveyed_on", "-id"]

    def __str__(self):
        return f"{self.enterprise}: {self.workers} ({self.surveyed_on:%d/%m/%Y})"


class InformalGroup(models.Model):
    """Workers of one trade at one place without a labour contract: a future nghiệp đoàn."""

    trade = models.CharField(_("ngành nghề"), max_length=150)
    place = models.CharField(_("địa bàn"), max_length=255)
    commune = models.CharField(_("xã/phường/thị trấn"), max_length=100, blank=True)
    workers = models.PositiveIntegerField(_("số người lao động"), validators=[MinValueValidator(1)])
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="informal_groups",
        verbose_name=_("công đoàn cấp trên phụ trách"),
    )
    grassroots_union = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="covered_informal_groups",
        verbose_name=_("nghiệp đoàn cơ sở"),
    )
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    created_by = attribution(_("người tạo"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nhóm lao động khu vực phi chính thức")
        verbose_name_plural = _("nhóm lao động khu vực phi chính thức")
        ordering = ["unit__sort_order", "trade", "place"]

    def __str__(self):
        return f"{self.trade} — {self.place}"

    @property
    def name(self) -> str:
        return str(self)

    @property
    def has_union(self) -> bool:
        return self.grassroots_union_id is not None


class Stage(models.IntegerChoices):
    """The founding pipeline, in order."""

    IDENTIFIED = 1, _("Đã xác định")
    COMMITTEE = 2, _("Đã thành lập Ban vận động")
    CONFERENCE = 3, _("Đã tổ chức đại hội/lễ ra mắt")
    DECISION = 4, _("Đã có quyết định công nhận")
    CEREMONY = 5, _("Đã tổ chức lễ công bố")


class ConferenceKind(models.TextChoices):
    CONGRESS = "congress", _("Đại hội thành lập")
    LAUNCH = "launch", _("Lễ ra mắt")


def decision_upload_to(instance, filename):
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"enterprises/decisions/{instance.unit_id}/case-{instance.pk}.{ext}"


def _step_user(step: str, verbose_name, *, db_index: bool = True):
    return attribution(verbose_name, db_column=f"{step}_by_id", db_index=db_index)


# The steps after the first stay empty until a case reaches them (every case an import
# creates has none): their officers are indexed only where set (FoundingCase.Meta.indexes),
# so a new case writes no index entry for them. A user's deletion (SET_NULL) still finds its
# cases by these indexes: "= ANY(…)" implies "IS NOT NULL".
LATER_STEPS = ("committee", "conference", "decision", "ceremony")


def _step_time(verbose_name):
    return models.DateTimeField(verbose_name, null=True, blank=True)


HISTORY_UNINDEXED_CASE = [
    "enterprise",
    "informal_group",
    "identified_by",
    "committee_by",
    "conference_by",
    "decision_by",
    "ceremony_by",
]


class FoundingCase(models.Model):
    """The way from an identified enterprise (or informal group) to a founded grassroots union.

    Steps are recorded in order by ``enterprises.services``; each keeps its date, who recorded
    it and when. ``stage`` is the last step reached.
    """

    enterprise = models.OneToOneField(
        Enterprise,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="founding",
        verbose_name=_("doanh nghiệp"),
    )
    informal_group = models.OneToOneField(
        InformalGroup,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="founding",
        verbose_name=_("nhóm lao động khu vực phi chính thức"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="founding_cases", verbose_name=_("đơn vị")
    )
    stage = models.PositiveSmallIntegerField(
        _("bước"), choices=Stage.choices, default=Stage.IDENTIFIED
    )

    identified_on = models.DateField(_("ngày xác định"))
    identified_by = _step_user("identified", _("người ghi nhận bước xác định"))
    identified_at = _step_time(_("ghi nhận bước xác định lúc"))

    committee_formed_on = models.DateField(_("ngày thành lập Ban vận động"), null=True, blank=True)
    committee_by = _step_user("committee", _("người ghi nhận bước Ban vận động"), db_index=False)
    committee_at = _step_time(_("ghi nhận bước Ban vận động lúc"))

    conference_kind = models.CharField(
        _("hình thức"), max_length=20, choices=ConferenceKind.choices, blank=True
    )
    conference_on = models.DateField(_("ngày đại hội/lễ ra mắt"), null=True, blank=True)
    applications = models.PositiveIntegerField(_("số đơn xin gia nhập"), null=True, blank=True)
    conference_by = _step_user(
        "conference", _("người ghi nhận bước đại hội/lễ ra mắt"), db_index=False
    )
    conference_at = _step_time(_("ghi nhận bước đại hội/lễ ra mắt lúc"))

    decision_number = models.CharField(_("số quyết định"), max_length=50, blank=True)
    decision_on = models.DateField(_("ngày quyết định"), null=True, blank=True)
    decision_signer = models.CharField(_("người ký"), max_length=150, blank=True)
    decision_file = models.FileField(
        _("bản quét quyết định"), upload_to=decision_upload_to, blank=True, max_length=255
    )
    union_name = models.CharField(_("tên CĐCS"), max_length=255, blank=True)
    workers_at_founding = models.PositiveIntegerField(
        _("số lao động khi thành lập"), null=True, blank=True
    )
    founding_member_count = models.PositiveIntegerField(
        _("số đoàn viên khi thành lập"), null=True, blank=True
    )
    decision_by = _step_user(
        "decision", _("người ghi nhận bước quyết định công nhận"), db_index=False
    )
    decision_at = _step_time(_("ghi nhận bước quyết định công nhận lúc"))

    ceremony_on = models.DateField(_("ngày lễ công bố"), null=True, blank=True)
    ceremony_by = _step_user("ceremony", _("người ghi nhận bước lễ công bố"), db_index=False)
    ceremony_at = _step_time(_("ghi nhận bước lễ công bố lúc"))

    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    # History rows are read by the case's id, date, user and unit (accounts.audit); the
    # indexes on the officers' columns and the enterprise cost an import's 1 800 new cases
    # more than the rows themselves (PostgreSQL: 19 ms with them, 7 ms without).
    history = HistoricalRecords(no_db_index=HISTORY_UNINDEXED_CASE)

    class Meta:
        verbose_name = _("hồ sơ thành lập CĐCS")
        verbose_name_plural = _("hồ sơ thành lập CĐCS")
        ordering = ["unit__sort_order", "-stage", "id"]
        indexes = [
            models.Index(
                fields=[f"{step}_by"],
                condition=Q(**{f"{step}_by__isnull": False}),
                name=f"foundingcase_{step}_by_set",
            )
            for step in LATER_STEPS
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(enterprise__isnull=False, informal_group__isnull=True)
                | Q(enterprise__isnull=True, informal_group__isnull=False),
                name="foundingcase_one_subject",
                violation_error_message=_("Hồ sơ gắn với đúng một doanh nghiệp hoặc một nhóm."),
            )
        ]

    def __str__(self):
        return f"{self.subject} — {self.get_stage_display()}"

    @property
    def subject(self):
        return self.enterprise or self.informal_group

    @property
    def is_informal(self) -> bool:
        return self.informal_group_id is not None


class CommitteeMember(models.Model):
    """A member of a mobilisation committee (Ban vận động thành lập CĐCS)."""

    case = models.ForeignKey(
        FoundingCase,
        on_delete=models.CASCADE,
        related_name="committee_members",
        verbose_name=_("hồ sơ thành lập CĐCS"),
    )
    full_name = models.CharField(_("họ và tên"), max_length=150)
    position = models.CharField(_("chức danh/công việc"), max_length=150, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("thành viên Ban vận động")
        verbose_name_plural = _("thành viên Ban vận động")
        ordering = ["case", "id"]

    def __str__(self):
        return self.full_name
