from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import can_manage_plans, require
from core.excel import XLSX_CONTENT_TYPE, workbook_bytes
from plans import selectors
from plans.excel_export import export_workbook
from plans.excel_import import ImportFailed
from plans.forms import ImportForm, cell_name, read_grid, version_name
from plans.models import PlanUnit, Target
from plans.services import StaleEdit, TargetError, import_targets_file, set_target
from plans.table import allocation_table
from plans.validation import all_findings


def period_actions(plan, period, user) -> list[dict]:
    """The buttons of a period page (downloads, dashboards); a wrong URL name fails loudly."""
    from django.urls import reverse

    return [
        {"url": reverse(name, args=[plan.pk, period.code]), "label": label}
        for name, label in PERIOD_ACTIONS
        if name not in ADMIN_ONLY_ACTIONS or can_manage_plans(user)
    ]


ADMIN_ONLY_ACTIONS = {"plans:import"}

PERIOD_ACTIONS = [
    ("plans:export", gettext_lazy("Tải biểu giao chỉ tiêu (Excel)")),
    ("plans:import", gettext_lazy("Nhập biểu chỉ tiêu từ Excel")),
    ("progress:dashboard", gettext_lazy("Xem tiến độ")),
    ("progress:export", gettext_lazy("Tải biểu kết quả (Excel)")),
]


def plan_list(request):
    plans = selectors.plans_for(request.user).prefetch_related("periods")
    return render(request, "plans/plan_list.html", {"plans": plans})


def plan_detail(request, pk, period=None):
    plan = selectors.get_plan_for(request.user, pk)
    current = selectors.get_period(plan, period)
    visible = selectors.visible_plan_unit_ids(request.user, plan)
    table = allocation_table(current, visible)
    findings = all_findings(current) if visible is None else []
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "period": current,
            "periods": plan.periods.all(),
            "table": table,
            "findings": findings,
            "can_edit": can_manage_plans(request.user),
            "show_province": visible is None,
            "large_threshold": settings.LARGE_ENTERPRISE_MIN_WORKERS,
            "period_actions": period_actions(plan, current, request.user),
        },
    )


def edit_targets(request, pk, period):
    require(can_manage_plans(request.user))
    plan = selectors.get_plan_for(request.user, pk)
    current = selectors.get_period(plan, period)
    table = allocation_table(current)
    indicators = table.layout.columns
    unit_names = {plan.issuing_unit_id: _("Chỉ tiêu toàn tỉnh")}
    unit_names.update(
        {
            pu.unit_id: pu.unit.name
            for pu in PlanUnit.objects.filter(plan=plan).select_related("unit")
        }
    )
    existing = {(t.unit_id, t.indicator_id): t for t in Target.objects.filter(period=current)}
    errors = []
    submitted = None
    if request.method == "POST":
        cells = read_grid(request.POST, unit_names, indicators)
        submitted = {cell_name(c.unit_id, c.indicator_id): c for c in cells}
        errors = [c.error for c in cells if c.error]
        if not errors:
            try:
                changed = _save_cells(request, current, cells, existing, indicators)
            except (StaleEdit, TargetError) as exc:
                errors = [str(exc)]
            else:
                messages.success(request, _("Đã lưu %(n)s ô chỉ tiêu.") % {"n": changed})
                return redirect("plans:period", pk=plan.pk, period=current.code)
    rows = []
    for unit_id, name in unit_names.items():
        row = []
        for indicator in indicators:
            key = cell_name(unit_id, indicator.pk)
            target = existing.get((unit_id, indicator.pk))
            cell = submitted.get(key) if submitted else None
            row.append(
                {
                    "name": key,
                    "version_name": version_name(unit_id, indicator.pk),
                    "version": target.version if target else "",
                    "value": cell.raw
                    if cell
                    else (target.value if target and target.value is not None else ""),
                    "error": cell.error if cell else "",
                    "label": f"{name} — {indicator.header}",
                }
            )
        rows.append({"name": name, "is_province": unit_id == plan.issuing_unit_id, "cells": row})
    return render(
        request,
        "plans/edit_targets.html",
        {
            "plan": plan,
            "period": current,
            "layout": table.layout,
            "rows": rows,
            "errors": errors,
            "findings": all_findings(current),
        },
    )


@transaction.atomic
def _save_cells(request, period, cells, existing, indicators):
    by_id = {ind.pk: ind for ind in indicators}
    units = {
        pu.unit_id: pu.unit
        for pu in PlanUnit.objects.filter(plan=period.plan).select_related("unit")
    }
    units[period.plan.issuing_unit_id] = period.plan.issuing_unit
    changed = 0
    for cell in cells:
        target = existing.get((cell.unit_id, cell.indicator_id))
        old = target.value if target else None
        if old == cell.value and (target or cell.value is None):
            continue
        set_target(
            period=period,
            unit=units[cell.unit_id],
            indicator=by_id[cell.indicator_id],
            value=cell.value,
            user=request.user,
            expected_version=cell.version if target else None,
        )
        changed += 1
    return changed


def export_targets(request, pk, period=None):
    """The official form as .xlsx: this period, or every period (one sheet each) without one."""
    plan = selectors.get_plan_for(request.user, pk)
    periods = [selectors.get_period(plan, period)] if period else list(plan.periods.all())
    visible = selectors.visible_plan_unit_ids(request.user, plan)
    workbook = export_workbook(plan, periods, visible)
    number = plan.number.replace("/", "-")
    suffix = periods[0].code if period else "tat-ca-cac-dot"
    filename = f"bieu-giao-chi-tieu-{number}-{suffix}.xlsx"
    response = HttpResponse(workbook_bytes(workbook), content_type=XLSX_CONTENT_TYPE)
    # RFC 6266: an ASCII fallback plus the UTF-8 name (the plan number carries Đ).
    ascii_name = filename.encode("ascii", "ignore").decode()
    from urllib.parse import quote

    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


def import_targets(request, pk, period):
    """Upload a filled-in form for this period; all or nothing, every problem listed."""
    require(can_manage_plans(request.user))
    plan = selectors.get_plan_for(request.user, pk)
    current = selectors.get_period(plan, period)
    problems, warnings = [], []
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = import_targets_file(
                source=upload,
                source_name=upload.name,
                plan=plan,
                period=current,
                user=request.user,
            )
        except ImportFailed as exc:
            problems, warnings = exc.problems, exc.warnings
        else:
            messages.success(
                request,
                _(
                    "Đã nhập %(file)s: %(targets)s ô chỉ tiêu và %(notes)s ghi chú thay đổi, "
                    "%(warnings)s cảnh báo."
                )
                % {
                    "file": upload.name,
                    "targets": result.changed_targets,
                    "notes": result.changed_notes,
                    "warnings": len(result.warnings),
                },
            )
            return redirect("plans:period", pk=plan.pk, period=current.code)
    return render(
        request,
        "plans/import_targets.html",
        {
            "plan": plan,
            "period": current,
            "form": form,
            "problems": problems,
            "warnings": warnings,
        },
        status=400 if problems else 200,
    )
