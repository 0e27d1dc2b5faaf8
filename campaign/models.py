"""How the campaign is organised (Kế hoạch 78/KH-LĐLĐ, mục 2.1 and IV): per unit, the steering
committee (ban chỉ đạo) and its members, the one designated officer, the plan's tasks with their
evidence, the budget (dự toán / quyết toán), trainings of new CĐCS officers and the quality
milestones of new CĐCS.

Every row belongs to one unit (the province for the departments' tasks and the province's own
committee; an upper-level union otherwise; a CĐCS for its milestones), which is what
``accounts.permissions.restrict`` and the audit trail scope by.
"""

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.history import HistoricalRecords
from organisation.models import Unit
from plans.models import Plan


def _user_fk():
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người cập nhật"),
    )


class SteeringCommittee(models.Model):
    """Ban chỉ đạo phát triển đoàn viên of one unit, set up by a decision."""

    unit = models.OneToOneField(
        Unit, on_delete=models.PROTECT, related_name="steering_committee", verbose_name=_("đơn vị")
    )
    name = models.CharField(_("tên ban chỉ đạo"), max_length=255)
    decision_number = models.CharField(_("số quyết định"), max_length=50, blank=True)
    decision_on = models.DateField(_("ngày quyết định"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    is_demo = models.BooleanField(_("dữ liệu demo"), default=False)
    updated_by = _user_fk()
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ban chỉ đạo phát triển đoàn viên")
        verbose_name_plural = _("ban chỉ đạo phát triển đoàn viên")
        ordering = ["unit__sort_order", "unit__name"]

    def __str__(self):
        return self.name

    @property
    def has_decision(self) -> bool:
        return bool(self.decision_number and self.decision_on)


class MemberRole(models.TextChoices):
    HEAD = "head", _("Trưởng ban")
    DEPUTY = "deputy", _("Phó ban")
    MEMBER = "member", _("Thành viên")


class MemberBody(models.TextChoices):
    PARTY = "party", _("Cấp ủy đảng")
    GOVERNMENT = "government", _("Chính quyền, cơ quan quản lý nhà nước")
    UNION = "union", _("Công đoàn")
    OTHER = "other", _("Khác")


ROLE_ORDER = {MemberRole.HEAD: 0, MemberRole.DEPUTY: 1, MemberRole.MEMBER: 2}


class CommitteeMember(models.Model):
    committee = models.ForeignKey(
        SteeringCommittee,
        on_delete=models.CASCADE,
        related_name="members",
        verbose_name=_("ban chỉ đạo"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", editable=False, verbose_name=_("đơn vị")
    )
    full_name = models.CharField(_("họ và tên"), max_length=150)
    position = models.CharField(_("chức vụ, nơi công tác"), max_length=255, blank=True)
    role = models.CharField(
        _("vai trò"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER
    )
    body = models.CharField(
        _("thuộc"), max_length=12, choices=MemberBody.choices, default=MemberBody.UNION
    )
    assignment = models.TextField(_("nhiệm vụ được phân công"), blank=True)
    sort_order = models.PositiveIntegerField(_("thứ tự"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("thành viên ban chỉ đạo")
        verbose_name_plural = _("thành viên ban chỉ đạo")
        ordering = ["committee", "sort_order", "id"]

    def __str__(self):
        return f"{self.full_name} ({self.get_role_display()})"


class DesignatedOfficer(models.Model):
    """The one officer an upper-level union assigns to member development (mục 2.1). A
    replacement ends the previous one (``until``) — the past stays."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="designated_officers", verbose_name=_("đơn vị")
    )
    full_name = models.CharField(_("họ và tên"), max_length=150)
    position = models.CharField(_("chức vụ"), max_length=150, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    since = models.DateField(_("phụ trách từ ngày"))
    until = models.DateField(_("đến ngày"), null=True, blank=True)
    updated_by = _user_fk()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cán bộ phụ trách phát triển đoàn viên")
        verbose_name_plural = _("cán bộ phụ trách phát triển đoàn viên")
        ordering = ["unit__sort_order", "-since", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(until__isnull=True),
                name="one_current_officer_per_unit",
                violation_error_message=_("Đơn vị đã có cán bộ phụ trách đang làm nhiệm vụ."),
            )
        ]

    def __str__(self):
        return self.full_name


class ReviewMeeting(models.Model):
    """A periodic review meeting (giao ban, mục 2.1) of a unit on the plan; its conclusions
    become tasks (``Task.meeting``)."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="review_meetings", verbose_name=_("kế hoạch")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="review_meetings", verbose_name=_("đơn vị")
    )
    held_on = models.DateField(_("ngày họp"))
    chair = models.CharField(_("chủ trì"), max_length=150)
    attendees = models.TextField(_("thành phần dự"), blank=True)
    minutes = models.TextField(_("nội dung, biên bản"), blank=True)
    updated_by = _user_fk()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cuộc họp giao ban")
        verbose_name_plural = _("cuộc họp giao ban")
        ordering = ["plan", "unit__sort_order", "-held_on", "-id"]

    def __str__(self):
        return f"{self.unit} — {self.held_on:%d/%m/%Y}"


def _random_name(folder: str, instance, filename: str) -> str:
    """An uploaded file under the unit's folder with a random name: the user's file name never
    becomes a path (it is kept in ``file_name`` for the download)."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"campaign/{folder}/{instance.unit_id}/{uuid.uuid4().hex}.{ext}"


def unit_plan_upload_to(instance, filename):
    return _random_name("unit-plans", instance, filename)


class UnitPlan(models.Model):
    """An upper-level union's own implementation plan (kế hoạch thực hiện của đơn vị, mục IV)
    for the province plan ``plan``: number, date, the scanned document. One per unit and plan;
    recording it again replaces it (the history keeps the previous one)."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="unit_plans", verbose_name=_("kế hoạch")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="unit_plans", verbose_name=_("đơn vị")
    )
    number = models.CharField(_("số kế hoạch"), max_length=50)
    issued_on = models.DateField(_("ngày ban hành"))
    file = models.FileField(
        _("tệp kế hoạch"), upload_to=unit_plan_upload_to, blank=True, max_length=255
    )
    file_name = models.CharField(_("tên tệp"), max_length=255, blank=True, editable=False)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    updated_by = _user_fk()
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kế hoạch thực hiện của đơn vị")
        verbose_name_plural = _("kế hoạch thực hiện của đơn vị")
        ordering = ["plan", "unit__sort_order", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "unit"], name="one_unit_plan_per_plan")
        ]

    def __str__(self):
        return f"{self.number} ({self.issued_on:%d/%m/%Y})"


class Department(models.TextChoices):
    """The province federation's departments named in mục IV.2 of the plan."""

    ORGANISATION = "tckt", _("Ban Tổ chức - Kiểm tra")
    POLICY = "csplqhld", _("Ban Chính sách pháp luật và Quan hệ lao động")
    OFFICE = "vanphong", _("Văn phòng")
    PROPAGANDA = "tgnc", _("Ban Tuyên giáo - Nữ công")


class TaskStatus(models.TextChoices):
    TODO = "todo", _("Chưa làm")
    DOING = "doing", _("Đang làm")
    DONE = "done", _("Xong")


OVERDUE_LABEL = _("Quá hạn")


def evidence_upload_to(instance, filename):
    return _random_name("evidence", instance, filename)


class Task(models.Model):
    """A task of the plan: a department's (unit = the province, ``department`` set) or a unit's."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="campaign_tasks", verbose_name=_("kế hoạch")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="campaign_tasks", verbose_name=_("đơn vị")
    )
    department = models.CharField(
        _("ban phụ trách"), max_length=10, choices=Department.choices, blank=True
    )
    title = models.TextField(_("nhiệm vụ"))
    owner = models.CharField(_("người phụ trách"), max_length=150, blank=True)
    due_on = models.DateField(_("hạn hoàn thành"), null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.TODO
    )
    done_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    evidence_link = models.URLField(_("đường dẫn minh chứng"), max_length=500, blank=True)
    evidence_file = models.FileField(
        _("tệp minh chứng"), upload_to=evidence_upload_to, blank=True, max_length=255
    )
    evidence_name = models.CharField(
        _("tên tệp minh chứng"), max_length=255, blank=True, editable=False
    )
    comment = models.TextField(_("ghi chú, ý kiến"), blank=True)
    source = models.CharField(_("căn cứ"), max_length=255, blank=True)
    meeting = models.ForeignKey(
        ReviewMeeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conclusions",
        verbose_name=_("kết luận của cuộc giao ban"),
    )
    sort_order = models.PositiveIntegerField(_("thứ tự"), default=0)
    is_demo = models.BooleanField(_("dữ liệu demo"), default=False)
    updated_by = _user_fk()
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        ordering = ["plan", "unit__sort_order", "department", "sort_order", "id"]
        indexes = [models.Index(fields=["plan", "unit", "status"])]

    def __str__(self):
        return self.title[:80]

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.status != TaskStatus.DONE and self.due_on is not None and self.due_on < today

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    @property
    def status_label(self) -> str:
        return str(OVERDUE_LABEL) if self.overdue else self.get_status_display()

    @property
    def status_class(self) -> str:
        if self.overdue:
            return "bad"
        return {"done": "ok", "doing": "info"}.get(self.status, "")


class TaskComment(models.Model):
    """One comment in a task's thread: who, when, what. The unit is the task's (audit scope)."""

    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="comments", verbose_name=_("nhiệm vụ")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", editable=False, verbose_name=_("đơn vị")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người viết"),
    )
    author_name = models.CharField(_("người viết"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("thời gian"), default=timezone.now)
    text = models.TextField(_("ý kiến"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ý kiến về nhiệm vụ")
        verbose_name_plural = _("ý kiến về nhiệm vụ")
        ordering = ["task", "created_at", "id"]

    def __str__(self):
        return f"{self.author_name}: {self.text[:60]}"


class BudgetKind(models.TextChoices):
    ESTIMATE = "estimate", _("Dự toán")
    SETTLEMENT = "settlement", _("Quyết toán")


class BudgetCategory(models.TextChoices):
    PROPAGANDA = "propaganda", _("Tuyên truyền")
    FOUNDING = "founding", _("Hỗ trợ thành lập CĐCS")
    COLLABORATORS = "collaborators", _("Bồi dưỡng cộng tác viên")
    TRAINING = "training", _("Tập huấn")
    REWARDS = "rewards", _("Khen thưởng")
    OTHER = "other", _("Khác")


class NormMeasure(models.TextChoices):
    """What a spending norm is counted per (đơn vị tính of the norm)."""

    NEW_UNION = "new_union", _("CĐCS thành lập mới")
    NEW_MEMBER = "new_member", _("đoàn viên kết nạp mới")
    COURSE = "course", _("lớp tập huấn")
    COLLABORATOR = "collaborator", _("cộng tác viên")
    UNIT = "unit", _("đơn vị (khoán)")


class BudgetNorm(models.Model):
    """A spending norm the province (Văn phòng LĐLĐ tỉnh) sets for a plan: so many đồng per
    measure for one category. ``unit`` is the plan's issuer (who may change it; audit scope)."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="budget_norms", verbose_name=_("kế hoạch")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", editable=False, verbose_name=_("đơn vị")
    )
    category = models.CharField(_("nội dung chi"), max_length=15, choices=BudgetCategory.choices)
    measure = models.CharField(_("tính theo"), max_length=12, choices=NormMeasure.choices)
    rate = models.PositiveBigIntegerField(_("định mức (đồng)"))
    note = models.CharField(_("căn cứ, ghi chú"), max_length=500, blank=True)
    updated_by = _user_fk()
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("định mức chi")
        verbose_name_plural = _("định mức chi")
        ordering = ["plan", "category"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "category"], name="one_norm_per_category")
        ]

    def __str__(self):
        return f"{self.get_category_display()}: {self.rate} / {self.get_measure_display()}"


class BudgetLine(models.Model):
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="budget_lines", verbose_name=_("kế hoạch")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="budget_lines", verbose_name=_("đơn vị")
    )
    kind = models.CharField(_("loại"), max_length=12, choices=BudgetKind.choices)
    category = models.CharField(_("nội dung chi"), max_length=15, choices=BudgetCategory.choices)
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    quantity = models.PositiveIntegerField(
        _("số lượng (theo đơn vị tính của định mức)"), null=True, blank=True
    )
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    recorded_on = models.DateField(_("ngày lập"), default=timezone.localdate)
    updated_by = _user_fk()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dòng dự toán / quyết toán")
        verbose_name_plural = _("dự toán / quyết toán kinh phí")
        ordering = ["plan", "unit__sort_order", "kind", "category", "id"]

    def __str__(self):
        return f"{self.unit} — {self.get_kind_display()} — {self.get_category_display()}"


class Training(models.Model):
    """A course for officers of newly founded CĐCS (lớp bồi dưỡng, tập huấn)."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="trainings", verbose_name=_("đơn vị tổ chức")
    )
    title = models.CharField(_("tên lớp"), max_length=255)
    held_on = models.DateField(_("ngày tổ chức"))
    place = models.CharField(_("địa điểm"), max_length=255, blank=True)
    participants = models.PositiveIntegerField(_("số người dự"), validators=[MinValueValidator(1)])
    unions = models.ManyToManyField(
        Unit, related_name="trainings_attended", blank=True, verbose_name=_("CĐCS được tập huấn")
    )
    content = models.TextField(_("nội dung"), blank=True)
    updated_by = _user_fk()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lớp tập huấn cán bộ CĐCS mới")
        verbose_name_plural = _("lớp tập huấn cán bộ CĐCS mới")
        ordering = ["unit__sort_order", "-held_on", "id"]

    def __str__(self):
        return f"{self.title} ({self.held_on:%d/%m/%Y})"


class MilestoneKind(models.TextChoices):
    AGREEMENT = "agreement", _("Ký thỏa ước lao động tập thể")
    DIALOGUE = "dialogue", _("Tổ chức đối thoại tại nơi làm việc")
    DEMOCRACY = "democracy", _("Ban hành quy chế dân chủ cơ sở")
    FEES = "fees", _("Bắt đầu thu đoàn phí")


class Milestone(models.Model):
    """A dated step of a new CĐCS towards working as a union (mục 2.3)."""

    union = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        related_name="campaign_milestones",
        verbose_name=_("CĐCS"),
    )
    kind = models.CharField(_("mốc"), max_length=12, choices=MilestoneKind.choices)
    reached_on = models.DateField(_("ngày đạt"))
    better_terms = models.PositiveIntegerField(
        _("số điều khoản có lợi hơn luật"), null=True, blank=True
    )
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    updated_by = _user_fk()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mốc chất lượng CĐCS")
        verbose_name_plural = _("mốc chất lượng CĐCS")
        ordering = ["union__name", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["union", "kind"], name="one_milestone_per_kind")
        ]

    def __str__(self):
        return f"{self.union} — {self.get_kind_display()}"
