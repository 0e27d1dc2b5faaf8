"""An officer signs in, adds three members on the entry page (keyboard only between rows), and
the dashboard's net figure rises by three for the officer's unit and for the province."""

import pytest

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

UNION = "CĐCS Công ty Cổ phần Thủy điện Pắc Ma"
PEOPLE = [
    ("Lò Thị Xuân", "12/05/1996", "Nữ", "Thái", "012196000101", "Công nhân"),
    ("Giàng A Sính", "03/11/1990", "Nam", "Mông", "012090000102", "Công nhân vận hành"),
    ("Pờ Thị Mỷ", "21/01/2001", "Nữ", "Hà Nhì", "012301000103", "Kỹ thuật viên"),
]


def _signed_in(page, username):
    sign_in(page, username, PASSWORD)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _figure(page, unit_pk, indicator_pk) -> int:
    cell = page.locator(
        f'#progress-table tr[data-unit="{unit_pk}"] td[data-indicator="{indicator_pk}"] a.figure'
    )
    return int(cell.inner_text().replace(".", "").strip())


@pytest.mark.browser
def test_officer_adds_three_members_and_dashboard_rises(page, browser, transactional_db):
    from accounts.models import Role
    from accounts.services import create_user
    from core.demo import load_demo
    from organisation.models import Unit
    from plans.models import Indicator, Plan

    load_demo(reorganise=False)
    unit = Unit.objects.get(name="LĐLĐ huyện Mường Tè")
    province = Unit.objects.get(name="Liên đoàn Lao động tỉnh Lai Châu")
    create_user(
        username="b.officer", password=PASSWORD, role=Role.UNIT_OFFICER, unit=unit, validate=False
    )
    create_user(
        username="b.admin", password=PASSWORD, role=Role.PROVINCE_ADMIN, unit=province,
        validate=False,
    )  # fmt: skip
    plan = Plan.objects.get(number="78/KH-LĐLĐ")
    net = Indicator.objects.get(plan=plan, code="dv-thuc-tang")
    dashboard = f"{page.base_url}/progress/{plan.pk}/thang-cao-diem-2024/"

    # The province's figure, as the province administrator sees it (another browser session).
    admin = browser.new_context(locale="vi-VN").new_page()
    admin.base_url = page.base_url
    admin.set_default_timeout(30000)
    _signed_in(admin, "b.admin")
    admin.goto(dashboard)
    province_before = _figure(admin, province.pk, net.pk)

    _signed_in(page, "b.officer")
    page.goto(dashboard)
    unit_before = _figure(page, unit.pk, net.pk)
    assert page.locator(f'#progress-table tr[data-unit="{province.pk}"]').count() == 0

    page.get_by_role("link", name="Nhập kết quả").first.click()
    page.locator("#add-members-link").click()
    page.select_option("#id_union", label=UNION)
    page.locator('input[name="row-0-full_name"]').focus()
    for name, born, gender, ethnicity, cccd, job in PEOPLE:
        # Type a whole row with Tab between cells and Enter at its end (opens the next row).
        page.keyboard.type(name)
        page.keyboard.press("Tab")
        page.keyboard.type(born)
        page.keyboard.press("Tab")
        page.keyboard.press("N")  # the gender select: "Nam" / "Nữ"
        if gender == "Nữ":
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Tab")
        page.keyboard.type(ethnicity)
        page.keyboard.press("Tab")
        page.keyboard.type(cccd)
        page.keyboard.press("Tab")
        page.keyboard.type(job)
        page.keyboard.press("Tab")
        page.keyboard.type("20/07/2024")
        page.keyboard.press("Enter")
    page.locator("#save-members").click()
    page.wait_for_load_state()
    assert "Đã kết nạp 3 đoàn viên" in page.locator(".messages").inner_text()
    assert page.locator("#members").get_by_text("012196000101").count() == 1  # own unit: unmasked

    page.goto(dashboard)
    assert _figure(page, unit.pk, net.pk) == unit_before + 3
    admin.goto(dashboard)
    assert _figure(admin, province.pk, net.pk) == province_before + 3
    admin.context.close()
