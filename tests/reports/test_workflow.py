"""The report workflow: draft → submitted → returned → resubmitted → accepted, and reopening."""

import pytest
from django.core.exceptions import PermissionDenied

from reports import services
from reports.models import Action, Report, Status
from tests.actors import SYSTEM


def _draft(deadline, unit, officer, text="Đã tổ chức tuyên truyền tại 3 doanh nghiệp."):
    report = services.get_or_create_report(deadline=deadline, unit=unit, user=officer)
    return services.save_report(
        report=report, user=officer, expected_version=report.version, results=text
    )


def test_full_cycle_is_recorded(quarter3, unit_a, officer_a, admin_user):
    report = _draft(quarter3, unit_a, officer_a)
    report = services.submit_report(report=report, user=officer_a)
    assert report.status == Status.SUBMITTED
    first = report.first_submitted_at

    with pytest.raises(services.ReportError, match="lý do"):
        services.return_report(report=report, user=admin_user, reason="  ")
    report = services.return_report(
        report=report, user=admin_user, reason="Thiếu mục khó khăn, vướng mắc."
    )
    assert report.status == Status.RETURNED
    assert report.return_reason == "Thiếu mục khó khăn, vướng mắc."

    report = services.save_report(
        report=report,
        user=officer_a,
        expected_version=report.version,
        difficulties="Lao động thời vụ, di chuyển nhiều.",
    )
    report = services.submit_report(report=report, user=officer_a)
    assert report.status == Status.RESUBMITTED
    assert report.first_submitted_at == first  # timeliness counts the first submission

    report = services.accept_report(report=report, user=admin_user)
    assert report.status == Status.ACCEPTED
    assert report.snapshot["rows"][0]["unit_id"] == unit_a.pk
    assert report.accepted_by == admin_user

    events = list(report.events.order_by("at", "id"))
    assert [e.action for e in events] == [
        Action.CREATED,
        Action.SAVED,
        Action.SUBMITTED,
        Action.RETURNED,
        Action.SAVED,
        Action.RESUBMITTED,
        Action.ACCEPTED,
    ]
    returned = events[3]
    assert returned.actor == admin_user and returned.reason.startswith("Thiếu")
    assert (returned.from_status, returned.to_status) == (Status.SUBMITTED, Status.RETURNED)
    assert events[-1].data == report.snapshot
    # django-simple-history keeps every version of the row as well.
    statuses = set(report.history.values_list("status", flat=True))
    assert {Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.RESUBMITTED} <= statuses


def test_reopen_needs_a_reason_and_keeps_the_snapshot_in_the_log(
    quarter3, unit_a, officer_a, admin_user
):
    report = services.submit_report(report=_draft(quarter3, unit_a, officer_a), user=officer_a)
    report = services.accept_report(report=report, user=admin_user)
    snapshot = report.snapshot
    with pytest.raises(services.ReportError, match="lý do"):
        services.reopen_report(report=report, user=admin_user, reason="")
    report = services.reopen_report(
        report=report, user=admin_user, reason="Đơn vị báo nhập thiếu 2 đoàn viên."
    )
    assert report.status == Status.RETURNED and report.snapshot is None
    assert report.events.get(action=Action.ACCEPTED).data == snapshot
    assert report.events.get(action=Action.REOPENED).reason == "Đơn vị báo nhập thiếu 2 đoàn viên."


def test_illegal_transitions_are_refused(quarter3, unit_a, officer_a, admin_user):
    report = _draft(quarter3, unit_a, officer_a)
    with pytest.raises(services.ReportError, match="chưa duyệt được"):
        services.accept_report(report=report, user=admin_user)
    with pytest.raises(services.ReportError, match="Chỉ trả lại"):
        services.return_report(report=report, user=admin_user, reason="x")
    empty = services.get_or_create_report(deadline=quarter3, unit=unit_a, user=SYSTEM)
    Report.objects.filter(pk=empty.pk).update(results="")
    empty.refresh_from_db()
    with pytest.raises(services.ReportError, match="Kết quả đạt được"):
        services.submit_report(report=empty, user=officer_a)
    assert Report.objects.get(pk=empty.pk).status == Status.DRAFT


def test_submitted_report_cannot_be_edited(quarter3, unit_a, officer_a):
    report = services.submit_report(report=_draft(quarter3, unit_a, officer_a), user=officer_a)
    with pytest.raises(services.ReportError, match="không sửa được"):
        services.save_report(
            report=report, user=officer_a, expected_version=report.version, results="Khác"
        )


def test_permissions(quarter3, unit_a, officer_a, officer_b, admin_user, viewer_user):
    with pytest.raises(PermissionDenied):
        services.get_or_create_report(deadline=quarter3, unit=unit_a, user=officer_b)
    report = _draft(quarter3, unit_a, officer_a)
    with pytest.raises(PermissionDenied):
        services.save_report(report=report, user=officer_b, expected_version=None, results="x")
    with pytest.raises(PermissionDenied):
        services.save_report(report=report, user=viewer_user, expected_version=None, results="x")
    report = services.submit_report(report=report, user=officer_a)
    for outsider in (officer_a, officer_b, viewer_user):
        with pytest.raises(PermissionDenied):
            services.accept_report(report=report, user=outsider)
        with pytest.raises(PermissionDenied):
            services.return_report(report=report, user=outsider, reason="x")
    assert Report.objects.get(pk=report.pk).status == Status.SUBMITTED


def test_bulk_accept_is_all_or_nothing(campaign, admin_user):
    # Demo: Tam Đường submitted, Phong Thổ returned, Mường Tè accepted.
    submitted = Report.objects.get(deadline=campaign, unit__name="LĐLĐ huyện Tam Đường")
    returned = Report.objects.get(deadline=campaign, unit__name="LĐLĐ huyện Phong Thổ")
    with pytest.raises(services.ReportError, match="Phong Thổ"):
        services.accept_reports(reports=[submitted, returned], user=admin_user)
    assert Report.objects.get(pk=submitted.pk).status == Status.SUBMITTED

    other = Report.objects.get(deadline=campaign, unit__name="LĐLĐ huyện Than Uyên")
    Report.objects.filter(pk=other.pk).update(status=Status.SUBMITTED)
    accepted = services.accept_reports(
        reports=Report.objects.filter(pk__in=[submitted.pk, other.pk]), user=admin_user
    )
    assert {r.status for r in accepted} == {Status.ACCEPTED}
    assert all(r.snapshot for r in accepted)
