"""An officer takes an enterprise through the founding pipeline and the dashboard's new-CĐCS
figure for the unit rises by one (in the DN ≥25 column too), with no second entry."""

import pytest

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _figure(page, unit_name, indicator_pk) -> int:
    """The achieved figure in the unit's row. Rows are found by the unit's name and cells by
    their indicator id read without thousands dots (the dashboard's attributes are localised, so
    a primary key of 1800 appears as "1.800" on a database whose ids have grown)."""
    row = page.locator("#progress-table tbody tr").filter(has_text=unit_name)
    cells = row.locator("td.progress-cell")
    ids = [c.get_attribute("data-indicator").replace(".", "") for c in cells.all()]
    cell = cells.nth(ids.index(str(indicator_pk))).locator("a.figure")
    return int(cell.inner_text().replace(".", "").strip())


@pytest.mark.browser
def test_pipeline_to_a_founded_union_raises_the_dashboard(
    page, transactional_db, tmp_path, settings
):
    from accounts.models import Role
    from accounts.services import create_user
    from core.demo import load_demo
    from enterprises.models import Enterprise
    from organisation.models import Unit
    from plans.models import Indicator, Plan

    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo(reorganise=False)
    unit = Unit.objects.get(name="LĐLĐ huyện Mường Tè")
    create_user(
        username="b.muongte", password=PASSWORD, role=Role.UNIT_OFFICER, unit=unit, validate=False
    )
    plan = Plan.objects.get(number="78/KH-LĐLĐ")
    new_unions = Indicator.objects.get(plan=plan, code="cdcs-moi")
    large = Indicator.objects.get(plan=plan, code="cdcs-dn-tu-25")
    dashboard = f"{page.base_url}/progress/{plan.pk}/thang-cao-diem-2024/"
    sam_pu = Enterprise.objects.get(name="Công ty Cổ phần Sâm Pu Si Lung")

    sign_in(page, "b.muongte", PASSWORD)
    page.goto(dashboard)
    before = _figure(page, unit.name, new_unions.pk), _figure(page, unit.name, large.pk)

    page.goto(f"{page.base_url}/enterprises/")
    page.get_by_role("link", name="Tiến trình thành lập CĐCS").click()
    assert "ít nhất 3 người lao động" in page.locator(".rule").first.inner_text()
    page.get_by_role("link", name="Công ty Cổ phần Sâm Pu Si Lung").click()

    # Step 2: a committee of two is refused, with the rule named; three is accepted.
    page.fill("input[name=formed_on]", "2024-07-03")
    page.fill("input[name=cm-0-full_name]", "Lò Văn Pấu")
    page.fill("input[name=cm-1-full_name]", "Chu Thị Mai")
    page.get_by_role("button", name="Ghi nhận bước này").click()
    assert (
        "Hướng dẫn thi hành Điều lệ Công đoàn Việt Nam" in page.locator("#step-errors").inner_text()
    )
    page.fill("input[name=cm-2-full_name]", "Pờ Văn Sạ")
    page.get_by_role("button", name="Ghi nhận bước này").click()
    assert "Đã ghi nhận: Đã thành lập Ban vận động" in page.content()

    # Step 3: founding congress with 8 applications.
    page.select_option("select[name=kind]", "congress")
    page.fill("input[name=held_on]", "2024-07-10")
    page.fill("input[name=applications]", "8")
    page.get_by_role("button", name="Ghi nhận bước này").click()

    # Step 4: the decision, its scan and five founding members.
    page.fill("input[name=number]", "25/QĐ-LĐLĐ")
    page.fill("input[name=decided_on]", "2024-07-15")
    page.fill("input[name=signer]", "Nguyễn Văn Thắng")
    scan = tmp_path / "quyet-dinh.pdf"
    scan.write_bytes(PDF)
    page.set_input_files("input[name=decision_file]", str(scan))
    for i in range(5):
        page.fill(f"input[name=fm-{i}-full_name]", f"Công nhân {i + 1}")
        page.fill(f"input[name=fm-{i}-date_of_birth]", f"1992-03-{i + 1:02d}")
        page.select_option(f"select[name=fm-{i}-gender]", "male" if i % 2 else "female")
        page.fill(f"input[name=fm-{i}-ethnicity]", "Hà Nhì")
        page.fill(f"input[name=fm-{i}-cccd]", f"01219200{i:04d}")
    page.get_by_role("button", name="Ghi nhận bước này").click()
    decision = page.locator("#decision").inner_text()
    assert "25/QĐ-LĐLĐ" in decision and "5 đoàn viên" in decision

    # Step 5: the announcement ceremony.
    page.fill("input[name=held_on]", "2024-07-28")
    page.get_by_role("button", name="Ghi nhận bước này").click()
    assert "Đã hoàn thành các bước thành lập" in page.content()

    sam_pu.refresh_from_db()
    assert sam_pu.grassroots_union is not None
    page.goto(dashboard)
    after = _figure(page, unit.name, new_unions.pk), _figure(page, unit.name, large.pk)
    assert after == (before[0] + 1, before[1] + 1)
