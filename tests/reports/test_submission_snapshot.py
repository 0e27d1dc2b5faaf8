"""A submission is a snapshot: what the unit signed stays what the reviewer sees; the live
difference is shown beside it, never silently swapped in."""

import datetime

import pytest

from accounts.models import Role
from reports import services
from reports.models import Report, Status
from reports.selectors import consolidation, report_differences, report_figures
from tests.home.factories import admit, federation, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def fed():
    fed = federation(targets=(120, 4))
    admit(fed.union_a, 101)
    fed.officer = user("t.a", Role.UNIT_OFFICER, fed.unit_a)
    fed.admin = user("t.admin", Role.PROVINCE_ADMIN, fed.province)
    return fed


def _submit(fed, results="Kết nạp 101 đoàn viên."):
    report = services.get_or_create_report(deadline=fed.deadline, unit=fed.unit_a, user=fed.officer)
    report = services.save_report(
        report=report, user=fed.officer, expected_version=report.version, results=results
    )
    return services.submit_report(report=report, user=fed.officer)


def _achieved(report):
    return report_figures(report).row_for(report.unit_id).cells[0].achieved


def test_figures_are_frozen_at_submission(fed):
    report = _submit(fed)
    assert report.snapshot is not None
    assert report.events.get(action="submitted").data == report.snapshot
    admit(fed.union_a, 1, day=datetime.date(2024, 7, 25))
    report.refresh_from_db()
    assert _achieved(report) == 101
    (change,) = report_differences(report)
    assert (change.accepted, change.live, change.delta) == (101, 102, 1)


def test_the_reviewer_sees_101_with_plus_one_live(fed, client_for):
    _submit(fed)
    admit(fed.union_a, 1, day=datetime.date(2024, 7, 25))
    body = client_for(fed.admin).get(f"/reports/{fed.deadline.pk}/unit/{fed.unit_a.pk}/")
    body = body.content.decode()
    assert "Số liệu đã thay đổi sau khi đơn vị nộp." in body
    assert '<td class="num">101</td>' in body
    assert '102 <span class="delta">(+1)</span>' in body
    assert 'id="frozen-badge"' in body


def test_returned_report_is_live_and_resubmission_freezes_again(fed):
    report = _submit(fed)
    admit(fed.union_a, 1, day=datetime.date(2024, 7, 25))
    report = services.return_report(report=report, user=fed.admin, reason="Bổ sung.")
    assert _achieved(report) == 102  # the unit corrects it against live figures
    assert report_differences(report) == []
    report = services.submit_report(report=report, user=fed.officer)
    assert report.status == Status.RESUBMITTED and _achieved(report) == 102
    admit(fed.union_a, 2, day=datetime.date(2024, 7, 26))
    report = services.accept_report(report=report, user=fed.admin)
    assert _achieved(report) == 104  # acceptance freezes once more, finally
    admit(fed.union_a, 1, day=datetime.date(2024, 7, 27))
    report.refresh_from_db()
    assert _achieved(report) == 104


def test_lateness_is_counted_to_the_submission_date_not_today(fed, client_for):
    report = _submit(fed)
    Report.objects.filter(pk=report.pk).update(
        first_submitted_at=datetime.datetime(2024, 8, 8, 9, tzinfo=datetime.UTC)
    )
    summary = consolidation(fed.deadline, today=datetime.date(2027, 3, 1))
    rows = {r.unit: r for r in summary.rows}
    assert rows[fed.unit_a].days_late == 3
    assert rows[fed.unit_b].late and rows[fed.unit_b].days_late is None
    body = client_for(fed.admin).get(f"/reports/{fed.deadline.pk}/").content.decode()
    assert "Chậm 3 ngày" in body
    assert "Chưa nộp, quá hạn từ 05/08/2024" in body
    assert "Chậm 9" not in body  # nothing counted up to today


def test_an_empty_report_is_refused_without_saying_saved(fed, client_for):
    client = client_for(fed.officer)
    url = f"/reports/{fed.deadline.pk}/unit/{fed.unit_a.pk}/save/"
    response = client.post(url, {"version": 1, "results": "  ", "and_submit": "1"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Chưa nhập mục “Kết quả đạt được”" in body
    assert "Đã lưu" not in body
    assert not Report.objects.filter(deadline=fed.deadline, unit=fed.unit_a).exists()
    # Saving a draft with no change says so, not "saved".
    client.post(url, {"version": 1, "results": "Nháp."})
    response = client.post(url, {"version": 2, "results": "Nháp."}, follow=True)
    assert "Không có thay đổi nào để lưu." in response.content.decode()
