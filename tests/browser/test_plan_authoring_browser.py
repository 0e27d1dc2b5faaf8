"""In Chromium: a federation that is not the demo writes its 2026 plan (header, period,
indicators, receiving units, a target), issues it and makes 2027 from it; and the import_plan
wizard end to end (upload, dates asked, reading checked, plan created)."""

import pytest

from accounts.models import Role
from accounts.services import create_user
from plans.models import Plan, Target
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.plans.factories import federation

pytestmark = pytest.mark.browser


@pytest.fixture
def fed_admin(transactional_db):
    fed = federation()
    admin = create_user(
        username="t.admin.browser",
        password=PASSWORD,
        role=Role.PROVINCE_ADMIN,
        unit=fed.province,
        validate=False,
    )
    return fed, admin


def _submit(page, form):
    page.click(f"{form} button[type=submit]")
    page.wait_for_load_state()


def test_a_federation_writes_issues_and_copies_its_plan(page, fed_admin):
    fed, admin = fed_admin
    sign_in(page, admin.username, PASSWORD)
    page.goto(f"{page.base_url}/plans/")
    page.click("text=Soạn kế hoạch mới")
    page.fill("#id_number", "05/KH-LĐLĐ")
    page.fill("#id_issued_on", "10/01/2026")
    page.select_option("#id_issuing_unit", str(fed.province.pk))
    page.fill("#id_title", "Phát triển đoàn viên năm 2026")
    page.fill("#id_year", "2026")
    page.fill("#id_enterprise_min_workers", "20")
    _submit(page, "#plan-form")
    assert "Đã tạo dự thảo kế hoạch 05/KH-LĐLĐ" in page.content()

    page.click("text=Sửa các đợt")
    page.fill("#id_periods-0-code", "nam-2026")
    page.fill("#id_periods-0-name", "Năm 2026")
    page.fill("#id_periods-0-start", "01/01/2026")
    page.fill("#id_periods-0-end", "31/12/2026")
    _submit(page, "#parts-form")
    page.click("text=Sửa chỉ tiêu")
    page.fill("#id_indicators-0-code", "dv-ket-nap")
    page.fill("#id_indicators-0-name", "Kết nạp đoàn viên")
    page.fill("#id_indicators-0-header", "Kết nạp (người)")
    page.select_option("#id_indicators-0-measure", "admitted_members")
    page.select_option("#id_indicators-0-unit_of_measure", "người")
    page.fill("#id_indicators-1-code", "cdcs-dn-20")
    page.fill("#id_indicators-1-name", "CĐCS tại DN từ 20 lao động")
    page.fill("#id_indicators-1-header", "CĐCS DN từ 20 LĐ (đơn vị)")
    page.select_option("#id_indicators-1-measure", "new_unions_sized")
    page.select_option("#id_indicators-1-unit_of_measure", "đơn vị")
    _submit(page, "#parts-form")
    assert "≥ 20" in page.inner_text("#indicators")
    page.click("text=Sửa đơn vị nhận chỉ tiêu")
    page.select_option("#id_plan_units-0-unit", str(fed.d1.pk))
    page.fill("#id_plan_units-0-row_number", "1")
    _submit(page, "#parts-form")
    assert fed.d1.name in page.inner_text("#plan-units")

    page.click("text=Xem biểu giao chỉ tiêu")
    page.click("text=Sửa chỉ tiêu")
    page.fill("input[aria-label='Công đoàn phường Một — Kết nạp (người)']", "1.100")
    page.click("text=Lưu chỉ tiêu")
    page.wait_for_load_state()
    assert "1.100" in page.inner_text("#allocation-table")

    page.click("text=Soạn kế hoạch (đợt, chỉ tiêu, đơn vị)")
    page.click("text=Ban hành kế hoạch")
    page.click("form button:has-text('Ban hành')")
    page.wait_for_load_state()
    assert "Đã ban hành" in page.inner_text("#plan-status")

    page.click("text=Tạo kế hoạch mới từ kế hoạch này")
    page.fill("#id_number", "09/KH-LĐLĐ")
    page.fill("#id_issued_on", "08/01/2027")
    _submit(page, "#copy-form")
    assert "Năm 2027" in page.inner_text("#periods")
    new = Plan.objects.get(number="09/KH-LĐLĐ")
    assert new.year == 2027 and not Target.objects.filter(period__plan=new).exists()


def test_the_import_plan_wizard(page, fed_admin, tmp_path, settings):
    from openpyxl import load_workbook

    from tests.plans.test_import_plan import _year_form

    settings.MEDIA_ROOT = tmp_path / "media"
    fed, admin = fed_admin
    path = _year_form(
        tmp_path / "bieu.xlsx",
        [(fed.d1.name, [12, 5, 1, 1, 1]), (fed.d2.name, [8, 3, 0, 0, 1])],
        title="Tháng cao điểm",
    )
    book = load_workbook(path)
    book.active.title = "Cao điểm"
    book.save(path)
    sign_in(page, admin.username, PASSWORD)
    page.goto(f"{page.base_url}/plans/")
    page.click("text=Tạo kế hoạch từ biểu Excel")
    page.set_input_files("#id_file", str(path))
    page.fill("#id_number", "07/KH-LĐLĐ")
    page.fill("#id_issued_on", "05/01/2026")
    page.select_option("#id_issuer", str(fed.province.pk))
    page.click("button[value=preview]")
    page.wait_for_load_state()
    assert "không đọc được ngày của đợt" in page.inner_text("#form-errors")
    page.fill("input[name=dates-1]", "01/07/2026-31/07/2026")
    page.click("button[value=preview]")
    page.wait_for_load_state()
    readings = page.inner_text("#readings")
    assert "Đoàn viên nữ kết nạp mới" in readings and "từ 20 lao động trở lên" in readings
    page.click("#confirm")
    page.wait_for_load_state()
    assert "Đã tạo dự thảo kế hoạch 07/KH-LĐLĐ" in page.content()
    plan = Plan.objects.get(number="07/KH-LĐLĐ")
    assert plan.periods.get().start.isoformat() == "2026-07-01"
    assert Target.objects.filter(period__plan=plan, unit=fed.d1, value=12).exists()
