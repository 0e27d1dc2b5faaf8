"""Report pages: who sees what, the due list, consolidation figures, bulk accept."""

import datetime

from reports.models import Report, Status
from reports.selectors import consolidation


def test_officer_sees_what_is_due(campaign, quarter3, officer_a, client_for):
    response = client_for(officer_a).get("/reports/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="due-list"' in body
    assert "Báo cáo Quý III/2024" in body
    assert "Quá hạn" in body
    # The accepted campaign report is not due any more.
    due = body.split('id="due-list"')[1].split("</ul>")[0]
    assert "Tháng cao điểm" not in due


def test_consolidation_completeness_and_timeliness(campaign):
    summary = consolidation(campaign, today=datetime.date(2024, 8, 10))
    # Demo: Mường Tè accepted (03/08), Tam Đường submitted late (07/08), Phong Thổ returned
    # (first submitted 05/08, on time), the other 8 have not handed in.
    assert summary.expected == 11
    assert summary.received == 2
    assert summary.on_time == 2
    assert summary.late == 9
    assert summary.completeness == 18.2
    assert summary.timeliness == 18.2
    rows = {r.unit.name: r for r in summary.rows}
    assert rows["LĐLĐ huyện Tam Đường"].days_late == 2


def test_consolidation_page_for_province_only(
    campaign, admin_user, viewer_user, officer_a, client_for
):
    url = f"/reports/{campaign.pk}/"
    assert client_for(officer_a).get(url).status_code == 403
    body = client_for(viewer_user).get(url).content.decode()
    assert "18,2%" in body and 'id="consolidated-table"' in body
    assert 'name="report"' not in body  # the viewer cannot accept
    body = client_for(admin_user).get(url).content.decode()
    assert 'name="report"' in body


def test_bulk_accept_from_the_page(campaign, admin_user, client_for):
    report = Report.objects.get(deadline=campaign, unit__name="LĐLĐ huyện Tam Đường")
    other = Report.objects.get(deadline=campaign, unit__name="LĐLĐ huyện Than Uyên")
    Report.objects.filter(pk=other.pk).update(status=Status.RESUBMITTED)
    response = client_for(admin_user).post(
        f"/reports/{campaign.pk}/accept/", {"report": [report.pk, other.pk]}, follow=True
    )
    assert "Đã duyệt 2 báo cáo" in response.content.decode()
    assert set(
        Report.objects.filter(pk__in=[report.pk, other.pk]).values_list("status", flat=True)
    ) == {Status.ACCEPTED}


def test_other_units_report_is_read_only_or_hidden(quarter3, unit_a, officer_b, client_for):
    client = client_for(officer_b)
    assert client.get(f"/reports/{quarter3.pk}/unit/{unit_a.pk}/").status_code == 403
    response = client.post(
        f"/reports/{quarter3.pk}/unit/{unit_a.pk}/save/", {"version": 1, "results": "x"}
    )
    assert response.status_code == 403
    assert not Report.objects.filter(deadline=quarter3, unit=unit_a).exists()


def test_viewer_reads_but_cannot_write(campaign, unit_a, viewer_user, client_for):
    client = client_for(viewer_user)
    body = client.get(f"/reports/{campaign.pk}/unit/{unit_a.pk}/").content.decode()
    assert 'id="report-form"' not in body and 'id="accept-report"' not in body
    response = client.post(f"/reports/{campaign.pk}/unit/{unit_a.pk}/reopen/", {"reason": "x"})
    assert response.status_code == 403


def test_downloads_and_print_page(campaign, province, admin_user, client_for):
    client = client_for(admin_user)
    docx = client.get(f"/reports/{campaign.pk}/unit/{province.pk}/export.docx")
    assert docx.status_code == 200 and docx["Content-Type"].endswith("wordprocessingml.document")
    xlsx = client.get(f"/reports/{campaign.pk}/unit/{province.pk}/export.xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].endswith("spreadsheetml.sheet")
    page = client.get(f"/reports/{campaign.pk}/unit/{province.pk}/print/").content.decode()
    assert "data-print" in page
    assert "Lai Châu, ngày 05 tháng 8 năm 2024" in page
    assert "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page


def test_demo_is_idempotent(campaign):
    from core.demo import load_demo

    before = (Report.objects.count(), campaign.plan.reporting_deadlines.count())
    load_demo(reorganise=False)
    assert (Report.objects.count(), campaign.plan.reporting_deadlines.count()) == before == (5, 5)


def test_calendar_is_configurable_by_the_province_admin(
    campaign, admin_user, officer_a, client_for
):
    url = f"/reports/plan/{campaign.plan_id}/calendar/{campaign.pk}/"
    assert client_for(officer_a).get(url).status_code == 403
    client = client_for(admin_user)
    data = {
        "name": campaign.name,
        "code": campaign.code,
        "kind": campaign.kind,
        "period": campaign.period_id,
        "start": "01/07/2024",
        "end": "31/07/2024",
        "due_on": "10/08/2024",
        "remind_days_before": 5,
        "note": "",
        "sort_order": 25,
    }
    response = client.post(url, data)
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert (campaign.due_on.day, campaign.remind_days_before) == (10, 5)
    response = client.post(url, {**data, "due_on": "20/07/2024"})
    assert response.status_code == 400
    assert "không được trước ngày cuối của kỳ số liệu" in response.content.decode()
    response = client.post(url, {**data, "code": "quy-3-2024"})
    assert "đã có trong kế hoạch" in response.content.decode()


def test_save_and_submit_in_one_click(quarter3, unit_a, officer_a, client_for):
    response = client_for(officer_a).post(
        f"/reports/{quarter3.pk}/unit/{unit_a.pk}/save/",
        {"version": 1, "results": "Kết nạp 12 đoàn viên.", "and_submit": "1"},
        follow=True,
    )
    assert "Đã nộp báo cáo lên LĐLĐ tỉnh." in response.content.decode()
    report = Report.objects.get(deadline=quarter3, unit=unit_a)
    assert report.status == Status.SUBMITTED and report.results == "Kết nạp 12 đoàn viên."
