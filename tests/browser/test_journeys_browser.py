"""Issue 13: the everyday journey of each role, on a desktop (1366 px) and a phone (390 px).

The unit officer starts on its home, admits a member from the home's button, drills into its own
unit on the dashboard (that unit's totals and charts), writes and submits the quarter's report
from its to-do list; the province administrator finds the report on its home under "Chờ duyệt"
and accepts it; the grassroots officer admits a member from its home and finds it in the
register. At each step the page fits the screen (no sideways scrolling) and the charts' labels
stay readable (at least 11 px on screen).

With SCREENSHOT_DIR set, a PNG of the dashboard with its charts is written there.
"""

import os

import pytest

from accounts.models import Role
from progress.models import Member
from reports.models import Report, Status
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD, _user

WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}

# The smallest font size of the charts' text, in CSS pixels on screen.
SMALLEST_CHART_TEXT = """() => {
  const sizes = [...document.querySelectorAll('svg.chart text')]
    .filter(t => t.getBoundingClientRect().height > 0)
    .map(t => {
      const svg = t.ownerSVGElement;
      const scale = svg.getScreenCTM().a;  // 1 unless a viewBox scales the drawing
      return parseFloat(getComputedStyle(t).fontSize) * scale;
    });
  return sizes.length ? Math.min(...sizes) : null;
}"""


def _session(browser, live_server, user, size):
    width, height = size
    context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(30000)
    page.base_url = live_server.url
    page.on("dialog", lambda dialog: dialog.accept())  # data-confirm buttons
    sign_in(page, user.username, PASSWORD)
    return context, page


def _fits(page, width, where):
    scroll = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll <= width, f"{where}: {scroll} px wide at {width} px"


def _admit_one(page, name, cccd, union_label=None):
    page.click("#admit-members")
    page.wait_for_selector("#entry-grid")
    if union_label:
        page.select_option("#id_union", label=union_label)
    page.fill('input[name="row-0-full_name"]', name)
    page.fill('input[name="row-0-date_of_birth"]', "12/05/1996")
    page.select_option('select[name="row-0-gender"]', "Nữ")
    page.fill('input[name="row-0-ethnicity"]', "Thái")
    page.fill('input[name="row-0-cccd"]', cccd)
    page.fill('input[name="row-0-job"]', "Công nhân")
    page.fill('input[name="row-0-admitted_on"]', "20/07/2024")
    page.click("#save-members")
    page.wait_for_selector("text=Đã kết nạp 1 đoàn viên")


@pytest.mark.browser
@pytest.mark.parametrize("screen", list(WIDTHS))
def test_each_role_s_day(browser, live_server, demo, admin_user, officer_a, unit_a, screen):
    size = WIDTHS[screen]
    width = size[0]
    # The bars come in a wide layout and a phone layout; the page shows the one that fits.
    bars_id = "#unit-bars" if width > 700 else "#unit-bars-narrow"
    folder = os.environ.get("SCREENSHOT_DIR")
    union = (
        Member.objects.filter(union__ancestor_paths__ancestor=unit_a, left_on__isnull=True)
        .select_related("union")
        .first()
        .union
    )
    grassroots = _user("t.cdcs.journey", Role.GRASSROOTS_OFFICER, union)
    officer_ctx, officer = _session(browser, live_server, officer_a, size)
    admin_ctx, admin = _session(browser, live_server, admin_user, size)
    cdcs_ctx, cdcs = _session(browser, live_server, grassroots, size)
    try:
        # Unit officer: home → "Kết nạp đoàn viên" → one member saved.
        officer.goto(f"{live_server.url}/")
        officer.wait_for_selector("#todo")
        _fits(officer, width, "unit home")
        _admit_one(officer, "Lò Thị Hành trình", "012196000777", union.name)
        _fits(officer, width, "member entry")

        # Its dashboard, then its own unit's drill-down: totals and charts of that unit.
        officer.goto(f"{live_server.url}/")
        officer.click("#home-actions >> text=Tiến độ các đơn vị trực thuộc")
        officer.wait_for_selector("#progress-table")
        officer.click(f"#progress-table tr[data-unit='{unit_a.pk}'] td:nth-child(2) a")
        officer.wait_for_selector(bars_id)
        assert f"under={unit_a.pk}" in officer.url
        assert f"Cộng {unit_a.name}" in officer.inner_text("#progress-table")
        assert f"Cộng {unit_a.name}" in officer.locator(bars_id).text_content()
        assert union.name[:20] in officer.locator(bars_id).text_content()
        assert officer.locator("#heat-table").is_visible()
        _fits(officer, width, "drill-down")
        bars = officer.locator(bars_id).bounding_box()
        assert bars["width"] <= width and bars["width"] > 0.6 * min(width, 1100)
        assert officer.evaluate(SMALLEST_CHART_TEXT) >= 11
        if folder:
            officer.screenshot(path=f"{folder}/journey_drilldown_{width}.png", full_page=True)

        # The report due, from the home's to-do list: written, saved and submitted.
        officer.goto(f"{live_server.url}/")
        officer.click("#todo >> text=Báo cáo Quý III/2024")
        officer.fill("#id_number", "31/BC-LĐLĐ")
        officer.fill("#id_results", "Kết nạp đoàn viên tại 3 doanh nghiệp.")
        officer.click("#save-report")
        officer.wait_for_selector("text=Đã lưu báo cáo.")
        officer.click("#submit-report")
        officer.wait_for_selector("text=Đã nộp báo cáo lên LĐLĐ tỉnh.")
        _fits(officer, width, "report")

        # Province administrator: the report waits on its home; it opens and accepts it.
        admin.goto(f"{live_server.url}/")
        admin.wait_for_selector("#awaiting-review")
        _fits(admin, width, "province home")
        admin.click(f"#awaiting-review >> text={unit_a.name}")
        admin.wait_for_selector("#accept-report")
        _fits(admin, width, "review")
        admin.click("#accept-report")
        admin.wait_for_selector("#report-status >> text=Đã duyệt")

        # The province dashboard with its charts fits and its labels are readable.
        admin.goto(f"{live_server.url}/")
        admin.click("text=Xem tiến độ chi tiết")
        admin.wait_for_selector(bars_id)
        _fits(admin, width, "dashboard")
        assert admin.evaluate(SMALLEST_CHART_TEXT) >= 11
        assert "Toàn tỉnh" in admin.locator(bars_id).text_content()
        if folder:
            admin.screenshot(path=f"{folder}/journey_dashboard_{width}.png", full_page=True)

        # Grassroots officer: home → "Kết nạp đoàn viên" → the register holds the new member.
        cdcs.goto(f"{live_server.url}/")
        cdcs.wait_for_selector("#headline")
        _fits(cdcs, width, "grassroots home")
        _admit_one(cdcs, "Giàng A Hành trình", "012090000778")
        cdcs.goto(f"{live_server.url}/progress/members/?q=Hành trình")
        assert "Giàng A Hành trình" in cdcs.inner_text("main")
        _fits(cdcs, width, "register")
    finally:
        officer_ctx.close()
        admin_ctx.close()
        cdcs_ctx.close()

    report = Report.objects.get(deadline__code="quy-3-2024", unit=unit_a)
    assert report.status == Status.ACCEPTED and report.snapshot


@pytest.mark.browser
def test_a_counted_batch_from_its_form_to_the_entry_page(browser, live_server, demo, officer_a):
    """ "Nhập theo số lượng": the drop-down of CĐCS, the date picker's field, the count; saved,
    the officer lands on "Nhập kết quả" with the batch first among its recent entries."""
    context, page = _session(browser, live_server, officer_a, WIDTHS["desktop"])
    try:
        page.goto(f"{live_server.url}/progress/batch/")
        options = page.locator("#id_union option")
        assert options.count() > 1
        label = options.nth(1).inner_text().strip()
        page.select_option("#id_union", index=1)
        page.fill("#id_date", "22/07/2024")
        page.fill("#id_count", "3")
        page.click("form:has(#id_count) button[type=submit]")
        page.wait_for_url("**/progress/entry/")
        assert page.locator("text=Đã ghi 3").count() == 1
        first = page.locator("table.data tbody tr").first
        assert "22/07/2024" in first.inner_text() and label in first.inner_text()
        folder = os.environ.get("SCREENSHOT_DIR")
        if folder:
            page.screenshot(path=f"{folder}/batch-landed.png", full_page=True)
    finally:
        context.close()
