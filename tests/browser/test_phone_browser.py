"""Issue 13 item 6: on a 390 px phone no page scrolls sideways — every page of the menu of each
role, and the account form, progress, batch entry, the member register and the records behind a
figure; wide tables scroll inside their own box; the menu folds behind one button and
"Đăng xuất" is reachable; the header stays compact.

With SCREENSHOT_DIR set, a PNG of each page is written there (phone_<role>_<n>.png).
"""

import os
from urllib.parse import urlparse

import pytest

from accounts.models import Role
from plans.demo import PEAK_CODE, PLAN_NUMBER
from plans.models import Indicator, Plan
from progress.models import Member
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD, _user

PHONE = {"width": 390, "height": 844}

# The elements sticking out of the screen, for the failure message.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const e of document.querySelectorAll('body *')) {
    const box = e.getBoundingClientRect();
    if (box.right > width + 1 && box.width > 0) {
      let inside = false;
      for (let p = e.parentElement; p; p = p.parentElement) {
        const style = getComputedStyle(p);
        if (['auto', 'scroll', 'hidden'].includes(style.overflowX)) { inside = true; break; }
      }
      if (!inside) out.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
        (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : '') +
        ' ' + Math.round(box.right));
    }
  }
  return out.slice(0, 8);
}"""


def _pages(unit_a, member):
    plan = Plan.objects.get(number=PLAN_NUMBER)
    net = Indicator.objects.get(plan=plan, code="dv-thuc-tang")
    board = f"/progress/{plan.pk}/{PEAK_CODE}/"
    return {
        "province": [
            "/",
            "/accounts/users/new/",
            board,
            f"{board}?under={unit_a.pk}",
            f"{board}records/{unit_a.pk}/{net.pk}/",
            "/progress/batch/",
            "/progress/members/new/",
            "/progress/members/",
            f"/plans/{plan.pk}/{PEAK_CODE}/",
            f"/plans/{plan.pk}/{PEAK_CODE}/edit/",
        ],
        "unit": [
            "/",
            board,
            f"{board}?under={unit_a.pk}",
            f"{board}records/{unit_a.pk}/{net.pk}/",
            "/progress/entry/",
            "/progress/batch/",
            "/progress/members/new/",
            "/progress/members/",
            f"/plans/{plan.pk}/{PEAK_CODE}/",
            f"/plans/{plan.pk}/{PEAK_CODE}/allocate/{unit_a.pk}/",
            "/accounts/users/",
            "/accounts/users/new/",
        ],
        "grassroots": [
            "/",
            "/progress/members/",
            "/progress/members/new/",
            "/progress/batch/",
            f"/progress/members/{member.pk}/leave/",
        ],
    }


def _table_scrolls_in_its_box(page, url, role, folder):
    """The results table scrolls inside its card, its unit column staying in view."""
    page.goto(url)
    wrap = page.locator(".table-wrap:has(#progress-table)")
    wrap.scroll_into_view_if_needed()
    sizes = wrap.evaluate("w => [w.scrollWidth, w.clientWidth]")
    assert sizes[0] > sizes[1], f"{role}: the results table does not need to scroll?"
    unit_cell = page.locator("#progress-table tbody tr:first-child td:nth-child(2)")
    before = unit_cell.bounding_box()["x"]
    wrap.evaluate("w => { w.scrollLeft = 400; }")
    page.wait_for_timeout(100)
    left = wrap.bounding_box()["x"]
    after = unit_cell.bounding_box()["x"]
    assert abs(after - left) <= 2 and after >= before - 60, (role, before, after, left)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    if folder:
        page.screenshot(path=f"{folder}/phone_{role}_table.png")


def _check_role(browser, live_server, user, role, paths, board=None):
    context = browser.new_context(locale="vi-VN", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(30000)
    page.base_url = live_server.url
    folder = os.environ.get("SCREENSHOT_DIR")
    problems = []
    try:
        sign_in(page, user.username, PASSWORD)
        page.goto(f"{live_server.url}/")
        # Every page of the role's menu, then the pages named above.
        menu = page.eval_on_selector_all(".mainnav a", "links => links.map(a => a.href)")
        seen = []
        for url in [*paths, *(urlparse(u).path for u in menu)]:
            if url not in seen:
                seen.append(url)
        for number, path in enumerate(seen):
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, f"{role} {path}: {response.status}"
            width = page.evaluate("() => document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                problems.append(f"{path}: {width} px {page.evaluate(OVERFLOW)}")
            if folder:
                page.screenshot(path=f"{folder}/phone_{role}_{number:02d}.png")
        assert problems == [], f"{role} at 390 px:\n" + "\n".join(problems)
        if board is not None:
            _table_scrolls_in_its_box(page, f"{live_server.url}{board}", role, folder)
        # The header is compact and the menu opens behind its button, "Đăng xuất" inside.
        page.goto(f"{live_server.url}/")
        header = page.locator("header.topbar").bounding_box()
        assert header["height"] <= 80, f"{role}: header {header['height']} px high"
        logout = page.get_by_role("button", name="Đăng xuất")
        assert not logout.is_visible()
        page.get_by_role("button", name="Menu").click()
        assert logout.is_visible()
        box = logout.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
        if folder:
            page.screenshot(path=f"{folder}/phone_{role}_menu.png")
        logout.click()
        page.wait_for_url(lambda url: "/accounts/login/" in url or url.endswith("/"))
    finally:
        context.close()


@pytest.mark.browser
def test_every_page_of_every_role_fits_a_390_px_phone(
    browser, live_server, demo, admin_user, officer_a, unit_a
):
    member = (
        Member.objects.filter(union__ancestor_paths__ancestor=unit_a, left_on__isnull=True)
        .select_related("union")
        .first()
    )
    grassroots = _user("t.cdcs.phone", Role.GRASSROOTS_OFFICER, member.union)
    pages = _pages(unit_a, member)
    board = pages["province"][2]
    _check_role(browser, live_server, admin_user, "province", pages["province"], board)
    _check_role(browser, live_server, officer_a, "unit", pages["unit"], board)
    _check_role(browser, live_server, grassroots, "grassroots", pages["grassroots"])
