"""An officer submits a report, the province returns it with a reason, the officer resubmits,
the province accepts it."""

import pytest

from reports.models import Report, Status
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD


def _session(browser, live_server, user):
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(30000)
    page.base_url = live_server.url
    page.on("dialog", lambda dialog: dialog.accept())  # data-confirm buttons
    sign_in(page, user.username, PASSWORD)
    return context, page


@pytest.mark.browser
def test_submit_return_resubmit_accept(browser, live_server, demo, officer_a, admin_user):
    from reports.models import ReportingDeadline

    deadline = ReportingDeadline.objects.get(code="quy-3-2024")
    officer_ctx, officer = _session(browser, live_server, officer_a)
    admin_ctx, admin = _session(browser, live_server, admin_user)
    try:
        # The officer finds the quarter in the list of what is due and writes the report.
        officer.goto(f"{live_server.url}/reports/")
        officer.click("#due-list >> text=Báo cáo Quý III/2024")
        officer.fill("#id_number", "31/BC-LĐLĐ")
        officer.fill("#id_results", "Kết nạp 93 đoàn viên tại 3 doanh nghiệp.")
        officer.click("#save-report")
        officer.wait_for_selector("text=Đã lưu báo cáo.")
        officer.click("#submit-report")
        officer.wait_for_selector("text=Đã nộp báo cáo lên LĐLĐ tỉnh.")
        assert "Đã nộp" in officer.inner_text("#report-status")

        # The province returns it with a reason.
        admin.goto(f"{live_server.url}/reports/{deadline.pk}/")
        admin.click("#submissions >> text=LĐLĐ huyện Mường Tè")
        admin.fill("#return-reason-input", "Bổ sung mục khó khăn, vướng mắc.")
        admin.click("#return-report")
        admin.wait_for_selector("text=Đã trả lại báo cáo cho đơn vị.")

        # The officer sees the reason, completes the report and submits it again.
        officer.goto(f"{live_server.url}/reports/{deadline.pk}/unit/{officer_a.unit_id}/")
        assert "Bổ sung mục khó khăn, vướng mắc." in officer.inner_text("#return-reason")
        officer.fill("#id_difficulties", "Lao động thời vụ, thường xuyên di chuyển.")
        officer.click("#save-report")
        officer.wait_for_selector("text=Đã lưu báo cáo.")
        officer.click("#submit-report")
        officer.wait_for_selector("text=Đã nộp báo cáo lên LĐLĐ tỉnh.")
        assert "Đã nộp lại" in officer.inner_text("#report-status")

        # The province accepts it from the consolidation page (bulk action).
        admin.goto(f"{live_server.url}/reports/{deadline.pk}/")
        admin.check(f"#submissions tr[data-unit='{officer_a.unit.name}'] input[name=report]")
        admin.click("text=Duyệt các báo cáo đã chọn")
        admin.wait_for_selector("text=Đã duyệt 1 báo cáo")
        assert "Đã duyệt" in admin.inner_text(f"#submissions tr[data-unit='{officer_a.unit.name}']")
    finally:
        officer_ctx.close()
        admin_ctx.close()

    report = Report.objects.get(deadline=deadline, unit=officer_a.unit)
    assert report.status == Status.ACCEPTED and report.snapshot
    actions = list(report.events.values_list("action", flat=True))
    assert actions.count("submitted") == 1 and actions.count("resubmitted") == 1
    assert report.events.get(action="returned").reason == "Bổ sung mục khó khăn, vướng mắc."
