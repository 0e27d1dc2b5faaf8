"""The one date input (core/dates.py, static/js/datepicker.js) in a real browser: the calendar
button beside a dd/mm/yyyy field writes the chosen day back dd/mm/yyyy — through the browser's
own picker (the hidden <input type="date">: headless Chromium opens no picker a test can drive,
so the test sets its value as the picker would) or through the month grid drawn where there is
no showPicker() — in rows the member entry page adds after load too; a pasted yyyy-mm-dd is
shown dd/mm/yyyy; the list saves with those dates."""

import datetime

import pytest

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

UNION = "CĐCS Công ty Thủy điện (thử lịch)"


def _officer():
    from accounts.models import Role
    from tests.factories import make_grassroots, make_user, small_tree

    tree = small_tree()
    union = make_grassroots(tree.unit_a, UNION)
    make_user("b.dates", Role.UNIT_OFFICER, tree.unit_a)
    return union


def _fill_person(page, row, name, cccd):
    page.fill(f'input[name="row-{row}-full_name"]', name)
    page.select_option(f'select[name="row-{row}-gender"]', "Nữ")
    page.fill(f'input[name="row-{row}-cccd"]', cccd)


@pytest.mark.browser
def test_the_calendar_button_writes_dd_mm_yyyy_and_the_list_saves(page, transactional_db):
    from progress.models import Member

    union = _officer()
    sign_in(page, "b.dates", PASSWORD)
    page.goto(f"{page.base_url}/progress/members/new/?union={union.pk}")
    page.select_option("#id_union", label=UNION)

    birth = page.locator('input[name="row-0-date_of_birth"]')
    button = page.locator('td:has(input[name="row-0-date_of_birth"]) .datepicker-button')
    assert button.get_attribute("aria-label") == "Chọn ngày"
    assert button.is_visible()
    # The browser's picker: choosing 12/05/1996 sets the hidden date input and fires change.
    button.click()
    page.evaluate(
        """() => {
            const picker = document.querySelector("input.datepicker-native");
            picker.value = "1996-05-12";
            picker.dispatchEvent(new Event("change", { bubbles: true }));
        }"""
    )
    assert birth.input_value() == "12/05/1996"
    assert page.locator("input.datepicker-native").get_attribute("name") is None  # never posted
    # Typed by hand, and a pasted yyyy-mm-dd shown dd/mm/yyyy when the field is left.
    admitted = page.locator('input[name="row-0-admitted_on"]')
    admitted.fill("2024-07-20")
    admitted.dispatch_event("change")
    assert admitted.input_value() == "20/07/2024"
    _fill_person(page, 0, "Lò Thị Xuân", "012196000101")

    # A row added after load gets the picker too; the browser's picker re-opens on the old day.
    page.click("#add-row")
    later = page.locator('input[name="row-1-date_of_birth"]')
    assert later.input_value() == ""
    page.locator('td:has(input[name="row-1-date_of_birth"]) .datepicker-button').click()
    assert page.locator("input.datepicker-native").input_value() == ""
    page.locator('td:has(input[name="row-0-date_of_birth"]) .datepicker-button').click()
    assert page.locator("input.datepicker-native").input_value() == "1996-05-12"
    page.keyboard.press("Escape")
    later.fill("03/11/1990")
    page.fill('input[name="row-1-admitted_on"]', "21/07/2024")
    _fill_person(page, 1, "Giàng Thị Sính", "012090000102")

    page.click("#save-members")
    page.wait_for_url(lambda url: "/progress/members/?" in url)
    saved = dict(Member.objects.filter(union=union).values_list("full_name", "date_of_birth"))
    assert saved == {
        "Lò Thị Xuân": datetime.date(1996, 5, 12),
        "Giàng Thị Sính": datetime.date(1990, 11, 3),
    }
    admitted_on = set(Member.objects.filter(union=union).values_list("admitted_on", flat=True))
    assert admitted_on == {datetime.date(2024, 7, 20), datetime.date(2024, 7, 21)}


@pytest.mark.browser
def test_without_show_picker_the_drawn_month_grid_writes_dd_mm_yyyy(page, transactional_db):
    union = _officer()
    page.add_init_script("delete HTMLInputElement.prototype.showPicker;")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "b.dates", PASSWORD)
    page.goto(f"{page.base_url}/progress/members/new/?union={union.pk}")

    field = page.locator('input[name="row-0-admitted_on"]')
    field.fill("15/07/2024")
    page.locator('td:has(input[name="row-0-admitted_on"]) .datepicker-button').click()
    grid = page.locator(".datepicker-pop")
    assert grid.is_visible()
    assert "2024" in grid.locator(".datepicker-title").inner_text()
    assert grid.locator("[aria-pressed=true]").inner_text() == "15"
    box = grid.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390  # fits the phone
    grid.locator("[data-step='-1']").click()  # June 2024
    grid.locator("[data-date='2024-06-03']").click()
    assert not grid.is_visible()
    assert field.input_value() == "03/06/2024"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # Escape and a click outside close the grid without writing anything.
    page.locator('td:has(input[name="row-0-admitted_on"]) .datepicker-button').click()
    assert page.locator(".datepicker-pop").is_visible()
    page.keyboard.press("Escape")
    assert page.locator(".datepicker-pop").count() == 0
    page.locator('td:has(input[name="row-0-date_of_birth"]) .datepicker-button').click()
    page.locator("h1").click()
    assert page.locator(".datepicker-pop").count() == 0
    assert field.input_value() == "03/06/2024"
