"""Writes to plans and targets. Each runs in one transaction and refuses stale edits."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import can_manage_plans
from core.text import format_int, name_key
from plans.models import TARGET_MAX, ImportFinding, Indicator, Period, Target, UnitNote


class StaleEdit(Exception):
    """Someone else saved this target after it was loaded; nothing was overwritten."""


class TargetError(ValueError):
    pass


@transaction.atomic
def set_target(
    *,
    period: Period,
    unit,
    indicator: Indicator,
    value: int | None,
    note: str | None = None,
    encouraged: bool | None = None,
    user=None,
    expected_version: int | None = None,
) -> Target:
    if indicator.plan_id != period.plan_id:
        raise TargetError(_("Chỉ tiêu không thuộc kế hoạch của đợt này."))
    if value is not None and value < 0:
        raise TargetError(_("Chỉ tiêu không được là số âm."))
    if value is not None and value > TARGET_MAX:
        raise TargetError(
            _("Chỉ tiêu %(value)s quá lớn (tối đa %(max)s).")
            % {"value": format_int(value), "max": format_int(TARGET_MAX)}
        )
    target, created = Target.objects.select_for_update().get_or_create(
        period=period, unit=unit, indicator=indicator, defaults={"value": value}
    )
    if not created and expected_version is not None and target.version != expected_version:
        raise StaleEdit(
            _(
                "Chỉ tiêu “%(ind)s” của %(unit)s vừa được người khác sửa; "
                "hãy tải lại trang và nhập lại."
            )
            % {"ind": indicator.header, "unit": unit.name}
        )
    target.value = value
    if note is not None:
        target.note = note
    if encouraged is not None:
        target.encouraged = encouraged
    if user is not None and user.is_authenticated:
        target.updated_by = user
    if not created:
        target.version += 1
    target.save()
    return target


@transaction.atomic
def set_unit_note(*, period: Period, unit, text: str, encouraged: bool = False) -> UnitNote:
    note, _created = UnitNote.objects.update_or_create(
        period=period, unit=unit, defaults={"text": text, "encouraged": encouraged}
    )
    return note


@dataclass
class ImportResult:
    sheets: list  # plans.excel_import.ParsedSheet
    changed_targets: int
    changed_notes: int
    warnings: list  # plans.excel_import.Problem: totals-row differences, kept as ImportFinding


def import_targets_file(
    *, source, source_name: str, plan, period: Period | None = None, user=None, dry_run=False
) -> ImportResult:
    """Read an allocation form and apply it, all or nothing.

    Raises ``plans.excel_import.ImportFailed`` listing every problem (nothing is changed).
    Only cells whose value differs are written (through ``set_target``, so history and versions
    follow); empty cells leave targets as they are; per-target notes and "encouraged" flags are
    kept. The "Ghi chú" column becomes the unit's note (encouraged when it starts with
    "Khuyến khích"). The totals-row differences replace the period's earlier import findings
    (those from the source document, ``plans.source_table.SOURCE_NAME``, stay).
    """
    from plans.excel_import import read_form

    if user is not None and not can_manage_plans(user):
        raise PermissionDenied(_("Chỉ quản trị cấp tỉnh được nhập biểu giao chỉ tiêu."))
    sheets = read_form(source, plan, period)
    with transaction.atomic():
        changed_targets = changed_notes = 0
        warnings = []
        for sheet in sheets:
            targets_changed, notes_changed = _apply_sheet(sheet, user)
            changed_targets += targets_changed
            changed_notes += notes_changed
            warnings += sheet.warnings
            _replace_findings(sheet, source_name)
        if dry_run:
            transaction.set_rollback(True)
    return ImportResult(sheets, changed_targets, changed_notes, warnings)


def _apply_sheet(sheet, user) -> tuple[int, int]:
    existing = {
        (t.unit_id, t.indicator_id): t.value for t in Target.objects.filter(period=sheet.period)
    }
    notes = {n.unit_id: n for n in UnitNote.objects.filter(period=sheet.period)}
    by_id = {column.indicator.pk: column.indicator for column in sheet.columns}
    changed_targets = changed_notes = 0
    rows = sheet.rows + ([sheet.province] if sheet.province else [])
    for row in rows:
        for indicator_id, value in row.values.items():
            key = (row.unit.pk, indicator_id)
            if value is None or (key in existing and existing[key] == value):
                continue
            set_target(
                period=sheet.period,
                unit=row.unit,
                indicator=by_id[indicator_id],
                value=value,
                user=user,
            )
            changed_targets += 1
        if row is sheet.province or not row.note:
            continue
        current = notes.get(row.unit.pk)
        if current is None or current.text != row.note:
            encouraged = name_key(row.note).startswith("khuyến khích")
            set_unit_note(period=sheet.period, unit=row.unit, text=row.note, encouraged=encouraged)
            changed_notes += 1
    return changed_targets, changed_notes


def _replace_findings(sheet, source_name: str) -> None:
    from plans.source_table import SOURCE_NAME

    sheet.period.import_findings.exclude(source=SOURCE_NAME).delete()
    ImportFinding.objects.bulk_create(
        ImportFinding(
            period=sheet.period, source=source_name, location=w.location, message=w.message
        )
        for w in sheet.warnings
    )
