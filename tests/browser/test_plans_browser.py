"""A province administrator signs in, opens plan 78/KH-LĐLĐ and downloads the Excel form."""

import pytest
from openpyxl import load_workbook

from tests.actors import SYSTEM
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD


@pytest.mark.browser
def test_admin_downloads_the_allocation_form(page, transactional_db, tmp_path):
    from accounts.models import Role
    from accounts.services import create_user
    from organisation import demo as organisation_demo
    from plans import demo as plans_demo

    organisation_demo.load(user=SYSTEM)
    plan = plans_demo.load(user=SYSTEM)
    create_user(
        username="b.admin",
        password=PASSWORD,
        role=Role.PROVINCE_ADMIN,
        unit=organisation_demo.province(),
        validate=False,
    )
    sign_in(page, "b.admin", PASSWORD)
    page.goto(f"{page.base_url}/plans/")
    page.get_by_text("78/KH-LĐLĐ").first.click()
    page.get_by_role("link", name="Tháng cao điểm 2024").click()
    assert "LĐLĐ huyện Mường Tè" in page.locator("#allocation-table").inner_text()
    with page.expect_download() as info:
        page.get_by_role("link", name="Tải biểu giao chỉ tiêu (Excel)").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / "bieu.xlsx"
    download.save_as(path)
    ws = load_workbook(path)[plans_demo.PEAK_CODE]
    assert ws["A1"].value == "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM"
    assert ws["A4"].value == "BIỂU GIAO CHỈ TIÊU"
    cells = {c.value for row in ws.iter_rows() for c in row}
    assert {"LĐLĐ huyện Mường Tè", "Cộng:", 475, 129} <= cells
    assert plan.number in ws["A6"].value
