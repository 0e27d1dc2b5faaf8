"""Organisation structure: units (đơn vị) and their parent links over time.

The hierarchy changes (units merge, split, dissolve; district federations ended in 2025), so a
parent link is valid over a date range and a report for 2024 still adds up the 2024 way. The
closure table ``UnitPath`` holds every (ancestor, descendant) pair with the date range in which
that path holds, so "the subtree of U as of date D" is one indexed query.
"""

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.history import HistoricalRecords
from core.text import name_key

# Open-ended ranges use these sentinels so range tests stay simple comparisons in SQL.
BEGINNING_OF_TIME = datetime.date(1900, 1, 1)
END_OF_TIME = datetime.date(9999, 12, 31)


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("Liên đoàn Lao động tỉnh")
    DISTRICT = "district", _("LĐLĐ huyện/thành phố")
    INDUSTRY = "industry", _("Công đoàn ngành")
    CIVIL_SERVANTS = "civil_servants", _("Công đoàn Viên chức tỉnh")
    COMMUNE = "commune", _("Công đoàn xã/phường")
    GRASSROOTS = "grassroots", _("Công đoàn cơ sở")
    INFORMAL = "informal", _("Nghiệp đoàn cơ sở")

    @classmethod
    def upper_level(cls):
        return [cls.DISTRICT, cls.INDUSTRY, cls.CIVIL_SERVANTS, cls.COMMUNE]

    @classmethod
    def grassroots_level(cls):
        return [cls.GRASSROOTS, cls.INFORMAL]


class Sector(models.TextChoices):
    """Sector category of a unit; indicators filter figures by these."""

    STATE_ADMIN = "hcsn", _("Hành chính sự nghiệp (HCSN)")
    PUBLIC_SERVICE = "sncl", _("Sự nghiệp công lập (SNCL)")
    ENTERPRISE_SMALL = "dn_small", _("Doanh nghiệp dưới 25 lao động")
    ENTERPRISE_LARGE = "dn_large", _("Doanh nghiệp từ 25 lao động trở lên")
    INFORMAL = "informal", _("Khu vực phi chính thức")
    MIXED = "mixed", _("Tổng hợp nhiều khu vực")


class Unit(models.Model):
    """A union body at any level: the province federation, an upper-level union, a CĐCS."""

    name = models.CharField(_("tên đơn vị"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=100, blank=True)
    # Case-, space- and Unicode-form-insensitive key of ``name`` for matching imported names.
    name_key = models.CharField(
        _("tên chuẩn hoá để so khớp"), max_length=255, editable=False, db_index=True, default=""
    )
    kind = models.CharField(_("loại đơn vị"), max_length=20, choices=UnitKind.choices)
    sector = models.CharField(
        _("khu vực"), max_length=20, choices=Sector.choices, default=Sector.MIXED
    )
    code = models.CharField(_("mã đơn vị"), max_length=50, blank=True)
    sort_order = models.PositiveIntegerField(_("thứ tự"), default=0)
    founded_on = models.DateField(_("ngày thành lập"), default=BEGINNING_OF_TIME)
    dissolved_on = models.DateField(_("ngày giải thể"), null=True, blank=True)
    is_simulated = models.BooleanField(
        _("dữ liệu mô phỏng"), default=False, help_text=_("Đơn vị mô phỏng trong dữ liệu demo.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["sort_order", "name"]
        indexes = [
            models.Index(fields=["kind"]),
            models.Index(fields=["name"]),
            # The dashboard's "simulated data" banner (progress.views._has_simulated) asks
            # whether any unit is simulated on every request: this index holds only those few
            # rows, so the question is one probe of an (often empty) index, not a scan.
            models.Index(fields=["id"], name="unit_simulated", condition=Q(is_simulated=True)),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.name)
        if (
            "update_fields" in kwargs
            and kwargs["update_fields"]
            and "name" in kwargs["update_fields"]
        ):
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key"}
        super().save(*args, **kwargs)

    @property
    def is_grassroots(self):
        return self.kind in UnitKind.grassroots_level()


class UnitLink(models.Model):
    """'child belongs to parent from valid_from to valid_to (inclusive)'."""

    child = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="parent_links", verbose_name=_("đơn vị")
    )
    parent = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        related_name="child_links",
        verbose_name=_("đơn vị cấp trên"),
    )
    valid_from = models.DateField(_("từ ngày"), default=BEGINNING_OF_TIME)
    valid_to = models.DateField(_("đến ngày"), default=END_OF_TIME)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quan hệ trực thuộc")
        verbose_name_plural = _("quan hệ trực thuộc")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__lte=models.F("valid_to")),
                name="unitlink_range_ordered",
                violation_error_message=_("Ngày bắt đầu phải trước ngày kết thúc."),
            ),
            models.CheckConstraint(
                condition=~Q(child=models.F("parent")),
                name="unitlink_not_self",
                violation_error_message=_("Đơn vị không thể trực thuộc chính nó."),
            ),
        ]

    def __str__(self):
        return f"{self.child} → {self.parent} ({self.valid_from:%d/%m/%Y}–{self.valid_to:%d/%m/%Y})"


class UnitPath(models.Model):
    """Closure table: descendant is under ancestor (depth levels down) during the date range.

    Maintained only by ``organisation.services.rebuild_paths``; never edited by hand.
    A unit is its own ancestor at depth 0 for its whole life.
    """

    ancestor = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        related_name="descendant_paths",
        verbose_name=_("đơn vị cấp trên"),
    )
    descendant = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        related_name="ancestor_paths",
        verbose_name=_("đơn vị cấp dưới"),
    )
    depth = models.PositiveSmallIntegerField(_("số cấp"))
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"))

    class Meta:
        verbose_name = _("đường trực thuộc")
        verbose_name_plural = _("đường trực thuộc")
        indexes = [
            models.Index(fields=["ancestor", "valid_from", "valid_to"]),
            models.Index(fields=["descendant", "valid_from", "valid_to"]),
        ]

    def __str__(self):
        return f"{self.ancestor_id} ⊇ {self.descendant_id} ({self.valid_from}–{self.valid_to})"


class SectorChange(models.Model):
    """A unit's sector from a date on (a CĐCS whose enterprise grows past 25 workers moves)."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="sector_changes", verbose_name=_("đơn vị")
    )
    sector = models.CharField(_("khu vực"), max_length=20, choices=Sector.choices)
    effective_from = models.DateField(_("từ ngày"))

    class Meta:
        verbose_name = _("thay đổi khu vực")
        verbose_name_plural = _("thay đổi khu vực")
        ordering = ["unit", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "effective_from"], name="sectorchange_unique")
        ]

    def __str__(self):
        return f"{self.unit_id}: {self.sector} từ {self.effective_from:%d/%m/%Y}"


class Baseline(models.Model):
    """A unit's stock on a date (số đoàn viên, số lao động tại ngày …), as a federation's own
    list states it. Figures after the date add the records to it ("members now"); a unit with
    no baseline says so rather than show 0."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="baselines", verbose_name=_("đơn vị")
    )
    on_date = models.DateField(_("tại ngày"))
    members = models.PositiveIntegerField(_("số đoàn viên"), null=True, blank=True)
    workers = models.PositiveIntegerField(_("số lao động"), null=True, blank=True)
    source = models.CharField(_("nguồn"), max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("số liệu gốc")
        verbose_name_plural = _("số liệu gốc")
        ordering = ["unit", "on_date"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "on_date"], name="baseline_unique_per_day")
        ]

    def __str__(self):
        return f"{self.unit_id} @ {self.on_date:%d/%m/%Y}: {self.members}/{self.workers}"
