"""A unit officer downloads the ranking and its tờ trình from the emulation pages, on a phone
screen (390 px) without sideways scrolling; the files open (openpyxl, python-docx)."""

import io
import os

import pytest

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD


@pytest.mark.browser
def test_an_officer_downloads_the_ranking_and_its_submission(page, transactional_db):
    from docx import Document
    from openpyxl import load_workbook

    from accounts.models import Role
    from accounts.services import create_user
    from core.demo import load_demo
    from emulation import services
    from organisation.models import Unit
    from plans.demo import PEAK_CODE
    from plans.models import Period

    load_demo(reorganise=False)
    unit = Unit.objects.get(name="LĐLĐ huyện Mường Tè")
    officer = create_user(
        username="e.muongte", password=PASSWORD, role=Role.UNIT_OFFICER, unit=unit, validate=False
    )
    peak = Period.objects.select_related("plan").get(code=PEAK_CODE)
    services.propose_reward(
        plan=peak.plan,
        period=peak,
        unit=unit,
        recipient_kind="individual",
        person_name="Lò Thị Hoa",
        person_position="Chủ tịch",
        form="giay_khen",
        level="province",
        achievements="- Vượt chỉ tiêu kết nạp đoàn viên",
        user=officer,
    )
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "e.muongte", PASSWORD)
    shots = os.environ.get("SCREENSHOT_DIR")

    page.goto(f"{page.base_url}/emulation/plan/{peak.plan.pk}/{peak.code}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert "bằng điểm" in page.locator("#tie-rule").inner_text()
    if shots:
        page.screenshot(path=f"{shots}/emulation-ranking.png", full_page=True)
    with page.expect_download() as info:
        page.click("#export-ranking")
    assert info.value.suggested_filename.endswith(".xlsx")
    with open(info.value.path(), "rb") as handle:
        ws = load_workbook(io.BytesIO(handle.read())).worksheets[0]
    assert ws["A4"].value == "BẢNG TỔNG HỢP ĐIỂM THI ĐUA VÀ XẾP HẠNG"
    names = [ws.cell(r, 2).value for r in range(10, ws.max_row + 1)]
    assert "LĐLĐ huyện Mường Tè" in names and "LĐLĐ huyện Tam Đường" not in names

    page.goto(f"{page.base_url}/emulation/proposals/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    if shots:
        page.screenshot(path=f"{shots}/emulation-proposals.png", full_page=True)
    with page.expect_download() as info:
        page.click("#export-docx")
    with open(info.value.path(), "rb") as handle:
        document = Document(io.BytesIO(handle.read()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "TỜ TRÌNH" in text and "Kính gửi: Ban Thường vụ Liên đoàn Lao động tỉnh" in text
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert any("Lò Thị Hoa" in c for c in cells)
