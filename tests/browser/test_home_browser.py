"""The home page of each role in a real browser, on a desktop (1366 px) and a phone (390 px).

With SCREENSHOT_DIR set, a PNG of each home at each width is written there
(home_<role>_<width>.png) to be looked at.
"""

import os

import pytest

from accounts.models import Role
from progress.models import Member
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD, _user

WIDTHS = [(1366, 900), (390, 844)]


def _grassroots_officer(unit_a):
    member = (
        Member.objects.filter(union__ancestor_paths__ancestor=unit_a, left_on__isnull=True)
        .select_related("union")
        .first()
    )
    return _user("t.cdcs", Role.GRASSROOTS_OFFICER, member.union)


def _look(browser, live_server, user, role, expect):
    for width, height in WIDTHS:
        context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": height})
        page = context.new_page()
        page.set_default_timeout(30000)
        page.base_url = live_server.url
        try:
            sign_in(page, user.username, PASSWORD)
            page.goto(f"{live_server.url}/")
            page.wait_for_selector("#headline")
            for text in expect:
                assert text in page.inner_text("main")
            # The home's own content fits the screen (no sideways scrolling inside main).
            overflow = page.evaluate(
                "() => [...document.querySelectorAll('main .card, main .figure-card')]"
                ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).length"
            )
            assert overflow == 0, f"{role} at {width}px: {overflow} cards wider than the screen"
            folder = os.environ.get("SCREENSHOT_DIR")
            if folder:
                page.screenshot(path=f"{folder}/home_{role}_{width}.png", full_page=True)
        finally:
            context.close()


@pytest.mark.browser
def test_the_three_homes_at_desktop_and_phone_width(
    browser, live_server, demo, admin_user, officer_a, unit_a
):
    _look(
        browser,
        live_server,
        admin_user,
        "province",
        ["Kết quả so với chỉ tiêu", "Đơn vị chậm tiến độ", "Chờ duyệt"],
    )
    _look(browser, live_server, officer_a, "unit", ["Xếp hạng 10/11", "Việc cần làm"])
    _look(
        browser,
        live_server,
        _grassroots_officer(unit_a),
        "grassroots",
        ["Đoàn viên hiện có", "Kết nạp đoàn viên"],
    )
