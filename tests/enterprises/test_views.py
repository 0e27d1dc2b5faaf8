"""Pages: list, coverage, board, the pipeline through forms, import preview, permissions."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from enterprises.models import Enterprise, Stage
from tests.enterprises.conftest import PDF, xlsx_bytes

pytestmark = pytest.mark.django_db


def test_list_shows_threshold_and_coverage(demo, client_for, admin_user):
    response = client_for(admin_user).get(reverse("enterprises:list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "từ 25 lao động trở lên (≥25)" in html
    assert "Công ty Cổ phần Sâm Pu Si Lung" in html
    assert "8 doanh nghiệp từ 25 lao động trở lên, 0 đã có CĐCS" in html
    assert reverse("enterprises:list") == "/enterprises/"


def test_coverage_page(demo, client_for, viewer_user):
    html = client_for(viewer_user).get(reverse("enterprises:coverage")).content.decode()
    assert "LĐLĐ huyện Mường Tè" in html
    assert '<td class="num" id="coverage-total">0,0%</td>' in html
    assert html.count('href="/enterprises/') >= 8


def test_board_has_every_enterprise_in_a_column(demo, client_for, officer_a):
    response = client_for(officer_a).get(reverse("enterprises:board"))
    html = response.content.decode()
    assert "Công ty Cổ phần Sông Đà 705" in html
    assert "Công ty TNHH số 10 Lai Châu" not in html  # another unit's enterprise


def test_officer_cannot_open_another_units_enterprise(demo, client_for, officer_b):
    sam_pu = Enterprise.objects.get(name="Công ty Cổ phần Sâm Pu Si Lung")
    client = client_for(officer_b)
    assert client.get(reverse("enterprises:detail", args=[sam_pu.pk])).status_code == 403
    assert client.get(reverse("enterprises:case", args=[sam_pu.founding.pk])).status_code == 403
    response = client.post(
        reverse("enterprises:case_step", args=[sam_pu.founding.pk, "committee"]),
        {"formed_on": "2024-07-03"},
    )
    assert response.status_code == 403


def test_viewer_reads_but_cannot_change(demo, client_for, viewer_user):
    sam_pu = Enterprise.objects.get(name="Công ty Cổ phần Sâm Pu Si Lung")
    client = client_for(viewer_user)
    assert client.get(reverse("enterprises:detail", args=[sam_pu.pk])).status_code == 200
    assert client.get(reverse("enterprises:edit", args=[sam_pu.pk])).status_code == 403
    assert client.get(reverse("enterprises:create")).status_code == 403
    assert client.get(reverse("enterprises:import")).status_code == 403


def test_create_enterprise_form(demo, client_for, officer_a, unit_a):
    response = client_for(officer_a).post(
        reverse("enterprises:create"),
        {
            "name": "Công ty TNHH Mới",
            "tax_code": "0100109106",
            "unit": unit_a.pk,
            "ownership": "non_state",
            "workers": "1.200",
            "surveyed_on": "01/06/2024",
        },
    )
    assert response.status_code == 302
    created = Enterprise.objects.get(name="Công ty TNHH Mới")
    assert created.workers == 1200 and created.tax_code == "0100109106"


def test_bad_tax_code_shown_on_form(demo, client_for, officer_a, unit_a):
    response = client_for(officer_a).post(
        reverse("enterprises:create"),
        {"name": "X", "tax_code": "0100109107", "unit": unit_a.pk, "ownership": "non_state"},
    )
    assert response.status_code == 200
    assert "Mã số thuế “0100109107” không hợp lệ" in response.content.decode()


def _founding_post(n=5):
    data = {
        "number": "15/QĐ-LĐLĐ",
        "decided_on": "2024-07-15",
        "signer": "Nguyễn Văn A",
        "union_name": "",
        "founding_rows": "10",
        "decision_file": SimpleUploadedFile("qd.pdf", PDF, content_type="application/pdf"),
    }
    for i in range(n):
        data.update(
            {
                f"fm-{i}-full_name": f"Thành viên {i + 1}",
                f"fm-{i}-date_of_birth": f"1990-02-{i + 1:02d}",
                f"fm-{i}-gender": "female",
                f"fm-{i}-ethnicity": "Thái",
                f"fm-{i}-cccd": f"01219000{i:04d}",
                f"fm-{i}-job": "Công nhân",
            }
        )
    return data


def test_pipeline_through_the_pages(demo, client_for, officer_a):
    sam_pu = Enterprise.objects.get(name="Công ty Cổ phần Sâm Pu Si Lung")
    case = sam_pu.founding
    client = client_for(officer_a)
    step = lambda name: reverse("enterprises:case_step", args=[case.pk, name])  # noqa: E731
    # Two committee members: refused, the rule and its source are named.
    response = client.post(
        step("committee"),
        {
            "formed_on": "2024-07-03",
            "committee_rows": "5",
            "cm-0-full_name": "A",
            "cm-1-full_name": "B",
        },
    )
    assert response.status_code == 400
    assert "Hướng dẫn thi hành Điều lệ Công đoàn Việt Nam" in response.content.decode()
    names = {f"cm-{i}-full_name": n for i, n in enumerate(["Lò A", "Lò B", "Lò C"])}
    response = client.post(
        step("committee"), {"formed_on": "2024-07-03", "committee_rows": "5", **names}
    )
    assert response.status_code == 302
    response = client.post(
        step("conference"), {"kind": "congress", "held_on": "2024-07-10", "applications": "9"}
    )
    assert response.status_code == 302
    bad = _founding_post(5)
    bad["fm-0-cccd"] = "123"
    response = client.post(step("decision"), bad)
    assert response.status_code == 400
    assert "12 chữ số" in response.content.decode()
    response = client.post(step("decision"), _founding_post(5))
    assert response.status_code == 302, response.content.decode()[:3000]
    sam_pu.refresh_from_db()
    assert sam_pu.grassroots_union.name == "Công đoàn cơ sở Công ty Cổ phần Sâm Pu Si Lung"
    case.refresh_from_db()
    assert case.stage == Stage.DECISION and case.decision_by == officer_a
    download = client.get(reverse("enterprises:decision_file", args=[case.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    response = client.post(step("ceremony"), {"held_on": "2024-07-28"})
    case.refresh_from_db()
    assert case.stage == Stage.CEREMONY


def test_import_preview_then_save(demo, client_for, officer_a):
    client = client_for(officer_a)
    upload = SimpleUploadedFile(
        "ds.xlsx",
        xlsx_bytes(
            [
                ("DANH SÁCH", None, None),
                ("STT", "Tên doanh nghiệp", "Số lao động"),
                (1, "C«ng ty Míi", "1.200"),
                (2, "Công ty Lỗi", "abc"),
            ]
        ),
    )
    unit = officer_a.unit
    response = client.post(reverse("enterprises:import"), {"file": upload, "unit": unit.pk})
    assert response.status_code == 302
    preview = client.get(reverse("enterprises:import_preview"))
    html = preview.content.decode()
    assert "Công ty Mới" in html and "TCVN3" in html
    assert "dòng 4" in html and "“abc” không phải số nguyên" in html
    assert Enterprise.objects.filter(name="Công ty Mới").count() == 0  # nothing saved yet
    response = client.post(reverse("enterprises:import_preview"), {"action": "save"})
    assert response.status_code == 302
    assert Enterprise.objects.get(name="Công ty Mới").workers == 1200


def test_export_download(demo, client_for, viewer_user):
    response = client_for(viewer_user).get(reverse("enterprises:export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_unit_filter_ids_are_not_localised(demo, client_for, admin_user, unit_a, settings):
    """Ids go into links and options unlocalised (1800, not “1.800”), and a dotted id from an
    old link still works."""
    client = client_for(admin_user)
    html = client.get(reverse("enterprises:list")).content.decode()
    assert f'<option value="{unit_a.pk}"' in html
    dotted = f"{unit_a.pk + 1000:,}".replace(",", ".")
    assert client.get(reverse("enterprises:list"), {"unit": dotted}).status_code == 404
    html = client.get(reverse("enterprises:list"), {"unit": str(unit_a.pk)}).content.decode()
    assert "Công ty Cổ phần Sông Đà 705" in html
    assert "Công ty TNHH số 10 Lai Châu" not in html


def test_founding_members_from_an_excel_list(demo, client_for, officer_a):
    from enterprises import services

    sam_pu = Enterprise.objects.get(name="Công ty Cổ phần Sâm Pu Si Lung")
    case = sam_pu.founding
    services.record_committee(
        case=case,
        formed_on=datetime.date(2024, 7, 3),
        members=[{"full_name": n} for n in "ABC"],
        user=officer_a,
    )
    services.record_conference(
        case=case,
        kind="launch",
        held_on=datetime.date(2024, 7, 10),
        applications=6,
        user=officer_a,
    )
    header = (
        "STT",
        "Họ và tên",
        "Ngày sinh",
        "Giới tính",
        "Dân tộc",
        "Số CCCD",
        "Nghề nghiệp",
        "Ngày kết nạp",
    )
    rows = [("DANH SÁCH ĐOÀN VIÊN",), header] + [
        (i, f"Người {i}", f"0{i}/03/1991", "Nam", "Hà Nhì", f"0122910000{i:02d}", "Công nhân", None)
        for i in range(1, 7)
    ]
    data = _founding_post(0)
    data["members_file"] = SimpleUploadedFile("ds.xlsx", xlsx_bytes(rows))
    response = client_for(officer_a).post(
        reverse("enterprises:case_step", args=[case.pk, "decision"]), data
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    case.refresh_from_db()
    assert case.founding_member_count == 6


def test_the_enterprise_list_pages_fifty_at_a_time_and_keeps_its_filters(
    demo, client_for, admin_user
):
    from enterprises.models import Enterprise
    from organisation.models import Unit

    unit = Unit.objects.get(name="LĐLĐ huyện Mường Tè")
    Enterprise.objects.bulk_create(
        Enterprise(name=f"Công ty thử {i:03d}", unit=unit) for i in range(60)
    )
    total = Enterprise.objects.count()
    client = client_for(admin_user)
    first = client.get("/enterprises/").content.decode()
    assert f"1–50 trong {total}" in first
    last = client.get("/enterprises/?page=2").content.decode()
    assert f"51–{total} trong {total}" in last
    found = client.get("/enterprises/?q=thử&page=2").content.decode()
    assert "51–60 trong 60" in found and "Công ty thử 059" in found
