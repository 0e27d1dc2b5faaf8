"""An upper-level union's officer sets up its steering committee, closes a task with a scanned
file as evidence and records a training of a new CĐCS; the province board then shows them."""

import pytest

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.browser
def test_committee_task_with_evidence_and_training(page, transactional_db, tmp_path, settings):
    from accounts.models import Role
    from accounts.services import create_user
    from campaign.models import SteeringCommittee, Task, Training
    from core.demo import load_demo
    from organisation.models import Unit

    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo(reorganise=False)
    unit = Unit.objects.get(name="LĐLĐ huyện Tân Uyên")
    create_user(
        username="b.tanuyen", password=PASSWORD, role=Role.UNIT_OFFICER, unit=unit, validate=False
    )
    create_user(
        username="b.admin",
        password=PASSWORD,
        role=Role.PROVINCE_ADMIN,
        unit=Unit.objects.get(kind="province"),
        validate=False,
    )
    sign_in(page, "b.tanuyen", PASSWORD)
    page.get_by_role("link", name="Tổ chức thực hiện").click()
    page.wait_for_url(f"**/campaign/units/{unit.pk}/")
    assert "Chưa có ban chỉ đạo" in page.locator("#status").inner_text()

    # The committee and its head.
    page.get_by_role("link", name="Ghi quyết định thành lập ban chỉ đạo").click()
    page.fill("#id_decision_number", "21/QĐ-LĐLĐ")
    page.fill("#id_decision_on", "2024-06-20")
    page.get_by_role("button", name="Lưu ban chỉ đạo").click()
    page.fill("#member-form #id_full_name", "Lò Văn Trưởng")
    page.select_option("#member-form #id_role", "head")
    page.select_option("#member-form #id_body", "party")
    page.fill("#member-form #id_assignment", "Chỉ đạo chung")
    page.get_by_role("button", name="Thêm thành viên").click()
    assert "Lò Văn Trưởng" in page.locator("#committee-members").inner_text()
    assert SteeringCommittee.objects.get(unit=unit).members.count() == 1

    # A task closed with a scanned file.
    page.goto(f"{page.base_url}/campaign/units/{unit.pk}/")
    task = Task.objects.filter(unit=unit).order_by("id").first()
    page.locator("#task-table").get_by_role("link", name=task.title).click()
    page.select_option("#id_status", "done")
    page.fill("#id_done_on", "2024-07-30")
    evidence = tmp_path / "bien-ban.pdf"
    evidence.write_bytes(PDF)
    page.set_input_files("#id_evidence_file", str(evidence))
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(f"**/campaign/units/{unit.pk}/**")
    row = page.locator("#task-table tbody tr").filter(has_text=task.title)
    assert "Xong" in row.inner_text() and "bien-ban.pdf" in row.inner_text()

    # A training of the new CĐCS.
    page.get_by_role("link", name="Ghi lớp tập huấn").click()
    page.fill("#id_title", "Lớp bồi dưỡng cán bộ CĐCS mới")
    page.fill("#id_held_on", "2024-08-15")
    page.fill("#id_participants", "25")
    page.get_by_label("CĐCS Hợp tác xã Chè Thanh Sơn").check()
    page.get_by_role("button", name="Lưu").click()
    assert "Lớp bồi dưỡng cán bộ CĐCS mới" in page.locator("#training-table").inner_text()
    assert Training.objects.get(unit=unit).unions.count() == 1

    # The unit's own implementation plan, with its scanned file.
    page.goto(f"{page.base_url}/campaign/units/{unit.pk}/")
    page.get_by_role("link", name="Ghi kế hoạch của đơn vị").click()
    page.fill("#id_number", "07/KH-LĐLĐ")
    page.fill("#id_issued_on", "2024-06-25")
    page.set_input_files("#id_file", str(evidence))
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(f"**/campaign/units/{unit.pk}/**")
    assert "07/KH-LĐLĐ" in page.locator("#unit-plan-number").inner_text()

    # A comment on the task.
    page.locator("#task-table").get_by_role("link", name=task.title).click()
    page.fill("#comment-form #id_text", "Đã gửi biên bản cho Ban Tổ chức")
    page.get_by_role("button", name="Gửi ý kiến").click()
    assert "Đã gửi biên bản cho Ban Tổ chức" in page.locator("#comment-list").inner_text()

    # The province board.
    page.context.clear_cookies()
    sign_in(page, "b.admin", PASSWORD)
    page.goto(f"{page.base_url}/campaign/")
    row = page.locator("#campaign-board tbody tr").filter(has_text=unit.name)
    text = row.inner_text()
    assert "21/QĐ-LĐLĐ" in text and "1/7" in text and "1/1" in text
    assert "Chưa cử" in text  # no officer yet: still flagged
    assert "07/KH-LĐLĐ" in text
