"""Writes to reports. Every transition is atomic, checked, versioned and logged (ReportEvent).

draft ──submit──▶ submitted ──accept──▶ accepted ──reopen(reason)──▶ returned
                      │                                                 │
                      └──return(reason)──▶ returned ──submit──▶ resubmitted ──accept──▶ …
                                              ▲                     │
                                              └────return(reason)───┘

Figures are a snapshot of what the unit signed: submitting (and resubmitting) freezes them in
``Report.snapshot``, acceptance freezes them once more (finally). The reviewer sees the submitted
figures with the live difference beside them; a returned report is live again while the unit
corrects it.

A save or transition that carries ``expected_version`` older than the stored one is refused
(``StaleReport``): two people editing the same draft never overwrite each other.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.permissions import (
    can_manage_plans,
    can_review_reports,
    can_write_report,
    recorded_user,
    require,
)
from core.errors import ServiceError
from reports.figures import live_figures
from reports.models import (
    NARRATIVE_FIELDS,
    Action,
    Report,
    ReportEvent,
    ReportingDeadline,
    Status,
)

EDITABLE_FIELDS = [
    *NARRATIVE_FIELDS,
    "number",
    "dated_on",
    "signer_title",
    "signer_name",
    "recipients",
]

DEFAULT_RECIPIENTS = "- LĐLĐ tỉnh (qua Ban Tổ chức - Kiểm tra);\n- Lưu: VT."
PROVINCE_RECIPIENTS = (
    "- Tổng LĐLĐ Việt Nam (Ban Tổ chức);\n- Thường trực LĐLĐ tỉnh;\n- Lưu: VT, TC-KT."
)


class ReportError(ServiceError):
    """A transition that the report's state does not allow; the message says why."""


class StaleReport(ReportError):
    """Someone else saved the report after this page was loaded; nothing was overwritten."""


def _who(user) -> str:
    if user is None:
        return _("một người khác")
    return user.get_full_name() or user.username


def _lock(report: Report, expected_version: int | None) -> Report:
    fresh = (
        Report.objects.select_for_update(of=("self",))
        .select_related("updated_by", "deadline", "unit")
        .get(pk=report.pk)
    )
    if expected_version is not None and fresh.version != int(expected_version):
        when = formats.date_format(timezone.localtime(fresh.updated_at), "d/m/Y H:i")
        raise StaleReport(
            _(
                "Không lưu được: báo cáo “%(name)s” của %(unit)s vừa được %(who)s thay đổi lúc "
                "%(when)s, sau khi bạn mở trang. Để không ghi đè lên bản của người đó, nội dung "
                "của bạn chưa được lưu. Hãy sao chép phần vừa sửa, tải lại trang rồi sửa tiếp."
            )
            % {
                "name": fresh.deadline.name,
                "unit": fresh.unit.name,
                "who": _who(fresh.updated_by),
                "when": when,
            }
        )
    return fresh


def _log(report, action, from_status, user, reason="", data=None) -> ReportEvent:
    return ReportEvent.objects.create(
        report=report,
        action=action,
        from_status=from_status,
        to_status=report.status,
        actor=recorded_user(user),
        at=timezone.now(),
        reason=reason,
        data=data,
    )


def _bump(report: Report, user, fields: list[str]) -> None:
    report.version += 1
    report.updated_by = recorded_user(user)
    report.save(update_fields=[*fields, "version", "updated_by", "updated_at"])


def _is_province_report(report: Report) -> bool:
    return report.unit_id == report.deadline.plan.issuing_unit_id


def report_defaults(deadline, unit) -> dict:
    """A new report's signer and recipients: the plan's signer for the province's own report."""
    plan = deadline.plan
    if unit.pk == plan.issuing_unit_id:
        return {
            "signer_title": plan.signer_title,
            "signer_name": plan.signer_name,
            "recipients": PROVINCE_RECIPIENTS,
        }
    return {"signer_title": "Chủ tịch", "signer_name": "", "recipients": DEFAULT_RECIPIENTS}


@transaction.atomic
def get_or_create_report(*, deadline, unit, user) -> Report:
    """The unit's report for the deadline, created as a draft (with the plan's defaults)."""
    require(can_write_report(user, unit))
    report = Report.objects.filter(deadline=deadline, unit=unit).first()
    if report is not None:
        return report
    report, created = Report.objects.get_or_create(
        deadline=deadline,
        unit=unit,
        defaults={
            **report_defaults(deadline, unit),
            "updated_by": recorded_user(user),
        },
    )
    if created:
        _log(report, Action.CREATED, "", user)
    return report


@transaction.atomic
def save_report(*, report: Report, user, expected_version: int | None, **values) -> Report:
    """Save the narrative and document fields of a draft or returned report."""
    require(can_write_report(user, report.unit))
    report = _lock(report, expected_version)
    if not report.is_editable and not _is_province_report(report):
        raise ReportError(
            _("Báo cáo đang ở trạng thái “%(status)s”, không sửa được nội dung.")
            % {"status": report.get_status_display()}
        )
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ReportError(_("Trường không hợp lệ: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    changed = [name for name, value in values.items() if getattr(report, name) != value]
    for name in changed:
        setattr(report, name, values[name])
    if changed:
        _bump(report, user, changed)
        _log(report, Action.SAVED, report.status, user)
    return report


@transaction.atomic
def submit_report(*, report: Report, user, expected_version: int | None = None) -> Report:
    require(can_write_report(user, report.unit))
    report = _lock(report, expected_version)
    if _is_province_report(report):
        raise ReportError(_("Báo cáo tổng hợp của LĐLĐ tỉnh không qua bước nộp và duyệt."))
    if report.status not in Status.editable():
        raise ReportError(
            _("Báo cáo đang ở trạng thái “%(status)s”, không nộp được.")
            % {"status": report.get_status_display()}
        )
    if not report.results.strip():
        raise ReportError(_("Chưa nhập mục “Kết quả đạt được”: hãy nhập rồi mới nộp."))
    before = report.status
    now = timezone.now()
    snapshot = freeze_figures(report)
    report.status = Status.SUBMITTED if before == Status.DRAFT else Status.RESUBMITTED
    report.submitted_at = now
    report.snapshot = snapshot
    if report.first_submitted_at is None:
        report.first_submitted_at = now
    _bump(report, user, ["status", "submitted_at", "first_submitted_at", "snapshot"])
    _log(
        report,
        Action.SUBMITTED if before == Status.DRAFT else Action.RESUBMITTED,
        before,
        user,
        data=snapshot,
    )
    return report


def freeze_figures(report: Report) -> dict:
    """The unit's figures as they are now, as the JSON kept in ``Report.snapshot``."""
    return live_figures(report.deadline, [report.unit_id]).to_snapshot()


def _require_reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ReportError(_("Cần ghi lý do %(what)s.") % {"what": what})
    return reason


@transaction.atomic
def return_report(*, report: Report, user, reason: str, expected_version=None) -> Report:
    require(can_review_reports(user))
    reason = _require_reason(reason, _("trả lại báo cáo"))
    report = _lock(report, expected_version)
    if report.status not in Status.awaiting_review():
        raise ReportError(
            _("Chỉ trả lại được báo cáo đã nộp; báo cáo đang “%(status)s”.")
            % {"status": report.get_status_display()}
        )
    before = report.status
    report.status = Status.RETURNED
    report.return_reason = reason
    _bump(report, user, ["status", "return_reason"])
    _log(report, Action.RETURNED, before, user, reason)
    return report


def _accept_locked(report: Report, user) -> Report:
    if report.status not in Status.awaiting_review():
        raise ReportError(
            _("Báo cáo của %(unit)s đang “%(status)s”, chưa duyệt được (chỉ duyệt báo cáo đã nộp).")
            % {"unit": report.unit.name, "status": report.get_status_display()}
        )
    snapshot = freeze_figures(report)
    before = report.status
    report.status = Status.ACCEPTED
    report.snapshot = snapshot
    report.accepted_at = timezone.now()
    report.accepted_by = user
    report.return_reason = ""
    _bump(report, user, ["status", "snapshot", "accepted_at", "accepted_by", "return_reason"])
    _log(report, Action.ACCEPTED, before, user, data=snapshot)
    return report


@transaction.atomic
def accept_report(*, report: Report, user, expected_version=None) -> Report:
    """Accept and freeze the figures as they are now."""
    require(can_review_reports(user))
    return _accept_locked(_lock(report, expected_version), user)


@transaction.atomic
def accept_reports(*, reports, user) -> list[Report]:
    """Accept several reports at once: all of them, or none (the error names which one)."""
    require(can_review_reports(user))
    reports = list(reports)
    if not reports:
        raise ReportError(_("Chưa chọn báo cáo nào để duyệt."))
    return [_accept_locked(_lock(report, None), user) for report in reports]


@transaction.atomic
def reopen_report(*, report: Report, user, reason: str, expected_version=None) -> Report:
    """Reopen an accepted report for correction; its snapshot stays in the event log."""
    require(can_review_reports(user))
    reason = _require_reason(reason, _("mở lại báo cáo đã duyệt"))
    report = _lock(report, expected_version)
    if report.status != Status.ACCEPTED:
        raise ReportError(_("Chỉ mở lại được báo cáo đã duyệt."))
    report.status = Status.RETURNED
    report.return_reason = reason
    report.snapshot = None
    report.accepted_at = None
    report.accepted_by = None
    _bump(report, user, ["status", "return_reason", "snapshot", "accepted_at", "accepted_by"])
    _log(report, Action.REOPENED, Status.ACCEPTED, user, reason)
    return report


DEADLINE_FIELDS = [
    "name",
    "code",
    "kind",
    "period",
    "start",
    "end",
    "due_on",
    "remind_days_before",
    "note",
    "sort_order",
]


@transaction.atomic
def save_deadline(*, plan, user, deadline: ReportingDeadline | None = None, **values):
    """Create or change one line of a plan's reporting calendar (province administrators)."""
    require(can_manage_plans(user))
    unknown = set(values) - set(DEADLINE_FIELDS)
    if unknown:
        raise ReportError(_("Trường không hợp lệ: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    if deadline is None:
        deadline = ReportingDeadline(plan=plan)
    elif deadline.plan_id != plan.pk:
        raise ReportError(_("Kỳ báo cáo không thuộc kế hoạch này."))
    for name, value in values.items():
        setattr(deadline, name, value)
    taken = ReportingDeadline.objects.filter(plan=plan, code=deadline.code)
    if taken.exclude(pk=deadline.pk).exists():
        raise ReportError(_("Mã kỳ báo cáo “%(c)s” đã có trong kế hoạch.") % {"c": deadline.code})
    if deadline.period.plan_id != plan.pk:
        raise ReportError(_("Đợt “%(p)s” không thuộc kế hoạch này.") % {"p": deadline.period})
    if deadline.start > deadline.end:
        raise ReportError(_("Ngày bắt đầu của kỳ số liệu phải trước ngày kết thúc."))
    if deadline.due_on < deadline.end:
        raise ReportError(
            _("Hạn nộp (%(due)s) không được trước ngày cuối của kỳ số liệu (%(end)s).")
            % {"due": f"{deadline.due_on:%d/%m/%Y}", "end": f"{deadline.end:%d/%m/%Y}"}
        )
    if deadline.start < deadline.period.start or deadline.end > deadline.period.end:
        raise ReportError(_("Kỳ số liệu phải nằm trong đợt “%(p)s”.") % {"p": deadline.period.name})
    deadline.save()
    return deadline
