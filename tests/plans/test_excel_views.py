"""The download button and the upload page."""

import io

from openpyxl import load_workbook

from plans.demo import PEAK_CODE, PLAN_NUMBER, YEAR_CODE
from plans.excel_export import export_workbook
from plans.models import Plan, Target
from tests.plans.excel_helpers import column_of, row_of, snapshot

MT = "LĐLĐ huyện Mường Tè"
PARTY = "Giới thiệu đoàn viên ưu tú cho Đảng xem xét bồi dưỡng, kết nạp"


def _plan():
    return Plan.objects.get(number=PLAN_NUMBER)


def _workbook(response):
    return load_workbook(io.BytesIO(response.content))


def test_the_plan_page_links_to_the_download_and_the_upload(client_for, admin_user):
    plan = _plan()
    html = client_for(admin_user).get(f"/plans/{plan.pk}/{PEAK_CODE}/").content.decode()
    assert f"/plans/{plan.pk}/{PEAK_CODE}/export.xlsx" in html
    assert f"/plans/{plan.pk}/{PEAK_CODE}/import/" in html
    assert f"/plans/{plan.pk}/export.xlsx" in html


def test_viewers_see_the_download_but_not_the_upload(client_for, viewer_user):
    plan = _plan()
    html = client_for(viewer_user).get(f"/plans/{plan.pk}/{PEAK_CODE}/").content.decode()
    assert f"/plans/{plan.pk}/{PEAK_CODE}/export.xlsx" in html
    assert f"/plans/{plan.pk}/{PEAK_CODE}/import/" not in html


def test_download_of_one_period_and_of_all(client_for, viewer_user):
    client = client_for(viewer_user)
    plan = _plan()
    response = client.get(f"/plans/{plan.pk}/{PEAK_CODE}/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    assert _workbook(response).sheetnames == [PEAK_CODE]
    everything = client.get(f"/plans/{plan.pk}/export.xlsx")
    assert _workbook(everything).sheetnames == [YEAR_CODE, PEAK_CODE]


def test_a_unit_officer_downloads_only_its_own_rows(client_for, officer_a):
    response = client_for(officer_a).get(f"/plans/{_plan().pk}/{PEAK_CODE}/export.xlsx")
    ws = _workbook(response)[PEAK_CODE]
    names = [ws.cell(r, 2).value for r in range(1, ws.max_row + 1)]
    assert MT in names and "LĐLĐ huyện Tam Đường" not in names
    assert "Cộng:" not in [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]


def test_only_province_admins_may_upload(client_for, viewer_user, officer_a):
    url = f"/plans/{_plan().pk}/{PEAK_CODE}/import/"
    for user in (viewer_user, officer_a):
        client = client_for(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {}).status_code == 403


def _upload(client, workbook, name="bieu.xlsx"):
    data = io.BytesIO()
    workbook.save(data)
    data.seek(0)
    data.name = name
    return client.post(f"/plans/{_plan().pk}/{PEAK_CODE}/import/", {"file": data})


def test_admin_uploads_a_changed_form(client_for, admin_user, unit_a):
    client = client_for(admin_user)
    assert client.get(f"/plans/{_plan().pk}/{PEAK_CODE}/import/").status_code == 200
    workbook = export_workbook(_plan())
    ws = workbook[PEAK_CODE]
    ws.cell(row_of(ws, MT), column_of(ws, PARTY)).value = "33"
    response = _upload(client, workbook)
    assert response.status_code == 302
    target = Target.objects.get(
        period__code=PEAK_CODE, unit=unit_a, indicator__code="gioi-thieu-dang"
    )
    assert target.value == 33 and target.updated_by == admin_user


def test_admin_upload_with_errors_lists_them_and_changes_nothing(client_for, admin_user):
    client = client_for(admin_user)
    workbook = export_workbook(_plan())
    ws = workbook[PEAK_CODE]
    ws.cell(row_of(ws, MT), column_of(ws, PARTY)).value = -3
    before = snapshot()
    response = _upload(client, workbook)
    html = response.content.decode()
    assert response.status_code == 400
    assert "chỉ tiêu không được âm (-3)" in html
    assert f"Trang tính “{PEAK_CODE}”" in html
    assert snapshot() == before


def test_upload_refuses_other_file_types(client_for, admin_user):
    client = client_for(admin_user)
    data = io.BytesIO(b"TT,Don vi")
    data.name = "bieu.csv"
    response = client.post(f"/plans/{_plan().pk}/{PEAK_CODE}/import/", {"file": data})
    assert response.status_code == 200
    assert "Chỉ nhận tệp Excel .xlsx." in response.content.decode()
