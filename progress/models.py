"""Progress records: what grassroots unions achieve, one row per event.

Every figure on the dashboard is a SUM over ``Record`` rows joined to the closure table
``organisation.UnitPath`` (the path valid on the record's date), grouped by ancestor, sector
and kind. Nothing is counted in Python.

Design notes
- A transfer between two grassroots unions is stored as two rows sharing ``transfer_key``: a
  ``TRANSFER_OUT`` at the source union and a ``TRANSFER_IN`` at the target. Net for a subtree is
  admitted + transfers in − left − transfers out over the records of the subtree, so a transfer
  with both ends inside the subtree cancels out and one crossing its border counts once.
- ``sector`` is stamped on each record from its union as of the record's date
  (``organisation.selectors.sector_as_of``). Aggregating by sector then needs no join to
  ``SectorChange`` (a "latest change before each record date" lookup per row), which keeps the
  national aggregate a single indexed join. ``services.restamp_sectors`` re-stamps a union's
  records if its sector history is corrected afterwards.
- ``count`` is 1 for a record about one person or one union; units that only report totals
  enter a counted batch (``count`` > 1, no person).
"""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.history import HistoricalRecords, attribution
from organisation.models import Sector, Unit

RECORD_COUNT_MAX = 100_000  # progress.services.BATCH_HARD_CAP

cccd_validator = RegexValidator(
    r"^\d{12}$", _("Số CCCD phải gồm đúng 12 chữ số."), code="cccd_format"
)


class Gender(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


class RecordKind(models.TextChoices):
    ADMITTED = "admitted", _("Kết nạp đoàn viên")
    LEFT = "left", _("Giảm đoàn viên")
    TRANSFER_IN = "transfer_in", _("Chuyển đến")
    TRANSFER_OUT = "transfer_out", _("Chuyển đi")
    UNION_FOUNDED = "union_founded", _("Thành lập CĐCS")
    PARTY_INTRODUCED = "party_introduced", _("Giới thiệu cho Đảng")
    # A merge moves a CĐCS' members to the surviving union (progress.reorganisation): the stock
    # moves, the plan's "thực tăng" does not count it as development.
    MERGED_IN = "merged_in", _("Nhận do sáp nhập")
    MERGED_OUT = "merged_out", _("Chuyển đi do sáp nhập")


class LeaveReason(models.TextChoices):
    CHANGED_JOB = "changed_job", _("Chuyển công tác, nghỉ việc")
    RETIRED = "retired", _("Nghỉ hưu")
    WITHDREW = "withdrew", _("Xin ra khỏi tổ chức công đoàn")
    DIED = "died", _("Từ trần")
    UNION_DISSOLVED = "union_dissolved", _("CĐCS giải thể")
    OTHER = "other", _("Lý do khác")


class PartyOutcome(models.TextChoices):
    PENDING = "pending", _("Đang xem xét, bồi dưỡng")
    ADMITTED = "admitted", _("Đã được kết nạp Đảng")
    NOT_YET = "not_yet", _("Chưa đủ điều kiện")
    WITHDRAWN = "withdrawn", _("Rút khỏi danh sách")


class Member(models.Model):
    """A person in the membership register (sổ đoàn viên) of a grassroots union."""

    full_name = models.CharField(_("họ và tên"), max_length=150)
    date_of_birth = models.DateField(_("ngày sinh"))
    gender = models.CharField(_("giới tính"), max_length=10, choices=Gender.choices)
    ethnicity = models.CharField(_("dân tộc"), max_length=50, blank=True)
    cccd = models.CharField(_("số CCCD"), max_length=12, validators=[cccd_validator])
    job = models.CharField(_("nghề nghiệp"), max_length=150, blank=True)
    union = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="members", verbose_name=_("công đoàn cơ sở")
    )
    admitted_on = models.DateField(_("ngày kết nạp"))
    left_on = models.DateField(_("ngày giảm"), null=True, blank=True)
    is_simulated = models.BooleanField(_("dữ liệu mô phỏng"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đoàn viên")
        verbose_name_plural = _("đoàn viên")
        ordering = ["union", "full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cccd"],
                condition=Q(left_on__isnull=True),
                name="member_cccd_unique_current",
                violation_error_message=_("Số CCCD này đã là đoàn viên."),
            )
        ]

    def __str__(self):
        return self.full_name

    @property
    def is_current(self) -> bool:
        return self.left_on is None


# The fields the per-day rollup (``progress.rollup``) sums by: a write that changes one of them
# must go through the rollup, or the figures drift from the records.
ROLLUP_FIELDS = frozenset({"union", "union_id", "date", "sector", "kind", "count"})


class RollupBypassError(RuntimeError):
    """A write to records that would leave the per-day rollup behind."""


class RecordQuerySet(models.QuerySet):
    """Refuses bulk writes that would bypass the rollup; offers the sanctioned ones.

    ``update()`` of fields the rollup does not read (note, party outcome…) stays allowed.
    ``update_with_rollup(**fields)`` and ``delete_with_rollup()`` change the records and the
    rollup in one transaction (one rollup write for the whole set).
    """

    def update(self, **kwargs):
        touched = ROLLUP_FIELDS & set(kwargs)
        if touched:
            raise RollupBypassError(
                f"Record.objects…update() of {sorted(touched)} would leave the per-day rollup "
                "behind; use .update_with_rollup(...) (or a progress service)."
            )
        return super().update(**kwargs)

    update.queryset_only = True

    def delete(self):
        raise RollupBypassError(
            "Record.objects…delete() would leave the per-day rollup behind; use "
            ".delete_with_rollup() (or a progress service)."
        )

    delete.queryset_only = True

    def update_with_rollup(self, **kwargs) -> int:
        from progress import rollup

        with transaction.atomic():
            pks = list(self.order_by("pk").values_list("pk", flat=True))
            if not pks:
                return 0
            base = Record.objects.filter(pk__in=pks).order_by("pk")
            before = rollup.states(base.select_for_update())
            changed = super(RecordQuerySet, base).update(**kwargs)
            rollup.replace(before, rollup.states(base))
        return changed

    def delete_with_rollup(self) -> int:
        from progress import rollup

        with transaction.atomic():
            rows = list(self.order_by("pk").select_for_update())
            if not rows:
                return 0
            super(RecordQuerySet, Record.objects.filter(pk__in=[r.pk for r in rows])).delete()
            rollup.remove_records(rows)
        return len(rows)


class Record(models.Model):
    """One event at a grassroots union on a date, counted toward the figures."""

    kind = models.CharField(_("loại"), max_length=20, choices=RecordKind.choices)
    date = models.DateField(_("ngày"))
    # Not indexed on its own: record_union_agg leads with it (each index is written for every
    # record: a 20 000-member import writes 20 000 records).
    union = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="progress_records",
        verbose_name=_("CĐCS"),
        db_index=False,
    )
    # Sector of the union on ``date``, stamped at entry (see the module docstring).
    sector = models.CharField(_("khu vực"), max_length=20, choices=Sector.choices)
    # At most progress.services.BATCH_HARD_CAP (the service also bounds it by the union's size).
    count = models.PositiveIntegerField(
        _("số lượng"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(RECORD_COUNT_MAX)],
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="records",
        verbose_name=_("đoàn viên"),
    )
    # Transfers: the union at the other end, and the key shared by the two rows.
    # Both indexed only where set (Meta.indexes): most records are not transfers.
    other_union = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đơn vị chuyển đi/đến"),
        db_index=False,
    )
    transfer_key = models.UUIDField(_("mã lượt chuyển"), null=True, blank=True, editable=False)
    leave_reason = models.CharField(
        _("lý do giảm"), max_length=20, choices=LeaveReason.choices, blank=True
    )
    party_outcome = models.CharField(
        _("kết quả"), max_length=20, choices=PartyOutcome.choices, blank=True
    )
    party_outcome_on = models.DateField(_("ngày có kết quả"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    entered_by = attribution(_("người nhập"), db_index=False)  # record_entered_latest leads
    entered_at = models.DateTimeField(_("thời điểm nhập"), auto_now_add=True)
    is_simulated = models.BooleanField(_("dữ liệu mô phỏng"), default=False)
    # History rows are read by the record's id, date, user and union (accounts.audit).
    history = HistoricalRecords(no_db_index=["member", "other_union", "entered_by"])

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("bản ghi tiến độ")
        verbose_name_plural = _("bản ghi tiến độ")
        ordering = ["-date", "-id"]
        indexes = [
            # Both orders carry every column the aggregate reads, so it is an index-only scan:
            # by date for a whole-country range, by union for a subtree (a province).
            models.Index(fields=["date", "union", "kind", "sector", "count"], name="record_agg"),
            models.Index(
                fields=["union", "date", "kind", "sector", "count"], name="record_union_agg"
            ),
            models.Index(
                fields=["transfer_key"],
                name="record_transfer",
                condition=Q(transfer_key__isnull=False),
            ),
            models.Index(
                fields=["other_union"],
                name="record_other_union",
                condition=Q(other_union__isnull=False),
            ),
            # The dashboard's "simulated data" banner: an index of the (few) simulated rows, so
            # the check never scans the real ones.
            models.Index(fields=["date"], name="record_simulated", condition=Q(is_simulated=True)),
            # "Bản ghi bạn nhập gần đây" on the entry page, where every counted batch lands: an
            # officer's latest 15 without sorting all they ever entered (an import's account
            # may have entered hundreds of thousands).
            models.Index(fields=["entered_by", "-entered_at"], name="record_entered_latest"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(count__gte=1), name="record_count_positive"),
            models.CheckConstraint(
                condition=Q(count__lte=RECORD_COUNT_MAX), name="record_count_bounded"
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["transfer_in", "transfer_out"])
                | Q(other_union__isnull=False, transfer_key__isnull=False),
                name="record_transfer_has_other_end",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.union} · {self.date:%d/%m/%Y} · {self.count}"

    def save(self, *args, **kwargs):
        """Creating is free (the service then calls ``rollup.add_records``); changing a field
        the rollup sums by on a saved record is refused (use ``update_with_rollup``)."""
        fields = kwargs.get("update_fields")
        if self.pk is not None and not self._state.adding:
            if fields is None or ROLLUP_FIELDS & set(fields):
                saved = (
                    Record.objects.filter(pk=self.pk)
                    .values_list("union_id", "date", "sector", "kind", "count")
                    .first()
                )
                mine = (self.union_id, self.date, self.sector, self.kind, self.count)
                if saved is not None and tuple(saved) != mine:
                    raise RollupBypassError(
                        "Record.save() changing union/date/sector/kind/count would leave the "
                        "per-day rollup behind; use Record.objects.filter(pk=…)"
                        ".update_with_rollup(...)."
                    )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RollupBypassError(
            "Record.delete() would leave the per-day rollup behind; use "
            "Record.objects.filter(pk=…).delete_with_rollup()."
        )

    @staticmethod
    def new_transfer_key():
        return uuid.uuid4()


class DayTotal(models.Model):
    """Rollup: SUM(count) of the records under ``ancestor`` (an upper-level or higher unit) on one
    day, by sector and kind, kept exact by the write services (see ``progress.rollup``).
    """

    ancestor = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("đơn vị")
    )
    date = models.DateField(_("ngày"))
    sector = models.CharField(_("khu vực"), max_length=20)
    kind = models.CharField(_("loại"), max_length=20)
    # A day's national sum must not overflow 2³¹.
    total = models.BigIntegerField(_("tổng số"), default=0)

    class Meta:
        verbose_name = _("tổng theo ngày")
        verbose_name_plural = _("tổng theo ngày")
        constraints = [
            models.UniqueConstraint(
                fields=["ancestor", "date", "sector", "kind"], name="daytotal_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["ancestor", "date", "sector", "kind", "total"], name="daytotal_agg"
            )
        ]

    def __str__(self):
        return f"{self.ancestor_id} {self.date} {self.sector} {self.kind}: {self.total}"


class MonthTotal(models.Model):
    """The same rollup by calendar month: SUM(total) of ``DayTotal`` over the month starting on
    ``month``, written in the same upserts (see ``progress.rollup.upsert``). A year's figures then
    read 12 rows per ancestor and category instead of 366, and the days at the edges of a range
    that does not start or end on a month's boundary come from ``DayTotal``.
    """

    ancestor = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("đơn vị")
    )
    month = models.DateField(_("tháng (ngày đầu tháng)"))
    sector = models.CharField(_("khu vực"), max_length=20)
    kind = models.CharField(_("loại"), max_length=20)
    total = models.BigIntegerField(_("tổng số"), default=0)

    class Meta:
        verbose_name = _("tổng theo tháng")
        verbose_name_plural = _("tổng theo tháng")
        constraints = [
            models.UniqueConstraint(
                fields=["ancestor", "month", "sector", "kind"], name="monthtotal_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["ancestor", "month", "sector", "kind", "total"], name="monthtotal_agg"
            )
        ]

    def __str__(self):
        return f"{self.ancestor_id} {self.month:%m/%Y} {self.sector} {self.kind}: {self.total}"


class StockChange(models.Model):
    """Rollup of members now (see ``progress.stock_rollup``): what the stock of the CĐCS under
    ``ancestor`` whose latest baseline is dated ``since`` gains (or loses) on ``day``. The stock
    on a day is the sum of the rows up to it; ``since`` = 0001-01-01 counts the CĐCS themselves.
    """

    ancestor = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("đơn vị")
    )
    day = models.DateField(_("ngày"))
    since = models.DateField(_("số liệu gốc ngày"))
    members = models.BigIntegerField(_("số đoàn viên"), default=0)
    workers = models.BigIntegerField(_("số lao động"), default=0)
    workers_known = models.IntegerField(_("số CĐCS có số lao động"), default=0)
    counted = models.IntegerField(_("số CĐCS có số đoàn viên"), default=0)
    based = models.IntegerField(_("số CĐCS có số liệu gốc"), default=0)
    units = models.IntegerField(_("số CĐCS"), default=0)

    class Meta:
        verbose_name = _("thay đổi số đoàn viên hiện có")
        verbose_name_plural = _("thay đổi số đoàn viên hiện có")
        constraints = [
            models.UniqueConstraint(fields=["ancestor", "day", "since"], name="stockchange_unique")
        ]

    def __str__(self):
        return f"{self.ancestor_id} {self.day} ({self.since}): {self.members}"


class RollupPath(models.Model):
    """The closure rows (ancestor above grassroots level) the rollup is currently built on.

    A copy of part of ``organisation.UnitPath``: writers spread a record over these rows, and
    ``rollup.reorganised`` compares them with ``UnitPath`` after a change of the hierarchy to move
    exactly the affected records between ancestors, then copies the new rows here.
    """

    ancestor = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("đơn vị cấp trên")
    )
    descendant = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("đơn vị cấp dưới")
    )
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"))

    class Meta:
        verbose_name = _("đường trực thuộc của bảng tổng theo ngày")
        verbose_name_plural = _("đường trực thuộc của bảng tổng theo ngày")
        indexes = [
            models.Index(fields=["descendant", "valid_from", "valid_to"], name="rolluppath_desc"),
            models.Index(fields=["ancestor"], name="rolluppath_anc"),
        ]

    def __str__(self):
        return f"{self.ancestor_id} ⊇ {self.descendant_id} ({self.valid_from}–{self.valid_to})"


class RollupState(models.Model):
    """One row, read by the figures and written only by ``rollup.rebuild``: whether the rollup
    has been built (until then figures aggregate the records directly). Writers never lock it.
    """

    built_at = models.DateTimeField(_("dựng lúc"), null=True)

    class Meta:
        verbose_name = _("trạng thái bảng tổng theo ngày")
        verbose_name_plural = _("trạng thái bảng tổng theo ngày")

    def __str__(self):
        return f"built {self.built_at}"
