"""Walk-through in Chromium: the province administrator creates a grassroots officer's account,
resets its password, locks it, changes a target; the audit log shows every one of those changes,
and the new officer (before being locked) sees only its own union's pages."""

import pytest

from accounts.demo import grassroots_demo_union
from plans.demo import PEAK_CODE
from plans.models import Period, Target
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Bum-Nua-Muong-Te-2024"


def sign_in(page, username, password):
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click(".login-card button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
def test_account_walkthrough_is_in_the_audit_log(page, admin_user):
    union = grassroots_demo_union()
    assert union is not None
    sign_in(page, admin_user.username, PASSWORD)

    # 1. Create the account.
    page.goto(f"{page.base_url}/accounts/users/new/")
    page.fill("#id_username", "cb.cdcs.thu")
    page.fill("#id_full_name", "Lò Thị Thu")
    page.select_option("#id_role", "grassroots_officer")
    page.select_option("#id_unit", str(union.pk))
    page.fill("#id_password1", NEW_PASSWORD)
    page.fill("#id_password2", NEW_PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_load_state()
    assert "Đã tạo tài khoản cb.cdcs.thu" in page.content()

    # 2. Reset its password.
    page.click("#user-table a:has-text('cb.cdcs.thu')")
    page.click("text=Đặt lại mật khẩu")
    page.fill("#id_password1", NEW_PASSWORD + "!")
    page.fill("#id_password2", NEW_PASSWORD + "!")
    page.click("form.stacked button[type=submit]")
    page.wait_for_load_state()
    assert "Đã đặt lại mật khẩu" in page.content()

    # 3. Change a target of Mường Tè in the allocation grid.
    period = Period.objects.select_related("plan").get(code=PEAK_CODE)
    target = Target.objects.filter(period=period, unit__name="LĐLĐ huyện Mường Tè").first()
    page.goto(f"{page.base_url}/plans/{period.plan.pk}/{period.code}/edit/")
    cell = page.locator(f"input[name='t-{target.unit_id}-{target.indicator_id}']")
    cell.fill(str((target.value or 0) + 3))
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()

    # 4. Lock the account.
    page.goto(f"{page.base_url}/accounts/users/?q=cb.cdcs.thu")
    page.click("#user-table button:has-text('Khoá')")
    page.wait_for_load_state()
    assert "Đã khoá tài khoản cb.cdcs.thu" in page.content()

    # The log, filtered to the administrator's own changes, shows all four.
    page.goto(f"{page.base_url}/accounts/audit/?user={admin_user.username}")
    rows = page.locator("#audit-table tbody tr")
    text = page.locator("#audit-table").inner_text()
    assert rows.count() >= 4
    assert "cb.cdcs.thu" in text
    assert "đổi mật khẩu" in text and "khoá tài khoản" in text
    assert "Chỉ tiêu giao" in text or "chỉ tiêu giao" in text.lower()
    assert f"{(target.value or 0) + 3}" in text
    assert "pbkdf2" not in page.content()

    # The account's own history page lists creation, password and lock, newest first.
    page.click("#audit-table a:has-text('cb.cdcs.thu')")
    history = page.locator("#audit-table").inner_text()
    assert (
        history.index("khoá tài khoản") < history.index("đổi mật khẩu") < history.index("Tạo mới")
    )


@pytest.mark.django_db(transaction=True)
def test_locked_out_page_is_vietnamese(page, officer_a):
    for _ in range(5):
        sign_in(page, officer_a.username, "sai-mat-khau")
    assert "Tạm khoá đăng nhập" in page.content()
