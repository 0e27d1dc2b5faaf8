"""Reports: who has handed in what (status per reporting deadline × unit), one report with its
figures, and submitting (saving the narrative and submitting in one transaction, through
``reports.services``)."""

from typing import Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema
from pydantic import Field

from accounts.permissions import require_view, unit_ids
from api.common import MAX_ID, MAX_LIMIT, Day, Page, Text, date_text, page
from organisation.models import Unit
from plans.models import PlanUnit
from reports import selectors, services
from reports.models import Report, Status

router = Router(tags=["reports"])

StatusName = Literal[(*Status.values, "missing")]


class ReportStatusOut(Schema):
    deadline_id: int
    deadline_code: str
    deadline_name: str
    plan_id: int
    due_on: str
    unit_id: int
    unit: str
    status: str
    version: int | None
    first_submitted_at: str | None
    submitted_at: str | None
    accepted_at: str | None


class ReportOut(ReportStatusOut):
    number: str
    dated_on: str | None
    results: str
    good_practices: str
    difficulties: str
    proposals: str
    return_reason: str
    figures: dict


def _moment(value) -> str | None:
    return value.isoformat() if value else None


def status_row(deadline, unit, report) -> dict:
    return {
        "deadline_id": deadline.pk,
        "deadline_code": deadline.code,
        "deadline_name": deadline.name,
        "plan_id": deadline.plan_id,
        "due_on": deadline.due_on.isoformat(),
        "unit_id": unit.pk,
        "unit": unit.name,
        "status": report.status if report else "missing",
        "version": report.version if report else None,
        "first_submitted_at": _moment(report.first_submitted_at) if report else None,
        "submitted_at": _moment(report.submitted_at) if report else None,
        "accepted_at": _moment(report.accepted_at) if report else None,
    }


@router.get(
    "/reports", response=Page[ReportStatusOut], url_name="reports", summary="Tình hình nộp báo cáo"
)
def reports(
    request,
    plan: int | None = Query(None, ge=1, le=MAX_ID),
    deadline: int | None = Query(None, ge=1, le=MAX_ID),
    unit: int | None = Query(None, ge=1, le=MAX_ID, description="một đơn vị của kế hoạch"),
    status: StatusName | None = Query(None, description="trạng thái (missing: chưa có)"),
    due_from: Day | None = Query(None, description="hạn nộp từ ngày"),
    due_to: Day | None = Query(None, description="hạn nộp đến ngày"),
    limit: int = Query(100, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=10**9),
):
    """One row per reporting deadline × plan unit the account may see; `status` is the
    report's (draft, submitted, returned, resubmitted, accepted) or `missing`; filters:
    `plan`, `deadline`, `unit`, `status`, due date between `due_from` and `due_to`."""
    deadlines = selectors.deadlines_for(request.user).order_by("plan_id", "due_on", "sort_order")
    if plan is not None:
        deadlines = deadlines.filter(plan_id=plan)
    if deadline is not None:
        deadlines = deadlines.filter(pk=deadline)
    if due_from is not None:
        deadlines = deadlines.filter(due_on__gte=due_from)
    if due_to is not None:
        deadlines = deadlines.filter(due_on__lte=due_to)
    deadlines = list(deadlines)
    allowed = unit_ids(request.user, "view")
    plan_units: dict[int, list] = {}
    for pu in (
        PlanUnit.objects.filter(plan_id__in={d.plan_id for d in deadlines})
        .select_related("unit")
        .order_by("row_number")
    ):
        if (allowed is None or pu.unit_id in allowed) and unit in (None, pu.unit_id):
            plan_units.setdefault(pu.plan_id, []).append(pu.unit)
    found = {
        (r.deadline_id, r.unit_id): r
        for r in Report.objects.filter(deadline__in=deadlines).only(
            "id",
            "deadline_id",
            "unit_id",
            "status",
            "version",
            "first_submitted_at",
            "submitted_at",
            "accepted_at",
        )
    }
    rows = [(d, u) for d in deadlines for u in plan_units.get(d.plan_id, [])]
    if status is not None:
        rows = [
            (d, u)
            for d, u in rows
            if (found[d.pk, u.pk].status if (d.pk, u.pk) in found else "missing") == status
        ]
    result = page(rows, limit, offset)
    result["items"] = [status_row(d, u, found.get((d.pk, u.pk))) for d, u in result["items"]]
    return result


def _deadline_unit(request, deadline_id: int, unit_id: int):
    deadline = selectors.get_deadline_for(request.user, deadline_id)
    unit = get_object_or_404(Unit, pk=unit_id)
    require_view(request.user, unit)
    is_plan_unit = deadline.plan.plan_units.filter(unit=unit).exists()
    if not is_plan_unit and unit.pk != deadline.plan.issuing_unit_id:
        raise Http404
    return deadline, unit


def report_data(deadline, unit) -> dict:
    report = Report.objects.filter(deadline=deadline, unit=unit).first()
    figures = selectors.unit_figures(deadline, unit).to_snapshot()
    figures.pop("taken_at", None)
    return {
        **status_row(deadline, unit, report),
        "number": report.number if report else "",
        "dated_on": date_text(report.dated_on) if report else None,
        "results": report.results if report else "",
        "good_practices": report.good_practices if report else "",
        "difficulties": report.difficulties if report else "",
        "proposals": report.proposals if report else "",
        "return_reason": report.return_reason if report else "",
        "figures": figures,
    }


@router.get(
    "/reports/{int:deadline_id}/{int:unit_id}",
    response=ReportOut,
    url_name="report",
    summary="Một báo cáo",
)
def report(
    request,
    deadline_id: int = Path(..., ge=1, le=MAX_ID),
    unit_id: int = Path(..., ge=1, le=MAX_ID),
):
    """Status, the narrative sections and the figures the report states (frozen once handed
    in, live while a draft or returned)."""
    deadline, unit = _deadline_unit(request, deadline_id, unit_id)
    return report_data(deadline, unit)


class SubmitIn(Schema):
    results: Text(20000) | None = None
    good_practices: Text(20000) | None = None
    difficulties: Text(20000) | None = None
    proposals: Text(20000) | None = None
    number: Text(50) | None = None
    dated_on: Day | None = None
    signer_title: Text(100) | None = None
    signer_name: Text(100) | None = None
    expected_version: int | None = Field(None, ge=1, le=2**31 - 1)


@router.post(
    "/reports/{int:deadline_id}/{int:unit_id}/submit",
    response=ReportOut,
    url_name="report_submit",
    summary="Lưu và nộp báo cáo",
)
def report_submit(
    request,
    payload: SubmitIn,
    deadline_id: int = Path(..., ge=1, le=MAX_ID),
    unit_id: int = Path(..., ge=1, le=MAX_ID),
):
    """Save the fields given (the others unchanged) and submit, in one transaction: a refused
    submission (e.g. an empty "Kết quả đạt được") saves nothing. `expected_version`: the
    `version` read before, refused if someone saved in between (409)."""
    deadline, unit = _deadline_unit(request, deadline_id, unit_id)
    values = payload.dict(exclude_none=True)
    expected = values.pop("expected_version", None)
    with transaction.atomic():
        current = services.get_or_create_report(deadline=deadline, unit=unit, user=request.user)
        if values:
            current = services.save_report(
                report=current, user=request.user, expected_version=expected, **values
            )
            expected = None
        services.submit_report(report=current, user=request.user, expected_version=expected)
    return report_data(deadline, unit)


# Review (the province): return, accept, reopen — ``reports.services``, as on the report page --


class ReturnIn(Schema):
    reason: Text(2000) = Field("", description="lý do (bắt buộc)")
    expected_version: int | None = Field(None, ge=1, le=2**31 - 1)


class AcceptIn(Schema):
    expected_version: int | None = Field(None, ge=1, le=2**31 - 1)


def _existing(request, deadline_id: int, unit_id: int) -> Report:
    deadline, unit = _deadline_unit(request, deadline_id, unit_id)
    return get_object_or_404(Report, deadline=deadline, unit=unit)


def _with_reason(payload, write):
    """Run the service; its refusal of an empty reason (the message the report page shows,
    e.g. "Cần ghi lý do trả lại báo cáo.") is put on the `reason` field."""
    try:
        return write(payload.reason)
    except services.ReportError as exc:
        if not payload.reason.strip():
            raise ValidationError({"reason": exc.messages}) from exc
        raise


@router.post(
    "/reports/{int:deadline_id}/{int:unit_id}/return",
    response=ReportOut,
    url_name="report_return",
    summary="Trả lại báo cáo",
)
def report_return(
    request,
    payload: ReturnIn,
    deadline_id: int = Path(..., ge=1, le=MAX_ID),
    unit_id: int = Path(..., ge=1, le=MAX_ID),
):
    """Return a submitted report to its unit with a reason (`reports.services.return_report`:
    the province's reviewers only). `expected_version`: 409 if it changed since read."""
    found = _existing(request, deadline_id, unit_id)
    _with_reason(
        payload,
        lambda reason: services.return_report(
            report=found,
            user=request.user,
            reason=reason,
            expected_version=payload.expected_version,
        ),
    )
    return report_data(found.deadline, found.unit)


@router.post(
    "/reports/{int:deadline_id}/{int:unit_id}/accept",
    response=ReportOut,
    url_name="report_accept",
    summary="Duyệt báo cáo",
)
def report_accept(
    request,
    payload: AcceptIn,
    deadline_id: int = Path(..., ge=1, le=MAX_ID),
    unit_id: int = Path(..., ge=1, le=MAX_ID),
):
    """Accept a submitted report; its figures are frozen as they are now
    (`reports.services.accept_report`: the province's reviewers only)."""
    found = _existing(request, deadline_id, unit_id)
    services.accept_report(
        report=found, user=request.user, expected_version=payload.expected_version
    )
    return report_data(found.deadline, found.unit)


@router.post(
    "/reports/{int:deadline_id}/{int:unit_id}/reopen",
    response=ReportOut,
    url_name="report_reopen",
    summary="Mở lại báo cáo đã duyệt",
)
def report_reopen(
    request,
    payload: ReturnIn,
    deadline_id: int = Path(..., ge=1, le=MAX_ID),
    unit_id: int = Path(..., ge=1, le=MAX_ID),
):
    """Reopen an accepted report for correction, with a reason
    (`reports.services.reopen_report`)."""
    found = _existing(request, deadline_id, unit_id)
    _with_reason(
        payload,
        lambda reason: services.reopen_report(
            report=found,
            user=request.user,
            reason=reason,
            expected_version=payload.expected_version,
        ),
    )
    return report_data(found.deadline, found.unit)
