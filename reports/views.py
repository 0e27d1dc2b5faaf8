"""Report pages: the calendar and what is due, a unit's report, the province consolidation."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.permissions import (
    can_manage_plans,
    can_review_reports,
    can_write_report,
    require,
    require_view,
    sees_all_units,
)
from core.excel import XLSX_CONTENT_TYPE
from core.query import query_int
from organisation.models import Unit
from plans.selectors import get_plan_for, plans_for
from reports import selectors, services
from reports.document import build_document
from reports.excel_report import xlsx_bytes
from reports.figures import result_layout
from reports.forms import DeadlineForm, ReasonForm, ReportForm
from reports.models import Report, ReportingDeadline
from reports.word import DOCX_CONTENT_TYPE, docx_bytes


@require_safe
def report_list(request):
    plans = list(plans_for(request.user))
    plan = None
    if plans:
        wanted = query_int(request, "plan")
        plan = next((p for p in plans if p.pk == wanted), plans[0])
    user = request.user
    today = timezone.localdate()
    deadlines = list(selectors.deadlines_for(user, plan)) if plan else []
    rows = []
    for deadline in deadlines:
        row = {"deadline": deadline}
        if sees_all_units(user):
            row["summary"] = selectors.consolidation(deadline, today)
        rows.append(row)
    own = None
    reports_to_plan = (
        plan is not None and user.unit_id and plan.plan_units.filter(unit_id=user.unit_id).exists()
    )
    if reports_to_plan and not sees_all_units(user):
        reports = {
            r.deadline_id: r
            for r in Report.objects.filter(unit_id=user.unit_id, deadline__plan=plan)
        }
        own = [{"deadline": d, "report": reports.get(d.pk)} for d in deadlines]
    due = selectors.due_for_unit(user.unit, today) if user.unit_id and own is not None else []
    return render(
        request,
        "reports/report_list.html",
        {
            "plans": plans,
            "plan": plan,
            "rows": rows,
            "own": own,
            "due": due,
            "today": today,
            "is_province": sees_all_units(user),
            "can_manage": can_manage_plans(user),
        },
    )


def _unit_for(request, deadline, unit_pk) -> Unit:
    unit = get_object_or_404(Unit, pk=unit_pk)
    require_view(request.user, unit)
    is_plan_unit = deadline.plan.plan_units.filter(unit=unit).exists()
    if not is_plan_unit and unit.pk != deadline.plan.issuing_unit_id:
        raise Http404
    return unit


@require_safe
def consolidation(request, pk):
    deadline = selectors.get_deadline_for(request.user, pk)
    require_view(request.user, deadline.plan.issuing_unit)
    summary = selectors.consolidation(deadline)
    figures = selectors.consolidated_figures(deadline)
    live = figures.extra["live"]
    layout = result_layout(
        deadline.plan,
        deadline.period,
        figures.quarterly,
        labels=[_("Chỉ tiêu"), _("Đã duyệt"), _("Trực tiếp")],
    )
    table = []
    for row in live.rows:
        frozen = next((r for r in figures.rows if r.unit_id == row.unit_id and r.accepted), None)
        cells = []
        for index, cell in enumerate(row.cells):
            accepted = frozen.cells[index].achieved if frozen else None
            cells.append(
                {
                    "target": cell.target,
                    "accepted": accepted,
                    "live": cell.achieved,
                    "changed": frozen is not None and accepted != cell.achieved,
                }
            )
        table.append({"row": row, "cells": cells, "accepted": frozen is not None})
    totals = [
        {
            "target": _sum(item["cells"][i]["target"] for item in table),
            "accepted": _sum(item["cells"][i]["accepted"] for item in table),
            "live": _sum(item["cells"][i]["live"] for item in table),
        }
        for i in range(len(live.columns))
    ]
    return render(
        request,
        "reports/consolidation.html",
        {
            "deadline": deadline,
            "summary": summary,
            "layout": layout,
            "table": table,
            "totals": totals,
            "figures": figures,
            "can_review": can_review_reports(request.user),
            "province": deadline.plan.issuing_unit,
        },
    )


def _sum(values):
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def _figure_lines(figures, unit_id, frozen=None, live=None):
    """Indicator rows for a unit's page: target, achieved (quarter), %, and any change."""
    row = figures.row_for(unit_id)
    live_row = live.row_for(unit_id) if live is not None else None
    lines = []
    for index, column in enumerate(figures.columns):
        cell = row.cells[index] if row else None
        now = live_row.cells[index].achieved if live_row else None
        changed = frozen is not None and cell is not None and now != cell.achieved
        delta = (now or 0) - (cell.achieved or 0) if changed else 0
        lines.append(
            {"column": column, "cell": cell, "live": now, "changed": changed, "delta": delta}
        )
    return lines


@require_safe
def report_detail(request, pk, unit_pk):
    deadline = selectors.get_deadline_for(request.user, pk)
    unit = _unit_for(request, deadline, unit_pk)
    report = Report.objects.filter(deadline=deadline, unit=unit).first()
    return _render_detail(request, deadline, unit, report)


def _render_detail(request, deadline, unit, report, form=None, status=200):
    user = request.user
    is_province = unit.pk == deadline.plan.issuing_unit_id
    can_write = can_write_report(user, unit)
    editable = can_write and (report is None or report.is_editable or is_province)
    if form is None and editable:
        initial = {"version": report.version if report else 1}
        if report is None:
            initial.update(services.report_defaults(deadline, unit))
        form = ReportForm(instance=report, initial=initial)
    figures = selectors.unit_figures(deadline, unit)
    frozen = selectors.frozen_figures(report) if report is not None else None
    live = None
    if frozen is not None:
        from reports.figures import live_figures

        live = live_figures(deadline, [unit.pk])
    context = {
        "deadline": deadline,
        "unit": unit,
        "report": report,
        "form": form if editable else None,
        "is_province_report": is_province,
        "can_write": can_write,
        "can_review": can_review_reports(user) and not is_province,
        "reason_form": ReasonForm(),
        "differences": selectors.report_differences(report) if report else [],
        "events": report.events.select_related("actor") if report else [],
        "figures": figures,
        "frozen": frozen,
        "today": timezone.localdate(),
    }
    if is_province:
        context["layout"] = result_layout(deadline.plan, deadline.period, figures.quarterly)
    else:
        context["lines"] = _figure_lines(figures, unit.pk, frozen, live)
    return render(request, "reports/report_detail.html", context, status=status)


@require_POST
def report_save(request, pk, unit_pk):
    deadline = selectors.get_deadline_for(request.user, pk)
    unit = _unit_for(request, deadline, unit_pk)
    require(can_write_report(request.user, unit))
    existing = Report.objects.filter(deadline=deadline, unit=unit).first()
    form = ReportForm(request.POST, instance=existing)
    submitting = bool(request.POST.get("and_submit"))
    if form.is_valid() and submitting and not form.cleaned_data["results"].strip():
        # Refused before anything is written: no "saved" beside the error.
        form.add_error("results", _("Chưa nhập mục “Kết quả đạt được”: hãy nhập rồi mới nộp."))
    if not form.is_valid():
        return _render_detail(request, deadline, unit, existing, form, status=400)
    report = existing or services.get_or_create_report(
        deadline=deadline, unit=unit, user=request.user
    )
    values = {name: form.cleaned_data[name] for name in ReportForm.Meta.fields}
    try:
        saved = services.save_report(
            report=report,
            user=request.user,
            expected_version=form.cleaned_data["version"],
            **values,
        )
    except services.ReportError as exc:
        form.add_error(None, str(exc))
        report.refresh_from_db()
        return _render_detail(request, deadline, unit, report, form, status=409)
    changed = existing is None or saved.version != form.cleaned_data["version"]
    if submitting:
        try:
            services.submit_report(report=saved, user=request.user, expected_version=saved.version)
        except services.ReportError as exc:
            if changed:
                messages.warning(request, _("Đã lưu nội dung nhưng chưa nộp: %(e)s") % {"e": exc})
            else:
                messages.error(request, str(exc))
        else:
            messages.success(request, _("Đã nộp báo cáo lên LĐLĐ tỉnh."))
    elif changed:
        messages.success(request, _("Đã lưu báo cáo."))
    else:
        messages.info(request, _("Không có thay đổi nào để lưu."))
    return redirect("reports:detail", pk=deadline.pk, unit_pk=unit.pk)


def _report_or_404(request, pk, unit_pk) -> Report:
    deadline = selectors.get_deadline_for(request.user, pk)
    unit = _unit_for(request, deadline, unit_pk)
    return get_object_or_404(Report, deadline=deadline, unit=unit)


@require_POST
def report_transition(request, pk, unit_pk, action):
    report = _report_or_404(request, pk, unit_pk)
    version = request.POST.get("version") or None
    reason = request.POST.get("reason", "")
    try:
        version = int(version) if version is not None else None
    except ValueError:  # a tampered hidden field: refuse like a stale page, not a 500
        messages.error(request, _("Trang đã cũ hoặc bị sửa; hãy tải lại trang rồi làm lại."))
        return redirect("reports:detail", pk=pk, unit_pk=unit_pk)
    operations = {
        "submit": lambda: services.submit_report(
            report=report, user=request.user, expected_version=version
        ),
        "return": lambda: services.return_report(
            report=report, user=request.user, reason=reason, expected_version=version
        ),
        "accept": lambda: services.accept_report(
            report=report, user=request.user, expected_version=version
        ),
        "reopen": lambda: services.reopen_report(
            report=report, user=request.user, reason=reason, expected_version=version
        ),
    }
    if action not in operations:
        raise Http404
    done = {
        "submit": _("Đã nộp báo cáo lên LĐLĐ tỉnh."),
        "return": _("Đã trả lại báo cáo cho đơn vị."),
        "accept": _("Đã duyệt báo cáo; số liệu đã được chốt."),
        "reopen": _("Đã mở lại báo cáo để đơn vị sửa."),
    }
    try:
        operations[action]()
    except services.ReportError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done[action])
    return redirect("reports:detail", pk=pk, unit_pk=unit_pk)


@require_POST
def bulk_accept(request, pk):
    deadline = selectors.get_deadline_for(request.user, pk)
    require(can_review_reports(request.user))
    # Only what can be a primary key: not "²" (isdigit but not int), not beyond a BIGINT.
    ids = [int(i) for i in request.POST.getlist("report") if i.isdecimal() and len(i) < 19]
    reports = Report.objects.filter(deadline=deadline, pk__in=ids).select_related("unit")
    try:
        accepted = services.accept_reports(reports=reports, user=request.user)
    except services.ReportError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Đã duyệt %(n)s báo cáo: %(units)s.")
            % {"n": len(accepted), "units": ", ".join(r.unit.name for r in accepted)},
        )
    return redirect("reports:consolidation", pk=pk)


@require_safe
def report_export(request, pk, unit_pk, fmt):
    deadline = selectors.get_deadline_for(request.user, pk)
    unit = _unit_for(request, deadline, unit_pk)
    report = Report.objects.filter(deadline=deadline, unit=unit).first()
    doc = build_document(deadline, unit, report)
    if fmt == "docx":
        body, content_type = docx_bytes(doc), DOCX_CONTENT_TYPE
    elif fmt == "xlsx":
        body, content_type = xlsx_bytes(doc), XLSX_CONTENT_TYPE
    else:
        raise Http404
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{doc.filename_stem}.{fmt}"'
    return response


def _appendix(figures) -> dict:
    """One row per unit with target / achieved / % of each main (root) indicator."""
    roots = [i for i, c in enumerate(figures.columns) if c.parent_id is None]

    def cells(row):
        return [row.cells[i] for i in roots]

    rows = [{"row": row, "cells": cells(row)} for row in figures.rows]
    return {
        "columns": [figures.columns[i] for i in roots],
        "rows": rows,
        "totals": {"row": figures.totals, "cells": cells(figures.totals)},
    }


@require_safe
def report_print(request, pk, unit_pk):
    deadline = selectors.get_deadline_for(request.user, pk)
    unit = _unit_for(request, deadline, unit_pk)
    report = Report.objects.filter(deadline=deadline, unit=unit).first()
    doc = build_document(deadline, unit, report)
    appendix = _appendix(doc.figures) if doc.consolidated else None
    row = doc.figures.totals if doc.consolidated else (doc.figures.rows or [None])[0]
    lines = []
    number = 0
    for i, column in enumerate(doc.figures.columns if row is not None else []):
        if column.parent_id is None:
            number += 1
        lines.append(
            {
                "column": column,
                "cell": row.cells[i],
                "number": None if column.parent_id else number,
            }
        )
    return render(
        request,
        "reports/report_print.html",
        {"doc": doc, "deadline": deadline, "unit": unit, "appendix": appendix, "lines": lines},
    )


def calendar(request, plan_pk, pk=None):
    """The plan's reporting calendar; province administrators add and change its lines."""
    require(can_manage_plans(request.user))
    plan = get_plan_for(request.user, plan_pk)
    deadline = get_object_or_404(ReportingDeadline, plan=plan, pk=pk) if pk else None
    form = DeadlineForm(request.POST or None, instance=deadline, plan=plan)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in DeadlineForm.Meta.fields}
        try:
            services.save_deadline(plan=plan, user=request.user, deadline=deadline, **values)
        except services.ReportError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã lưu lịch báo cáo."))
            return redirect("reports:calendar", plan_pk=plan.pk)
    return render(
        request,
        "reports/calendar.html",
        {
            "plan": plan,
            "deadlines": ReportingDeadline.objects.filter(plan=plan).select_related("period"),
            "form": form,
            "editing": deadline,
        },
        status=400 if form.errors else 200,
    )
