"""Reports (báo cáo): the reporting calendar, unit reports with their workflow, reminders.

- ``ReportingDeadline``: one line of a plan's reporting calendar (a quarter of the plan year, or
  the end of the peak month), the date range it covers, the period whose targets it is measured
  against, its due date and how many days before it the reminder goes out.
- ``Report``: one unit's report for one deadline. Figures are computed live from the progress
  records while it is a draft (or returned); submitting freezes them in ``snapshot`` (JSON),
  resubmitting and accepting freeze them again, and any later change in the records shows as a
  difference against the snapshot. ``version`` is the
  optimistic lock: a save carrying an older version is refused.
- ``ReportEvent``: every transition (who, when, from which status to which, reason).
- ``ReminderLog``: every reminder e-mail sent, so a daily run never sends the same one twice.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.history import HistoricalRecords
from organisation.models import Unit
from plans.models import Period, Plan


class DeadlineKind(models.TextChoices):
    QUARTERLY = "quarterly", _("Báo cáo quý")
    CAMPAIGN = "campaign", _("Báo cáo kết thúc tháng cao điểm")


class ReportingDeadline(models.Model):
    plan = models.ForeignKey(
        Plan,
        on_delete=models.CASCADE,
        related_name="reporting_deadlines",
        verbose_name=_("kế hoạch"),
    )
    code = models.SlugField(_("mã kỳ báo cáo"), max_length=40)
    name = models.CharField(_("tên kỳ báo cáo"), max_length=255)
    kind = models.CharField(_("loại báo cáo"), max_length=20, choices=DeadlineKind.choices)
    period = models.ForeignKey(
        Period,
        on_delete=models.PROTECT,
        related_name="reporting_deadlines",
        verbose_name=_("đợt (chỉ tiêu so sánh)"),
    )
    start = models.DateField(_("số liệu từ ngày"))
    end = models.DateField(_("số liệu đến ngày"))
    due_on = models.DateField(_("hạn nộp"))
    remind_days_before = models.PositiveSmallIntegerField(_("nhắc trước (ngày)"), default=3)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    sort_order = models.PositiveIntegerField(_("thứ tự"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kỳ báo cáo")
        verbose_name_plural = _("lịch báo cáo")
        ordering = ["plan", "sort_order", "due_on"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="deadline_code_unique"),
            models.CheckConstraint(
                condition=Q(start__lte=models.F("end")),
                name="deadline_range_ordered",
                violation_error_message=_("Ngày bắt đầu phải trước ngày kết thúc."),
            ),
        ]

    def __str__(self):
        return f"{self.name} (hạn {self.due_on:%d/%m/%Y})"

    @property
    def is_quarterly(self) -> bool:
        return self.kind == DeadlineKind.QUARTERLY


class Status(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã nộp")
    RETURNED = "returned", _("Bị trả lại")
    RESUBMITTED = "resubmitted", _("Đã nộp lại")
    ACCEPTED = "accepted", _("Đã duyệt")

    @classmethod
    def editable(cls):
        return [cls.DRAFT, cls.RETURNED]

    @classmethod
    def awaiting_review(cls):
        return [cls.SUBMITTED, cls.RESUBMITTED]

    @classmethod
    def received(cls):
        """Counted as handed in for completeness."""
        return [cls.SUBMITTED, cls.RESUBMITTED, cls.ACCEPTED]


NARRATIVE_FIELDS = ["results", "good_practices", "difficulties", "proposals"]


class Report(models.Model):
    deadline = models.ForeignKey(
        ReportingDeadline,
        on_delete=models.CASCADE,
        related_name="reports",
        verbose_name=_("kỳ báo cáo"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="reports", verbose_name=_("đơn vị")
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    number = models.CharField(
        _("số báo cáo"), max_length=50, blank=True, help_text=_("Ví dụ: 25/BC-LĐLĐ.")
    )
    dated_on = models.DateField(
        _("ngày báo cáo"), null=True, blank=True, help_text=_("Trống: ngày nộp (hoặc hôm nay).")
    )
    results = models.TextField(_("Kết quả đạt được"), blank=True)
    good_practices = models.TextField(_("Cách làm hay, mô hình hiệu quả"), blank=True)
    difficulties = models.TextField(_("Khó khăn, vướng mắc"), blank=True)
    proposals = models.TextField(_("Đề xuất, kiến nghị"), blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=100, blank=True)
    signer_name = models.CharField(_("người ký"), max_length=100, blank=True)
    recipients = models.TextField(_("nơi nhận"), blank=True, help_text=_("Mỗi dòng một nơi nhận."))
    return_reason = models.TextField(_("lý do trả lại / mở lại"), blank=True)
    first_submitted_at = models.DateTimeField(_("nộp lần đầu lúc"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("nộp gần nhất lúc"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người duyệt"),
    )
    # The figures frozen at submission, then at acceptance: see Figures.to_snapshot().
    snapshot = models.JSONField(_("số liệu đã chốt"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người cập nhật"),
    )
    # Incremented on every save and transition; a save carrying an older version is refused.
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("báo cáo")
        verbose_name_plural = _("báo cáo")
        ordering = ["deadline", "unit__sort_order", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["deadline", "unit"], name="report_one_per_unit"),
        ]

    def __str__(self):
        return f"{self.unit} · {self.deadline.name} · {self.get_status_display()}"

    @property
    def is_editable(self) -> bool:
        return self.status in Status.editable()

    @property
    def is_awaiting_review(self) -> bool:
        return self.status in Status.awaiting_review()

    @property
    def is_accepted(self) -> bool:
        return self.status == Status.ACCEPTED

    def recipient_lines(self) -> list[str]:
        return [line.strip() for line in self.recipients.splitlines() if line.strip()]


class Action(models.TextChoices):
    CREATED = "created", _("Tạo báo cáo")
    SAVED = "saved", _("Lưu nội dung")
    SUBMITTED = "submitted", _("Nộp báo cáo")
    RETURNED = "returned", _("Trả lại")
    RESUBMITTED = "resubmitted", _("Nộp lại")
    ACCEPTED = "accepted", _("Duyệt")
    REOPENED = "reopened", _("Mở lại")


class ReportEvent(models.Model):
    """Append-only log of a report's life. Written only by reports.services."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="events", verbose_name=_("báo cáo")
    )
    action = models.CharField(_("thao tác"), max_length=20, choices=Action.choices)
    from_status = models.CharField(
        _("trạng thái trước"), max_length=20, choices=Status.choices, blank=True
    )
    to_status = models.CharField(_("trạng thái sau"), max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    at = models.DateTimeField(_("lúc"))
    reason = models.TextField(_("lý do"), blank=True)
    # For acceptance: the snapshot taken; kept here so reopening never loses it.
    data = models.JSONField(_("số liệu đã chốt"), null=True, blank=True)

    class Meta:
        verbose_name = _("sự kiện báo cáo")
        verbose_name_plural = _("sự kiện báo cáo")
        ordering = ["report", "at", "id"]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.get_action_display()}"


class ReminderKind(models.TextChoices):
    BEFORE = "before", _("Nhắc trước hạn")
    OVERDUE = "overdue", _("Quá hạn")


class ReminderLog(models.Model):
    """One reminder e-mail sent to one officer about one deadline on one day."""

    deadline = models.ForeignKey(
        ReportingDeadline,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("kỳ báo cáo"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("đơn vị")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("người nhận"),
    )
    kind = models.CharField(_("loại nhắc"), max_length=10, choices=ReminderKind.choices)
    sent_on = models.DateField(_("ngày gửi"))
    email = models.EmailField(_("thư điện tử"))
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("thư nhắc hạn báo cáo")
        verbose_name_plural = _("thư nhắc hạn báo cáo")
        ordering = ["-sent_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "user", "kind", "sent_on"], name="reminder_once_a_day"
            ),
        ]

    def __str__(self):
        return f"{self.sent_on:%d/%m/%Y} {self.kind} → {self.email}"
