from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import can_manage_plans, require
from core.excel import XLSX_CONTENT_TYPE, workbook_bytes
from plans import selectors
from plans.excel_export import export_workbook
from plans.excel_import import ImportFailed
from plans.forms import (
    AmendmentForm,
    CopyPlanForm,
    ImportForm,
    PlanForm,
    cell_name,
    plan_formset,
    read_grid,
    version_name,
)
from plans.models import Indicator, Period, Plan, PlanUnit, Target
from plans.services import (
    CellChange,
    PartsAboveTotal,
    PlanError,
    StaleEdit,
    TargetError,
    copy_plan,
    create_plan,
    import_targets_file,
    issue_plan,
    save_plan_parts,
    save_target_cells,
    update_plan,
)
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
    return render(
        request,
        "plans/plan_list.html",
        {"plans": plans, "can_edit": can_manage_plans(request.user)},
    )


def plan_detail(request, pk, period=None):
    plan = selectors.get_plan_for(request.user, pk)
    current = selectors.get_period(plan, period)
    if current is None:  # a draft without periods yet
        require(can_manage_plans(request.user))
        return redirect("plans:setup", pk=plan.pk)
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
            **_own_allocation(request.user, plan, current, visible),
        },
    )


def _own_allocation(user, plan, period, visible) -> dict:
    """For an officer: a link to allocate to the units below, and, when its unit is not a row
    of the plan's table (a CĐCS), its own allocation with the results so far."""
    from django.utils import timezone

    from accounts.permissions import can_assign_targets, sees_all_units
    from plans.services import cascade_children
    from plans.table import ordered_indicators
    from progress.selectors import achieved  # figures live in progress, which builds on plans

    unit = getattr(user, "unit", None)
    if sees_all_units(user) or unit is None:
        return {}
    context = {
        "own_unit": unit,
        "can_allocate": any(can_assign_targets(user, k) for k in cascade_children(period, unit)),
    }
    if visible is not None and unit.pk in visible:
        return context
    as_of = min(max(timezone.localdate(), period.start), period.end)
    indicators = ordered_indicators(plan)
    targets = selectors.targets_in_force(period, as_of, unit_ids=[unit.pk])
    done = achieved(period, [unit.pk], end=as_of, indicators=indicators)
    rows = []
    for ind in indicators:
        target = targets.get((unit.pk, ind.pk))
        value = done.get((unit.pk, ind.pk))
        percent = round(100 * value / target, 1) if target and value is not None else None
        rows.append({"indicator": ind, "target": target, "achieved": value, "percent": percent})
    context.update(own_rows=rows, own_as_of=as_of)
    return context


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
    refused: dict[str, str] = {}
    amendment_form = None
    if plan.is_issued:
        amendment_form = AmendmentForm(request.POST or None)
    if request.method == "POST":
        cells = read_grid(request.POST, unit_names, indicators)
        submitted = {cell_name(c.unit_id, c.indicator_id): c for c in cells}
        errors = [c.error for c in cells if c.error]
        if amendment_form is not None and not amendment_form.is_valid():
            errors.append(_("Điều chỉnh chỉ tiêu: nhập ngày, số quyết định và lý do."))
        if not errors:
            extra = amendment_form.cleaned_data if amendment_form is not None else {}
            try:
                changed = save_target_cells(
                    user=request.user,
                    period=current,
                    cells=_changed_cells(plan, cells, existing, indicators),
                    **extra,
                )
            except PartsAboveTotal as exc:
                errors, refused = _refused_cells(exc)
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
                    "error": (cell.error if cell else "") or refused.get(key, ""),
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
            "amendment_form": amendment_form,
        },
    )


def _refused_cells(exc) -> tuple[list[str], dict[str, str]]:
    """A PartsAboveTotal refusal as the page's messages and the bad cells (input name →
    message)."""
    refused: dict[str, str] = {}
    for problem in exc.problems:
        key = cell_name(problem.unit_id, problem.indicator_id)
        refused[key] = f"{refused[key]} {problem.message}" if key in refused else problem.message
    return [p.message for p in exc.problems], refused


def _changed_cells(plan, cells, existing, indicators) -> list[CellChange]:
    """Grid cells whose value differs from the stored target."""
    by_id = {ind.pk: ind for ind in indicators}
    units = {
        pu.unit_id: pu.unit for pu in PlanUnit.objects.filter(plan=plan).select_related("unit")
    }
    units[plan.issuing_unit_id] = plan.issuing_unit
    changed = []
    for cell in cells:
        target = existing.get((cell.unit_id, cell.indicator_id))
        old = target.value if target else None
        if old == cell.value and (target or cell.value is None):
            continue
        changed.append(
            CellChange(
                unit=units[cell.unit_id],
                indicator=by_id[cell.indicator_id],
                value=cell.value,
                expected_version=cell.version if target else None,
            )
        )
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


# Plan authoring ----------------------------------------------------------------------------


def plan_create(request):
    require(can_manage_plans(request.user))
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        plan = create_plan(user=request.user, data=form.cleaned_data)
        messages.success(request, _("Đã tạo dự thảo kế hoạch %(n)s.") % {"n": plan.number})
        return redirect("plans:setup", pk=plan.pk)
    return render(request, "plans/plan_form.html", {"form": form, "plan": None})


def plan_setup(request, pk):
    """The plan's header, and what it contains, with links to edit each part."""
    require(can_manage_plans(request.user))
    plan = selectors.get_plan_for(request.user, pk)
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        update_plan(user=request.user, plan=plan, data=form.cleaned_data)
        messages.success(request, _("Đã lưu thông tin kế hoạch."))
        return redirect("plans:setup", pk=plan.pk)
    from plans.table import ordered_indicators

    return render(
        request,
        "plans/plan_setup.html",
        {
            "form": form,
            "plan": plan,
            "periods": plan.periods.all(),
            "indicators": ordered_indicators(plan),
            "plan_units": plan.plan_units.select_related("unit"),
        },
    )


PARTS = {
    "periods": (Period, gettext_lazy("Các đợt của kế hoạch")),
    "indicators": (Indicator, gettext_lazy("Chỉ tiêu (cây chỉ tiêu)")),
    "units": (PlanUnit, gettext_lazy("Đơn vị nhận chỉ tiêu và thứ tự dòng")),
}


def _plan_parts(request, pk, part):
    require(can_manage_plans(request.user))
    plan = selectors.get_plan_for(request.user, pk)
    model, title = PARTS[part]
    formset = plan_formset(model, plan, request.POST if request.method == "POST" else None)
    error = ""
    if plan.is_issued:
        error = _("Kế hoạch đã ban hành: đợt, chỉ tiêu và đơn vị nhận chỉ tiêu không sửa được nữa.")
    elif request.method == "POST" and formset.is_valid():
        try:
            save_plan_parts(user=request.user, plan=plan, formset=formset)
        except PlanError as exc:
            error = str(exc)
        else:
            messages.success(request, _("Đã lưu: %(what)s.") % {"what": title})
            return redirect("plans:setup", pk=plan.pk)
    return render(
        request,
        "plans/plan_parts.html",
        {"plan": plan, "formset": formset, "title": title, "part": part, "error": error},
        status=400 if error and request.method == "POST" else 200,
    )


def plan_periods(request, pk):
    return _plan_parts(request, pk, "periods")


def plan_indicators(request, pk):
    return _plan_parts(request, pk, "indicators")


def plan_units(request, pk):
    return _plan_parts(request, pk, "units")


def plan_issue(request, pk):
    require(can_manage_plans(request.user))
    plan = selectors.get_plan_for(request.user, pk)
    error = ""
    if request.method == "POST":
        try:
            issue_plan(user=request.user, plan=plan)
        except PlanError as exc:
            error = str(exc)
        else:
            messages.success(request, _("Đã ban hành kế hoạch %(n)s.") % {"n": plan.number})
            return redirect("plans:detail", pk=plan.pk)
    return render(
        request,
        "plans/plan_issue.html",
        {"plan": plan, "error": error},
        status=400 if error else 200,
    )


def plan_copy(request, pk):
    """ "Tạo kế hoạch mới từ kế hoạch này"."""
    require(can_manage_plans(request.user))
    source = selectors.get_plan_for(request.user, pk)
    initial = {"year": source.year + 1}
    form = CopyPlanForm(request.POST or None, initial=initial)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            plan = copy_plan(user=request.user, source=source, **form.cleaned_data)
        except PlanError as exc:
            error = str(exc)
        else:
            messages.success(
                request,
                _("Đã tạo dự thảo kế hoạch %(n)s từ kế hoạch %(old)s; chỉ tiêu để trống.")
                % {"n": plan.number, "old": source.number},
            )
            return redirect("plans:setup", pk=plan.pk)
    return render(request, "plans/plan_copy.html", {"plan": source, "form": form, "error": error})


def plan_amendments(request, pk):
    """History of a plan's target amendments: date, decision, reason, each cell before/after."""
    plan = selectors.get_plan_for(request.user, pk)
    visible = selectors.visible_plan_unit_ids(request.user, plan)
    amendments = list(selectors.amendments_of(plan))
    for amendment in amendments:
        amendment.shown = [
            c for c in amendment.changes.all() if visible is None or c.target.unit_id in visible
        ]
    return render(request, "plans/plan_amendments.html", {"plan": plan, "amendments": amendments})


# Cascade -----------------------------------------------------------------------------------


def _allocator(request, pk, period, unit):
    """(plan, period, the allocating union, its units below) if the user allocates for it."""
    from django.shortcuts import get_object_or_404

    from accounts.permissions import can_assign_targets, require_view
    from organisation.models import Unit
    from plans.services import cascade_children

    plan = selectors.get_plan_for(request.user, pk)
    current = selectors.get_period(plan, period)
    parent = get_object_or_404(Unit, pk=unit)
    require_view(request.user, parent)
    kids = cascade_children(current, parent)
    require(
        can_manage_plans(request.user) or any(can_assign_targets(request.user, k) for k in kids)
    )
    return plan, current, parent, kids


def allocate_export(request, pk, period, unit):
    """The union's own allocation form as .xlsx."""
    from urllib.parse import quote

    from plans.cascade_excel import cascade_workbook

    plan, current, parent, _kids = _allocator(request, pk, period, unit)
    workbook = cascade_workbook(current, parent)
    filename = f"giao-chi-tieu-{parent.pk}-{current.code}.xlsx"
    response = HttpResponse(workbook_bytes(workbook), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


def allocate_import(request, pk, period, unit):
    """Upload the union's filled-in form; all or nothing, every problem listed."""
    from plans.cascade_excel import import_cascade

    plan, current, parent, _kids = _allocator(request, pk, period, unit)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            changed = import_cascade(
                source=form.cleaned_data["file"], period=current, parent=parent, user=request.user
            )
        except ImportFailed as exc:
            problems = exc.problems
        else:
            messages.success(request, _("Đã nhập %(n)s ô chỉ tiêu.") % {"n": changed})
            return redirect("plans:allocate", pk=plan.pk, period=current.code, unit=parent.pk)
    return render(
        request,
        "plans/allocate_import.html",
        {"plan": plan, "period": current, "parent": parent, "form": form, "problems": problems},
        status=400 if problems else 200,
    )


def allocate(request, pk, period, unit):
    """A union allocates its targets to the units directly below it, checked against its own."""
    from plans.services import allocate_targets
    from plans.table import header_layout
    from plans.validation import check_allocation, check_children

    plan, current, parent, kids = _allocator(request, pk, period, unit)
    layout = header_layout(plan, current)
    indicators = layout.columns
    unit_names = {k.pk: k.name for k in kids}
    ids = [parent.pk, *unit_names]
    existing = {
        (t.unit_id, t.indicator_id): t
        for t in Target.objects.filter(period=current, unit_id__in=ids)
    }
    errors, submitted, refused = [], None, {}
    if request.method == "POST":
        cells = read_grid(request.POST, unit_names, indicators)
        submitted = {cell_name(c.unit_id, c.indicator_id): c for c in cells}
        errors = [c.error for c in cells if c.error]
        if not errors:
            by_id = {i.pk: i for i in indicators}
            units = {k.pk: k for k in kids}
            changes = []
            for c in cells:
                target = existing.get((c.unit_id, c.indicator_id))
                old = target.value if target else None
                if old == c.value and (target or c.value is None):
                    continue
                changes.append(
                    CellChange(
                        units[c.unit_id],
                        by_id[c.indicator_id],
                        c.value,
                        c.version if target else None,
                    )
                )
            try:
                changed = allocate_targets(
                    user=request.user, period=current, parent=parent, cells=changes
                )
            except PartsAboveTotal as exc:
                errors, refused = _refused_cells(exc)
            except (StaleEdit, TargetError) as exc:
                errors = [str(exc)]
            else:
                messages.success(request, _("Đã lưu %(n)s ô chỉ tiêu.") % {"n": changed})
                return redirect("plans:allocate", pk=plan.pk, period=current.code, unit=parent.pk)

    def value(unit_id, ind):
        target = existing.get((unit_id, ind.pk))
        return target.value if target else None

    rows = []
    for number, kid in enumerate(kids, start=1):
        cells = []
        for ind in indicators:
            key = cell_name(kid.pk, ind.pk)
            target = existing.get((kid.pk, ind.pk))
            cell = submitted.get(key) if submitted else None
            shown = value(kid.pk, ind)
            cells.append(
                {
                    "name": key,
                    "version_name": version_name(kid.pk, ind.pk),
                    "version": target.version if target else "",
                    "value": cell.raw if cell else ("" if shown is None else shown),
                    "error": (cell.error if cell else "") or refused.get(key, ""),
                    "label": f"{kid.name} — {ind.header}",
                }
            )
        rows.append({"number": number, "name": kid.name, "cells": cells})
    parent_values = [value(parent.pk, ind) for ind in indicators]
    totals = []
    for ind in indicators:
        present = [value(k.pk, ind) for k in kids if value(k.pk, ind) is not None]
        totals.append(None if ind.is_ratio or not present else sum(present))
    findings = []
    for kid in kids:
        findings += check_children(
            {i.pk: value(kid.pk, i) for i in indicators}, indicators, kid.name
        )
    for ind in indicators:
        findings += check_allocation(
            ind, value(parent.pk, ind), [value(k.pk, ind) for k in kids], parent.name
        )
    return render(
        request,
        "plans/allocate.html",
        {
            "plan": plan,
            "period": current,
            "periods": plan.periods.all(),
            "parent": parent,
            "layout": layout,
            "rows": rows,
            "parent_values": parent_values,
            "totals": totals,
            "errors": errors,
            "findings": findings,
        },
        status=400 if errors else 200,
    )


# A plan from the federation's own form (the wizard of ``import_plan``) ---------------------


def _upload_dir():
    from pathlib import Path

    path = Path(settings.MEDIA_ROOT) / "plan_imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def import_plan(request):
    """Upload → the system's reading of every column (and the dates it could not read, asked
    for) → confirm. The file is kept under a random name between the steps."""
    import re
    import uuid

    from plans.excel_import import ImportFailed
    from plans.forms import PlanImportForm, parse_period_dates
    from plans.plan_import import import_plan_file

    require(can_manage_plans(request.user))
    form = PlanImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "problems": [], "readings": [], "date_fields": [], "token": ""}
    if request.method != "POST" or not form.is_valid():
        return render(request, "plans/import_plan.html", context)
    token = request.POST.get("token", "")
    upload = form.cleaned_data["file"]
    if upload is not None:
        _forget_old_uploads()
        token = uuid.uuid4().hex
        with open(_upload_dir() / f"{token}.xlsx", "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
    if not re.fullmatch(r"[0-9a-f]{32}", token or ""):
        form.add_error("file", _("Chọn tệp Excel."))
        return render(request, "plans/import_plan.html", context, status=400)
    path = _upload_dir() / f"{token}.xlsx"
    if not path.is_file():
        form.add_error("file", _("Tệp đã tải lên không còn; hãy chọn lại tệp."))
        return render(request, "plans/import_plan.html", context, status=400)
    periods, bad_dates = {}, []
    for key, sheet in request.POST.items():
        if key.startswith("sheet-"):
            text = request.POST.get("dates-" + key[len("sheet-") :], "")
            dates = parse_period_dates(text)
            if dates:
                periods[sheet] = dates
            elif text.strip():
                bad_dates.append(
                    _("Trang tính “%(s)s”: “%(t)s” không đúng dạng DD/MM/YYYY-DD/MM/YYYY.")
                    % {"s": sheet, "t": text}
                )
    confirm = request.POST.get("action") == "confirm" and not bad_dates
    data = form.cleaned_data
    try:
        result = import_plan_file(
            source=path,
            number=data["number"],
            issued_on=data["issued_on"],
            issuer_name=data["issuer"].name,
            title=data["title"],
            periods=periods,
            user=request.user,
            dry_run=not confirm,
        )
    except ImportFailed as exc:
        asked = [s for s in getattr(exc, "missing_dates", []) if s not in periods]
        context.update(
            problems=[*bad_dates, *[str(p) for p in exc.problems]],
            date_fields=[(s, "") for s in asked] + _given(periods),
            token=token,
        )
        return render(request, "plans/import_plan.html", context, status=400)
    if confirm:
        path.unlink(missing_ok=True)
        messages.success(
            request,
            _("Đã tạo dự thảo kế hoạch %(n)s từ biểu: %(c)s ô chỉ tiêu.")
            % {"n": result.plan.number, "c": result.changed_targets},
        )
        plan = Plan.objects.get(number=result.plan.number)
        return redirect("plans:setup", pk=plan.pk)
    context.update(
        readings=result.readings,
        warnings=[str(w) for w in result.warnings],
        token=token,
        date_fields=_given(periods),
        ready=not bad_dates,
        problems=bad_dates,
    )
    return render(request, "plans/import_plan.html", context)


def _forget_old_uploads(max_age_hours: int = 24) -> None:
    """Files of wizards left half-way are removed a day later."""
    import time

    limit = time.time() - max_age_hours * 3600
    for old in _upload_dir().glob("*.xlsx"):
        if old.stat().st_mtime < limit:
            old.unlink(missing_ok=True)


def _given(periods) -> list[tuple[str, str]]:
    return [(sheet, f"{a:%d/%m/%Y}-{b:%d/%m/%Y}") for sheet, (a, b) in periods.items()]
