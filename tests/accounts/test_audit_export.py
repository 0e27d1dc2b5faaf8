"""The audit log's pager and its Excel export (/accounts/audit/export/): the filtered entries as
the page shows them, personal data masked by the same rule, the export in the processing log,
at most AUDIT_EXPORT_MAX entries (and the file says so)."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts import audit
from accounts.models import Role
from core.excel import LIST_HEADER_ROW
from core.models import PersonalDataAccess
from organisation.models import Sector, UnitKind
from progress import services
from tests.factories import make_unit, make_user, role_users, small_tree

pytestmark = pytest.mark.django_db

CCCD = "012345678901"
ETHNICITY = "Hà Nhì"
BIRTH = "17/05/1990"
HEADERS = (
    "STT",
    "Thời điểm",
    "Người thực hiện",
    "Loại dữ liệu",
    "Đối tượng",
    "Thao tác",
    "Trước → sau",
)


@pytest.fixture
def world():
    tree = small_tree()
    users = role_users(tree)
    union = make_unit(
        "CĐCS Công ty Thử",
        kind=UnitKind.GRASSROOTS,
        parent=tree.unit_a,
        sector=Sector.ENTERPRISE_LARGE,
        valid_from=datetime.date(2020, 1, 1),
    )
    officer = users["officer_a"]
    (member,) = services.admit_members(
        union=union,
        members=[
            {
                "full_name": "Lò Thị Mẩy",
                "date_of_birth": datetime.date(1990, 5, 17),
                "gender": "female",
                "ethnicity": ETHNICITY,
                "cccd": CCCD,
                "job": "Công nhân",
                "admitted_on": datetime.date(2024, 7, 2),
            }
        ],
        user=officer,
    )
    with audit.acting_as(officer):
        member.job = "Thợ may"
        member.save()
    return {"tree": tree, "union": union, "member": member, **users}


def _export(client, **query):
    response = client.get(reverse("accounts:audit_export"), query)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="nhat-ky-thay-doi-')
    return load_workbook(io.BytesIO(response.content)).active


def _rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(min_row=LIST_HEADER_ROW + 1, values_only=True))


def _text(sheet) -> str:
    return "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v)


def test_export_holds_the_filtered_entries_as_the_page_shows_them(world, client_for):
    admin, member = world["admin_user"], world["member"]
    client = client_for(admin)
    sheet = _export(client, model="progress.member")
    assert next(sheet.iter_rows(min_row=LIST_HEADER_ROW, values_only=True)) == HEADERS
    assert sheet["A3"].value == "NHẬT KÝ THAY ĐỔI DỮ LIỆU"
    assert "Đoàn viên" in sheet["A4"].value  # the filter, in words
    changed, created = _rows(sheet)  # newest first
    page = client.get(reverse("accounts:audit_log"), {"model": "progress.member"})
    assert page.context["total"] == 2
    assert [r[4] for r in (changed, created)] == [e.object_repr for e in page.context["entries"]]

    number, moment, user, kind, name, action, changes = changed
    assert (number, user, kind, action) == (1, "t.officer.a", "Đoàn viên", "Sửa")
    assert isinstance(moment, datetime.datetime)
    assert sheet.cell(row=LIST_HEADER_ROW + 1, column=2).number_format == "dd/mm/yyyy hh:mm"
    assert name == str(member)
    assert changes == "Nghề nghiệp: Công nhân → Thợ may"
    assert created[5] == "Tạo mới"
    assert "Họ và tên: Lò Thị Mẩy" in created[6].split("\n")
    # The administrator may see personal data: in full, and the export is in the processing log.
    assert f"Số CCCD: {CCCD}" in created[6] and f"Ngày sinh: {BIRTH}" in created[6]
    log = PersonalDataAccess.objects.get(purpose="audit_export")
    assert log.user == admin and log.subjects == [f"progress.member:{member.pk}"]
    assert log.path.startswith(reverse("accounts:audit_export"))


def test_personal_data_stays_masked_for_an_officer_without_the_right(world, client_for):
    viewer = _export(client_for(world["viewer_user"]), model="progress.member")
    text = _text(viewer)
    assert "Lò Thị Mẩy" in text and "8901" in text
    assert CCCD not in text and BIRTH not in text and ETHNICITY not in text
    assert not PersonalDataAccess.objects.exists()  # nothing was shown in full

    # Another district's officer reads none of district A's rows.
    other = _export(client_for(world["officer_b"]), model="progress.member")
    assert _rows(other) == [] and "Lò Thị Mẩy" not in _text(other)

    # The member's own officer sees them in full, like on the page.
    own = _text(_export(client_for(world["officer_a"]), model="progress.member"))
    assert CCCD in own and ETHNICITY in own


def test_the_export_is_capped_and_says_so(world, client_for, monkeypatch):
    monkeypatch.setattr("accounts.views.AUDIT_EXPORT_MAX", 3)
    client = client_for(world["admin_user"])
    total = client.get(reverse("accounts:audit_log")).context["total"]
    assert total > 3
    sheet = _export(client)
    assert [r[0] for r in _rows(sheet)] == [1, 2, 3]
    assert f"Chỉ gồm 3 thay đổi mới nhất trong {total} thay đổi" in sheet["A4"].value


def test_who_may_export(world, client_for):
    grassroots = make_user("t.cdcs", Role.GRASSROOTS_OFFICER, world["union"])
    url = reverse("accounts:audit_export")
    assert client_for(grassroots).get(url).status_code == 403
    assert client_for(world["admin_user"]).post(url).status_code == 405
    assert reverse("accounts:audit_export") == "/accounts/audit/export/"


def test_the_log_shows_its_range_with_the_list_pager(world, client_for, monkeypatch):
    client = client_for(world["admin_user"])
    url = reverse("accounts:audit_log")
    total = client.get(url).context["total"]
    assert total < 50
    html = client.get(url).content.decode()
    assert f"1–{total} trong {total}" in html and 'rel="next"' not in html
    export = reverse("accounts:audit_export")
    assert (
        f'href="{export}?model=progress.member&amp;user=t.officer.a"'
        in client.get(
            url, {"model": "progress.member", "user": "t.officer.a", "page": "1"}
        ).content.decode()
    )

    monkeypatch.setattr("accounts.views.AUDIT_PAGE_SIZE", 2)
    first = client.get(url).content.decode()
    assert f"1–2 trong {total}" in first and 'rel="next"' in first
    past_end = client.get(url, {"page": "999"})
    assert past_end.context["page"].number == -(-total // 2)  # past the end: the last page
    assert past_end.context["entries"]
