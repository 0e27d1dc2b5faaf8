"""Plans, their periods, indicators (chỉ tiêu) and per-unit targets.

Nothing about the source table's columns is programmed: a plan's indicators, their "of which"
tree, their measure, sector filter and unit of measure are rows, so another province's form with
other columns is configured, not coded.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.history import HistoricalRecords
from organisation.models import Sector, Unit

# No real target comes near this; anything above is a typing slip (and would overflow the column).
TARGET_MAX = 10_000_000


class PlanStatus(models.TextChoices):
    """A draft is written freely; once issued, targets change only by an amendment."""

    DRAFT = "draft", _("Dự thảo")
    ISSUED = "issued", _("Đã ban hành")


class Plan(models.Model):
    """A plan (kế hoạch) such as 78/KH-LĐLĐ of the Lai Châu federation."""

    number = models.CharField(_("số kế hoạch"), max_length=50, unique=True)
    issued_on = models.DateField(_("ngày ban hành"))
    issuing_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="plans", verbose_name=_("đơn vị ban hành")
    )
    issuing_body = models.CharField(
        _("cơ quan ban hành"), max_length=255, default="Ban Thường vụ LĐLĐ tỉnh"
    )
    title = models.TextField(_("trích yếu"))
    year = models.PositiveIntegerField(_("năm"))
    signer_name = models.CharField(_("người ký"), max_length=100, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=100, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    # "Doanh nghiệp từ N lao động trở lên": N for this plan's size-based measures (10, 20, 25 …);
    # an indicator may set its own.
    enterprise_min_workers = models.PositiveIntegerField(
        _("ngưỡng doanh nghiệp (số lao động trở lên)"),
        default=25,
        validators=[MinValueValidator(1)],
        help_text=_("Doanh nghiệp có từ N lao động trở lên (≥ N)."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")
        ordering = ["-issued_on", "number"]

    def __str__(self):
        return f"{self.number} ({self.issued_on:%d/%m/%Y})"

    @property
    def is_issued(self) -> bool:
        return self.status == PlanStatus.ISSUED


class Period(models.Model):
    """A stretch of a plan with its own targets: the year, or the peak month."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="periods", verbose_name=_("kế hoạch")
    )
    code = models.SlugField(_("mã đợt"), max_length=30)
    name = models.CharField(_("tên đợt"), max_length=255)
    # Words appended to group headers in the official table, e.g. "tháng cao điểm".
    header_suffix = models.CharField(_("hậu tố tiêu đề cột"), max_length=100, blank=True)
    table_title = models.TextField(_("tiêu đề biểu giao chỉ tiêu"), blank=True)
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))
    sort_order = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("đợt")
        verbose_name_plural = _("đợt")
        ordering = ["plan", "sort_order", "start"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="period_code_unique"),
            models.CheckConstraint(
                condition=Q(start__lte=models.F("end")),
                name="period_range_ordered",
                violation_error_message=_("Ngày bắt đầu phải trước ngày kết thúc."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.start:%d/%m/%Y}–{self.end:%d/%m/%Y})"


class Measure(models.TextChoices):
    """What is counted. Net and gross are different things; the UI always says which."""

    NET_MEMBERS = "net_members", _("Đoàn viên thực tăng (kết nạp trừ giảm)")
    ADMITTED_MEMBERS = "admitted_members", _("Đoàn viên kết nạp mới (số gộp)")
    NEW_UNIONS = "new_unions", _("CĐCS thành lập mới")
    PARTY_INTRODUCTIONS = "party_introductions", _("Đoàn viên ưu tú giới thiệu cho Đảng")
    WOMEN_ADMITTED = "women_admitted", _("Đoàn viên nữ kết nạp mới (theo giới tính đoàn viên)")
    PARTY_ADMISSIONS = (
        "party_admissions",
        _("Đoàn viên được kết nạp Đảng (giới thiệu có kết quả đã kết nạp)"),
    )
    NEW_UNIONS_SIZED = (
        "new_unions_sized",
        _("CĐCS thành lập mới tại doanh nghiệp từ N lao động trở lên"),
    )
    PARTY_INTRODUCTIONS_PER_UNION = (
        "party_introductions_per_union",
        _("Bình quân số đoàn viên giới thiệu cho Đảng trên một CĐCS"),
    )
    SIZED_ENTERPRISES_UNIONISED = (
        "sized_enterprises_unionised",
        _("Tỷ lệ doanh nghiệp từ N lao động trở lên có tổ chức công đoàn (%)"),
    )

    @classmethod
    def is_net(cls, measure):
        return measure == cls.NET_MEMBERS

    @classmethod
    def uses_threshold(cls, measure) -> bool:
        """Measures that count enterprises "từ N lao động trở lên"."""
        return measure in (cls.NEW_UNIONS_SIZED, cls.SIZED_ENTERPRISES_UNIONISED)

    @classmethod
    def is_ratio(cls, measure) -> bool:
        """Measures whose figure is an average or a percentage, not a count (never summed)."""
        return measure in (cls.PARTY_INTRODUCTIONS_PER_UNION, cls.SIZED_ENTERPRISES_UNIONISED)


class Relation(models.TextChoices):
    """How an "of which" child relates to its parent indicator."""

    SPLIT = "split", _("Phân tách đầy đủ (các mục con cộng lại bằng mục cha)")
    SUBSET = "subset", _("Tập con (không vượt quá mục cha)")


class UnitOfMeasure(models.TextChoices):
    PERSON = "người", _("người")
    UNIT = "đơn vị", _("đơn vị")
    PER_UNION = "người/CĐCS", _("người/CĐCS")
    PERCENT = "%", _("%")


class Indicator(models.Model):
    """One column of the allocation table; children form its "Trong đó" (of which) columns."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("kế hoạch")
    )
    code = models.SlugField(_("mã chỉ tiêu"), max_length=40)
    name = models.CharField(_("tên chỉ tiêu"), max_length=255)
    # Header text as printed in the official form; columns are matched on import by this text.
    header = models.CharField(_("tiêu đề cột"), max_length=255)
    group_header = models.CharField(
        _("tiêu đề nhóm cột"),
        max_length=255,
        blank=True,
        help_text=_("Chỉ dùng cho chỉ tiêu gốc: tiêu đề gộp phía trên nhóm cột."),
    )
    # Other header texts seen in forms filled in by hand, one per line, for import matching.
    aliases = models.TextField(_("tên gọi khác"), blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("thuộc chỉ tiêu"),
    )
    relation = models.CharField(
        _("quan hệ với chỉ tiêu cha"),
        max_length=10,
        choices=Relation.choices,
        default=Relation.SPLIT,
    )
    measure = models.CharField(_("đại lượng"), max_length=30, choices=Measure.choices)
    # Comma-separated Sector codes; empty means every sector.
    sectors = models.CharField(_("khu vực"), max_length=200, blank=True)
    unit_of_measure = models.CharField(
        _("đơn vị tính"), max_length=20, choices=UnitOfMeasure.choices
    )
    is_minimum = models.BooleanField(
        _("tối thiểu (trở lên)"),
        default=False,
        help_text=_("Chỉ tiêu ghi “trở lên”: đạt khi bằng hoặc vượt."),
    )
    # N of "doanh nghiệp từ N lao động trở lên"; empty = the plan's.
    min_workers = models.PositiveIntegerField(
        _("ngưỡng số lao động (từ N trở lên)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Để trống để dùng ngưỡng của kế hoạch."),
    )
    sort_order = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["plan", "sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="indicator_code_unique"),
        ]

    def __str__(self):
        return self.name

    @property
    def sector_list(self) -> list[str]:
        return [s for s in self.sectors.split(",") if s]

    def sector_labels(self) -> list[str]:
        labels = dict(Sector.choices)
        return [str(labels.get(code, code)) for code in self.sector_list]

    @property
    def is_net(self) -> bool:
        return Measure.is_net(self.measure)

    @property
    def is_ratio(self) -> bool:
        return Measure.is_ratio(self.measure)

    @property
    def threshold(self) -> int | None:
        """N workers for size-based measures (the indicator's, else the plan's), else None."""
        if not Measure.uses_threshold(self.measure):
            return None
        return self.min_workers or self.plan.enterprise_min_workers

    def alias_list(self) -> list[str]:
        return [self.header, self.name, *[a for a in self.aliases.splitlines() if a.strip()]]


class Target(models.Model):
    """The figure a unit must reach for an indicator in a period. value None = not assigned."""

    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="targets", verbose_name=_("đợt")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="targets", verbose_name=_("đơn vị")
    )
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="targets",
        verbose_name=_("chỉ tiêu (cột)"),
    )
    value = models.PositiveIntegerField(
        _("chỉ tiêu"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    encouraged = models.BooleanField(
        _("khuyến khích"),
        default=False,
        help_text=_("Chỉ tiêu khuyến khích (vượt mức), không bắt buộc."),
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người cập nhật"),
    )
    # Incremented on every change; a save carrying an older version is refused.
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chỉ tiêu giao")
        verbose_name_plural = _("chỉ tiêu giao")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "unit", "indicator"], name="target_unique_cell"
            ),
        ]

    def __str__(self):
        return f"{self.unit} · {self.indicator} · {self.period.code}: {self.value}"


class UnitNote(models.Model):
    """The "Ghi chú" cell of a unit's row in a period's table, with its encouraged flag."""

    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="unit_notes", verbose_name=_("đợt")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("đơn vị")
    )
    text = models.CharField(_("ghi chú"), max_length=500, blank=True)
    encouraged = models.BooleanField(_("khuyến khích"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ghi chú của đơn vị")
        verbose_name_plural = _("ghi chú của đơn vị")
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="unitnote_unique"),
        ]

    def __str__(self):
        return self.text


class PlanUnit(models.Model):
    """Which units receive targets in a plan, in the source table's row order (TT)."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="plan_units", verbose_name=_("kế hoạch")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    row_number = models.PositiveIntegerField(_("TT"))

    class Meta:
        verbose_name = _("đơn vị được giao")
        verbose_name_plural = _("đơn vị được giao")
        ordering = ["plan", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "unit"], name="planunit_unique"),
        ]

    def __str__(self):
        return f"{self.row_number}. {self.unit}"


class ImportFinding(models.Model):
    """A problem found in an imported form that was accepted (e.g. printed totals that differ).

    Live findings (children vs parents, allocation vs province) are computed on every view;
    these are the ones only the imported file could show, kept with the period.
    """

    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="import_findings", verbose_name=_("đợt")
    )
    source = models.CharField(_("tệp nguồn"), max_length=255)
    location = models.CharField(_("vị trí"), max_length=255, blank=True)
    message = models.TextField(_("nội dung"))
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("cảnh báo khi nhập biểu")
        verbose_name_plural = _("cảnh báo khi nhập biểu")
        ordering = ["period", "id"]

    def __str__(self):
        return self.message


class Amendment(models.Model):
    """An amendment (điều chỉnh chỉ tiêu) of an issued plan's targets, in force from a date."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="amendments", verbose_name=_("kế hoạch")
    )
    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="amendments", verbose_name=_("đợt")
    )
    effective_on = models.DateField(_("ngày điều chỉnh (có hiệu lực)"))
    decision_number = models.CharField(_("số quyết định"), max_length=50)
    reason = models.TextField(_("lý do"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người tạo"),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("điều chỉnh chỉ tiêu")
        verbose_name_plural = _("điều chỉnh chỉ tiêu")
        ordering = ["plan", "effective_on", "id"]

    def __str__(self):
        return f"{self.decision_number} ({self.effective_on:%d/%m/%Y})"


class AmendmentChange(models.Model):
    """One target cell changed by an amendment: the value before and after."""

    amendment = models.ForeignKey(
        Amendment,
        on_delete=models.CASCADE,
        related_name="changes",
        verbose_name=_("điều chỉnh chỉ tiêu"),
    )
    target = models.ForeignKey(
        Target,
        on_delete=models.CASCADE,
        related_name="amendment_changes",
        verbose_name=_("chỉ tiêu giao"),
    )
    old_value = models.PositiveIntegerField(_("chỉ tiêu trước"), null=True, blank=True)
    new_value = models.PositiveIntegerField(_("chỉ tiêu sau"), null=True, blank=True)

    class Meta:
        verbose_name = _("thay đổi chỉ tiêu theo điều chỉnh")
        verbose_name_plural = _("thay đổi chỉ tiêu theo điều chỉnh")
        ordering = ["amendment", "id"]

    def __str__(self):
        return f"{self.target_id}: {self.old_value} → {self.new_value}"
