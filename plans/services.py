"""Writes to plans and targets. Each runs in one transaction and refuses stale edits.

Each takes the acting user (``user=``) and checks accounts.permissions itself: a target or a
unit's note is written from above the unit (``can_assign_targets``), a whole allocation form
by whoever manages plans (``can_manage_plans``).
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.permissions import can_assign_targets, can_manage_plans, recorded_user, require
from core.errors import ServiceError
from core.text import format_int, name_key
from plans.models import (
    TARGET_MAX,
    Amendment,
    AmendmentChange,
    ImportFinding,
    Indicator,
    Period,
    Plan,
    PlanStatus,
    PlanUnit,
    Target,
    UnitNote,
)


class TargetError(ServiceError):
    """A target value or placement the plan does not allow."""


class StaleEdit(TargetError):
    """Someone else saved this target after it was loaded; nothing was overwritten."""


@transaction.atomic
def set_target(
    *,
    period: Period,
    unit,
    indicator: Indicator,
    value: int | None,
    note: str | None = None,
    encouraged: bool | None = None,
    user,
    expected_version: int | None = None,
    amendment: Amendment | None = None,
) -> Target:
    """Set one target cell. On an issued plan only through an ``amendment`` (kept in history)."""
    require(can_assign_targets(user, unit))
    if indicator.plan_id != period.plan_id:
        raise TargetError(_("Chỉ tiêu không thuộc kế hoạch của đợt này."))
    if value is not None and value < 0:
        raise TargetError(_("Chỉ tiêu không được là số âm."))
    if value is not None and value > TARGET_MAX:
        raise TargetError(
            _("Chỉ tiêu %(value)s quá lớn (tối đa %(max)s).")
            % {"value": format_int(value), "max": format_int(TARGET_MAX)}
        )
    if amendment is None and _is_issued_row(period, unit):
        raise TargetError(
            _(
                "Kế hoạch đã ban hành: chỉ tiêu chỉ được thay đổi bằng một lần điều chỉnh "
                "(ngày, số quyết định, lý do)."
            )
        )
    target, created = Target.objects.select_for_update().get_or_create(
        period=period, unit=unit, indicator=indicator, defaults={"value": None}
    )
    old_value = target.value
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
    if recorded_user(user) is not None:
        target.updated_by = user
    if not created:
        target.version += 1
    target.save()
    if amendment is not None and old_value != value:
        AmendmentChange.objects.create(
            amendment=amendment, target=target, old_value=old_value, new_value=value
        )
    return target


def _is_issued_row(period: Period, unit) -> bool:
    """A row of an issued plan's own table (the issuer or a receiving unit), which only an
    amendment changes. Allocations cascaded further down (a union to its CĐCS) are not."""
    plan = Plan.objects.filter(pk=period.plan_id, status=PlanStatus.ISSUED).first()
    if plan is None:
        return False
    return unit.pk == plan.issuing_unit_id or PlanUnit.objects.filter(plan=plan, unit=unit).exists()


@transaction.atomic
def set_unit_note(*, period: Period, unit, text: str, encouraged: bool = False, user) -> UnitNote:
    require(can_assign_targets(user, unit))
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
    *, source, source_name: str, plan, period: Period | None = None, user, dry_run=False
) -> ImportResult:
    """Read an allocation form and apply it, all or nothing.

    Raises ``plans.excel_import.ImportFailed`` listing every problem (nothing is changed).
    Only cells whose value differs are written (through ``set_target``, so history and versions
    follow); empty cells leave targets as they are; per-target notes and "encouraged" flags are
    kept. The "Ghi chú" column becomes the unit's note (encouraged when it starts with
    "Khuyến khích"). The totals-row differences replace the period's earlier import findings
    (those from the source document, ``plans.source_table.SOURCE_NAME``, stay).
    """
    from plans.excel_import import ImportFailed, Problem, read_form

    require(can_manage_plans(user))
    if plan.is_issued:
        raise ImportFailed(
            [
                Problem(
                    message=_(
                        "Kế hoạch %(number)s đã ban hành: không nhập đè biểu chỉ tiêu; "
                        "hãy điều chỉnh chỉ tiêu (ngày, số quyết định, lý do) trên trang sửa "
                        "chỉ tiêu."
                    )
                    % {"number": plan.number},
                )
            ]
        )
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
            set_unit_note(
                period=sheet.period,
                unit=row.unit,
                text=row.note,
                encouraged=encouraged,
                user=user,
            )
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


# Plan authoring --------------------------------------------------------------------------------
# A province administrator writes a plan as a draft (header, periods, indicator tree, receiving
# units), then issues it. Once issued, its structure is fixed and its targets change only by an
# amendment (``amend_targets``), whose changes are kept with the value before and after.


class PlanError(ServiceError):
    """A plan change refused, with a Vietnamese message."""


PLAN_FIELDS = (
    "number",
    "issued_on",
    "issuing_unit",
    "issuing_body",
    "title",
    "year",
    "signer_name",
    "signer_title",
    "enterprise_min_workers",
)


def _require_draft(plan: Plan) -> None:
    if plan.is_issued:
        raise PlanError(
            _(
                "Kế hoạch %(number)s đã ban hành: không sửa được đợt, chỉ tiêu và đơn vị nhận "
                "chỉ tiêu; chỉ điều chỉnh được chỉ tiêu giao."
            )
            % {"number": plan.number}
        )


@transaction.atomic
def create_plan(*, user, data: dict) -> Plan:
    """A new draft plan from the header fields (``PLAN_FIELDS``)."""
    require(can_manage_plans(user))
    plan = Plan(status=PlanStatus.DRAFT, **{k: data[k] for k in PLAN_FIELDS if k in data})
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def update_plan(*, user, plan: Plan, data: dict) -> Plan:
    """Header fields; the number, date and issuer of an issued plan stay as issued."""
    require(can_manage_plans(user))
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    fixed = {"number", "issued_on", "issuing_unit", "year"} if plan.is_issued else set()
    changed = []
    for name in PLAN_FIELDS:
        if name in data and name not in fixed and getattr(plan, name) != data[name]:
            setattr(plan, name, data[name])
            changed.append(name)
    if changed:
        plan.full_clean()
        plan.save(update_fields=changed)
    return plan


def _check_indicator_tree(indicators: list[Indicator]) -> None:
    by_id = {ind.pk: ind for ind in indicators}
    for ind in indicators:
        if ind.parent_id is None:
            continue
        parent = by_id.get(ind.parent_id)
        if parent is None:
            raise PlanError(
                _("Chỉ tiêu “%(name)s”: chỉ tiêu cha không thuộc kế hoạch này.")
                % {"name": ind.name}
            )
        if parent.parent_id is not None:
            raise PlanError(
                _(
                    "Chỉ tiêu “%(name)s”: chỉ tiêu cha “%(parent)s” đã là mục “Trong đó” của chỉ "
                    "tiêu khác; biểu giao chỉ tiêu chỉ có hai cấp."
                )
                % {"name": ind.name, "parent": parent.name}
            )
        if parent.unit_of_measure != ind.unit_of_measure and ind.relation == "split":
            raise PlanError(
                _(
                    "Chỉ tiêu “%(name)s” phân tách chỉ tiêu “%(parent)s” nhưng khác đơn vị tính "
                    "(%(a)s và %(b)s)."
                )
                % {
                    "name": ind.name,
                    "parent": parent.name,
                    "a": ind.unit_of_measure,
                    "b": parent.unit_of_measure,
                }
            )
        if parent.is_ratio or ind.is_ratio:
            raise PlanError(
                _("Chỉ tiêu “%(name)s”: chỉ tiêu bình quân hoặc tỷ lệ không có mục “Trong đó”.")
                % {"name": ind.name}
            )


@transaction.atomic
def save_plan_parts(*, user, plan: Plan, formset) -> None:
    """Save a validated formset of the plan's periods, indicators or receiving units (draft only).

    The indicator tree is checked after the save (two levels, same unit of measure for a split,
    no "of which" under a ratio); a bad tree rolls the whole formset back.
    """
    require(can_manage_plans(user))
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    _require_draft(plan)
    formset.instance = plan
    formset.save()
    if formset.model is Indicator:
        _check_indicator_tree(list(plan.indicators.select_related("plan")))


@transaction.atomic
def issue_plan(*, user, plan: Plan) -> Plan:
    """Draft → issued: from now on its targets change only by an amendment."""
    require(can_manage_plans(user))
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.is_issued:
        raise PlanError(_("Kế hoạch %(number)s đã ban hành.") % {"number": plan.number})
    missing = []
    if not plan.periods.exists():
        missing.append(_("chưa có đợt nào"))
    if not plan.indicators.exists():
        missing.append(_("chưa có chỉ tiêu nào"))
    if not plan.plan_units.exists():
        missing.append(_("chưa có đơn vị nhận chỉ tiêu"))
    if missing:
        raise PlanError(
            _("Chưa ban hành được kế hoạch %(number)s: %(what)s.")
            % {"number": plan.number, "what": "; ".join(str(m) for m in missing)}
        )
    plan.status = PlanStatus.ISSUED
    plan.save(update_fields=["status"])
    return plan


@dataclass
class CellChange:
    unit: object
    indicator: Indicator
    value: int | None
    expected_version: int | None = None


@dataclass(frozen=True)
class CellProblem:
    """A refused cell of a target grid: the unit's row, the indicator's column, the message."""

    unit_id: int
    indicator_id: int
    message: str


class PartsAboveTotal(TargetError):
    """An "of which" part above its total (or split parts adding up to more) in a row, as the
    Excel import refuses it; ``problems`` names each bad cell."""

    def __init__(self, problems: list[CellProblem]):
        super().__init__([p.message for p in problems])
        self.problems = problems


def _refuse_parts_above_total(period: Period, cells: list[CellChange]) -> None:
    """Raise PartsAboveTotal when a row touched by ``cells`` would, once they are applied to its
    stored targets, hold a part above its total: the rule of ``plans.excel_import`` (shared
    through ``plans.validation.parts_over_total``). Rows the cells do not touch are not judged."""
    from plans.validation import parts_over_total

    if not cells:
        return
    units = {}
    for cell in cells:
        units.setdefault(cell.unit.pk, cell.unit)
    values = {
        (t.unit_id, t.indicator_id): t.value
        for t in Target.objects.filter(period=period, unit_id__in=units).only(
            "unit_id", "indicator_id", "value"
        )
    }
    for cell in cells:
        values[(cell.unit.pk, cell.indicator.pk)] = cell.value
    indicators = list(period.plan.indicators.all())
    problems = []
    for unit_id, unit in units.items():
        where = _("Toàn tỉnh") if unit_id == period.plan.issuing_unit_id else unit.name
        row = {ind.pk: values.get((unit_id, ind.pk)) for ind in indicators}
        for found in parts_over_total(row, indicators):
            if found.kid is not None:
                message = _(
                    "%(unit)s, cột “%(kid)s”: %(kv)s vượt quá “%(parent)s” (%(pv)s); "
                    "phần “Trong đó” không được lớn hơn tổng."
                ) % {
                    "unit": where,
                    "kid": found.kid.header,
                    "kv": format_int(found.value),
                    "parent": found.parent.header,
                    "pv": format_int(found.total),
                }
                problems.append(CellProblem(unit_id, found.kid.pk, message))
            else:
                message = _(
                    "%(unit)s, cột “%(parent)s”: các mục “Trong đó” cộng lại %(sum)s, "
                    "vượt quá tổng %(pv)s."
                ) % {
                    "unit": where,
                    "parent": found.parent.header,
                    "sum": format_int(found.value),
                    "pv": format_int(found.total),
                }
                problems.append(CellProblem(unit_id, found.parent.pk, message))
    if problems:
        raise PartsAboveTotal(problems)


@transaction.atomic
def save_target_cells(
    *,
    user,
    period: Period,
    cells: list[CellChange],
    effective_on=None,
    decision_number: str = "",
    reason: str = "",
) -> int:
    """Apply changed grid cells; on an issued plan as one amendment (date, decision, reason).

    Returns the number of cells changed. All or nothing: a stale cell rolls everything back.
    """
    require(can_manage_plans(user))
    _refuse_parts_above_total(period, cells)
    plan = period.plan
    amendment = None
    if plan.is_issued and cells:
        amendment = _new_amendment(
            user=user,
            period=period,
            effective_on=effective_on,
            decision_number=decision_number,
            reason=reason,
        )
    for cell in cells:
        set_target(
            period=period,
            unit=cell.unit,
            indicator=cell.indicator,
            value=cell.value,
            user=user,
            expected_version=cell.expected_version,
            amendment=amendment,
        )
    return len(cells)


def _new_amendment(*, user, period, effective_on, decision_number, reason) -> Amendment:
    problems = []
    if effective_on is None:
        problems.append(_("ngày điều chỉnh"))
    if not (decision_number or "").strip():
        problems.append(_("số quyết định"))
    if not (reason or "").strip():
        problems.append(_("lý do"))
    if problems:
        raise TargetError(
            _("Điều chỉnh chỉ tiêu của kế hoạch đã ban hành cần: %(what)s.")
            % {"what": ", ".join(str(p) for p in problems)}
        )
    if effective_on < period.plan.issued_on:
        raise TargetError(
            _("Ngày điều chỉnh %(date)s trước ngày ban hành kế hoạch (%(issued)s).")
            % {
                "date": effective_on.strftime("%d/%m/%Y"),
                "issued": period.plan.issued_on.strftime("%d/%m/%Y"),
            }
        )
    return Amendment.objects.create(
        plan=period.plan,
        period=period,
        effective_on=effective_on,
        decision_number=decision_number.strip(),
        reason=reason.strip(),
        created_by=user if user is not None and user.is_authenticated else None,
    )


def _shift_year(day, years: int):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29/02 → 28/02
        return day.replace(year=day.year + years, day=28)


def _shift_text(text: str, old_year: int, new_year: int) -> str:
    return text.replace(str(old_year), str(new_year))


@transaction.atomic
def copy_plan(
    *, user, source: Plan, number: str, issued_on, title: str = "", year: int | None = None
) -> Plan:
    """ "Tạo kế hoạch mới từ kế hoạch này": a draft for the next year.

    Indicators (tree, measures, filters, thresholds) and periods are copied, periods shifted by
    the difference in years (codes and names with the year renamed); the receiving units are
    the units directly under the issuer alive on the new plan's date (after a reorganisation,
    the new units): those of the old plan first, in its order, then new ones in unit order.
    Targets are left empty, ready for the form import.
    """
    from organisation.selectors import children

    require(can_manage_plans(user))
    number = (number or "").strip()
    if Plan.objects.filter(number=number).exists():
        raise PlanError(_("Số kế hoạch %(number)s đã có.") % {"number": number})
    new_year = year or source.year + 1
    years = new_year - source.year
    if years < 1:
        raise PlanError(
            _("Năm của kế hoạch mới (%(new)s) phải sau năm %(old)s.")
            % {"new": new_year, "old": source.year}
        )
    plan = Plan(
        number=number,
        issued_on=issued_on,
        issuing_unit=source.issuing_unit,
        issuing_body=source.issuing_body,
        title=title.strip() or _shift_text(source.title, source.year, new_year),
        year=new_year,
        signer_name=source.signer_name,
        signer_title=source.signer_title,
        enterprise_min_workers=source.enterprise_min_workers,
        status=PlanStatus.DRAFT,
    )
    plan.full_clean()
    plan.save()
    for period in source.periods.all():
        Period.objects.create(
            plan=plan,
            code=_shift_text(period.code, source.year, new_year)[:30],
            name=_shift_text(period.name, source.year, new_year),
            header_suffix=_shift_text(period.header_suffix, source.year, new_year),
            table_title=_shift_text(period.table_title, source.year, new_year),
            start=_shift_year(period.start, years),
            end=_shift_year(period.end, years),
            sort_order=period.sort_order,
        )
    new_ids: dict[int, Indicator] = {}
    # Roots first so that children can point at their copied parent.
    ordered = sorted(source.indicators.all(), key=lambda i: (i.parent_id is not None, i.pk))
    for indicator in ordered:
        copied = Indicator.objects.create(
            plan=plan,
            code=indicator.code,
            name=indicator.name,
            header=indicator.header,
            group_header=indicator.group_header,
            aliases=indicator.aliases,
            parent=new_ids.get(indicator.parent_id),
            relation=indicator.relation,
            measure=indicator.measure,
            sectors=indicator.sectors,
            unit_of_measure=indicator.unit_of_measure,
            is_minimum=indicator.is_minimum,
            min_workers=indicator.min_workers,
            sort_order=indicator.sort_order,
        )
        new_ids[indicator.pk] = copied
    alive = list(
        children(source.issuing_unit, issued_on)
        .filter(founded_on__lte=issued_on)
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=issued_on))
    )
    alive_ids = {u.pk for u in alive}
    order = [
        pu.unit_id
        for pu in PlanUnit.objects.filter(plan=source).order_by("row_number")
        if pu.unit_id in alive_ids
    ]
    order += [u.pk for u in alive if u.pk not in order]
    PlanUnit.objects.bulk_create(
        PlanUnit(plan=plan, unit_id=unit_id, row_number=row)
        for row, unit_id in enumerate(order, start=1)
    )
    return plan


# Cascade ----------------------------------------------------------------------------------------
# A union allocates its own targets to the units directly below it (an upper-level union to its
# CĐCS, a province to its upper-level unions), checked against its own target like the province's
# table. Cascaded rows are the allocating union's, so they stay editable after the plan is issued.


def cascade_children(period: Period, parent) -> list:
    """The units directly below parent on the period's last day: those it allocates to."""
    from organisation.selectors import children

    return list(children(parent, period.end))


@transaction.atomic
def allocate_targets(*, user, period: Period, parent, cells: list[CellChange]) -> int:
    """Set the allocations of parent's children; each child checked with
    ``accounts.permissions.can_assign_targets``. All or nothing.

    Refused up front (even with no cells) unless the user may allocate to one of parent's
    children at all, as the allocation pages are."""
    kids = cascade_children(period, parent)
    require(can_manage_plans(user) or any(can_assign_targets(user, k) for k in kids))
    below = {u.pk for u in kids}
    for cell in cells:
        if cell.unit.pk not in below:
            raise TargetError(
                _("%(unit)s không trực thuộc %(parent)s.")
                % {"unit": cell.unit.name, "parent": parent.name}
            )
        require(can_assign_targets(user, cell.unit))
    _refuse_parts_above_total(period, cells)
    for cell in cells:
        set_target(
            period=period,
            unit=cell.unit,
            indicator=cell.indicator,
            value=cell.value,
            user=user,
            expected_version=cell.expected_version,
        )
    return len(cells)
